/* Unbounded recursion: the call stack runs out, and the report folds the repeated frames. */
__attribute__((noinline)) unsigned recurse(unsigned depth) {
    volatile unsigned keep = depth;
    if (keep == 0xFFFFFFFFu) return 0; /* never: the stack runs out long before */
    return recurse(keep + 1) + keep;
}

int main(void) {
    return (int)recurse(0);
}
