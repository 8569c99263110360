/*
 * args_env.c - arguments and environment. argv[0] is the module's file name (base name), the
 * other arguments arrive unchanged (spaces, empty strings). Without "inherited" as the first
 * argument, the whole environment is printed, sorted: only what --env gave. With it (run
 * with --inherit-env), only the variables A and TYCHO_WASI_INHERITED are printed, because the
 * rest is the host's.
 */
#include "wasi_test.h"

extern char** environ;

static int by_string(const void* a, const void* b) {
    return strcmp(*(char* const*)a, *(char* const*)b);
}

static void print_variable(const char* name) {
    const char* value = getenv(name);
    printf("%s %s\n", name, value ? value : "is not set");
}

int main(int argc, char** argv) {
    const char* base = strrchr(argv[0], '/');
    printf("argc %d, argv[0] %s\n", argc, base ? base + 1 : argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] [%s]\n", i, argv[i]);

    if (argc > 1 && strcmp(argv[1], "inherited") == 0) {
        print_variable("A");
        print_variable("TYCHO_WASI_INHERITED");
        return 0;
    }
    size_t count = 0;
    while (environ[count])
        count++;
    char** sorted = calloc(count + 1, sizeof *sorted);
    CHECK(sorted != NULL);
    memcpy(sorted, environ, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, by_string);
    printf("%zu environment variables\n", count);
    for (size_t i = 0; i < count; i++)
        printf("[%s]\n", sorted[i]);
    print_variable("TYCHO_WASI_INHERITED");
    free(sorted);
    return 0;
}
