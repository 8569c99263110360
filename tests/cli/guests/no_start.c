/* A module with no _start (a reactor). */
__attribute__((export_name("f"))) int f(void) {
    return 1;
}
