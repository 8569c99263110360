// A guest built against wasi-libc: its start-up (args, preopen scan), environ, stdio, clocks,
// random bytes and exit status, each reported on one line of stdout.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int monotonic_ok(void) {
    struct timespec a, b;
    if (clock_gettime(CLOCK_MONOTONIC, &a) != 0 || clock_gettime(CLOCK_MONOTONIC, &b) != 0)
        return 0;
    return b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec);
}

static int entropy_ok(void) {
    unsigned char bytes[32] = {0};
    if (getentropy(bytes, sizeof bytes) != 0) return 0;
    for (size_t i = 0; i < sizeof bytes; ++i)
        if (bytes[i] != 0) return 1;
    return 0;
}

int main(int argc, char** argv) {
    printf("argc=%d", argc);
    for (int i = 0; i < argc; ++i)
        printf(" [%s]", argv[i]);
    printf("\n");
    const char* greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    printf("monotonic=%s\n", monotonic_ok() ? "ok" : "bad");
    printf("entropy=%s\n", entropy_ok() ? "ok" : "bad");
    printf("realtime=%s\n", time(NULL) > 1600000000 ? "ok" : "bad");
    // No preopened directories: opening a relative path fails instead of trapping.
    printf("fopen=%s\n", fopen("missing.txt", "r") ? "opened" : "failed");
    printf("isatty=%d\n", isatty(1));
    fprintf(stderr, "to stderr\n");
    return 7;
}
