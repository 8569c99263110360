/* Loops forever: stopped only by --max-fuel. */
int main(void) {
    volatile unsigned x = 0;
    for (;;)
        x = x * 1103515245u + 12345u;
}
