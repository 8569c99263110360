/*
 * exit.c - how a program's end becomes tycho's exit status:
 *   exit.wasm exit N       prints a line, then exit(N) (stdio is flushed)
 *   exit.wasm return N     returns N from main
 *   exit.wasm proc_exit N  prints a flushed line, then calls proc_exit(N) directly
 *   exit.wasm atexit N     exit(N) from a nested call runs the atexit handler first
 */
#include <wasi/api.h>

#include "wasi_test.h"

static void at_exit(void) {
    printf("the atexit handler ran\n");
}

static void nested(int depth, int status) {
    if (depth == 0) exit(status);
    nested(depth - 1, status);
    printf("unreachable\n");
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: exit.wasm exit|return|proc_exit|atexit STATUS\n");
        return 2;
    }
    const char* how = argv[1];
    int status = atoi(argv[2]);
    printf("ending with %s %d\n", how, status);
    if (strcmp(how, "exit") == 0) exit(status);
    if (strcmp(how, "return") == 0) return status;
    if (strcmp(how, "proc_exit") == 0) {
        fflush(stdout);
        __wasi_proc_exit((__wasi_exitcode_t)status);
    }
    if (strcmp(how, "atexit") == 0) {
        atexit(at_exit);
        nested(10, status);
    }
    printf("unknown way '%s'\n", how);
    return 2;
}
