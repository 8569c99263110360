// tycho-c++ compiles without exceptions: this must fail at compile time.
int main() {
    throw 1;
}
