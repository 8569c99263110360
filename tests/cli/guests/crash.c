/* A root process that fails in a named function, for the failure report. */
#include <lunatic.h>
#include <stdio.h>

__attribute__((noinline)) int divide(int a, int b) {
    return a / b;
}
__attribute__((noinline)) int compute(int b) {
    return divide(10, b) + 1;
}

int main(int argc, char** argv) {
    lunatic_registry_put_str("crasher", 0, lunatic_process_process_id());
    printf("about to divide\n");
    fflush(stdout);
    return compute(argc - 1); /* no arguments: divides by zero */
}
