/*
 * sleep.c - sleeping: nanosleep, usleep, sleep and clock_nanosleep (relative, and absolute
 * on the monotonic clock) each last at least the time asked, measured on the monotonic
 * clock; a nanosleep with tv_nsec out of range is EINVAL.
 */
#include <time.h>

#include "wasi_test.h"

static long long now_ns(void) {
    struct timespec t;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t) == 0);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void print_at_least(const char* what, long long start, long long wanted_ns) {
    printf("%s slept at least that long: %s\n", what, now_ns() - start >= wanted_ns ? "yes" : "no");
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0); /* on a timeout, the log shows how far it got */
    long long start = now_ns();
    report("nanosleep 100 ms", nanosleep(&(struct timespec){0, 100000000}, NULL));
    print_at_least("nanosleep", start, 100000000);

    start = now_ns();
    report("usleep 50 ms", usleep(50000));
    print_at_least("usleep", start, 50000000);

    start = now_ns();
    printf("sleep 1 s: returned %u\n", sleep(1));
    print_at_least("sleep", start, 1000000000);

    start = now_ns();
    int e = clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){0, 80000000}, NULL);
    printf("clock_nanosleep 80 ms: %s\n", e == 0 ? "ok" : errno_name(e));
    print_at_least("clock_nanosleep", start, 80000000);

    start = now_ns();
    long long until = start + 120000000;
    struct timespec deadline = {(time_t)(until / 1000000000), (long)(until % 1000000000)};
    e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
    printf("clock_nanosleep until 120 ms from now: %s\n", e == 0 ? "ok" : errno_name(e));
    print_at_least("clock_nanosleep (absolute)", start, 120000000);

    report("nanosleep with tv_nsec 1e9", nanosleep(&(struct timespec){0, 1000000000}, NULL));
    return 0;
}
