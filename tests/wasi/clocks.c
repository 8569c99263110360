/*
 * clocks.c - clock_gettime and clock_getres: every clock has a resolution between 1 ns and
 * 1 s; the realtime clock reads a plausible date (2024 to 2100) and agrees with time() and
 * gettimeofday(); the monotonic clock never goes back over 100,000 reads and advances by at
 * least the 20 ms slept; the process and thread CPU-time clocks advance with 30 ms of work.
 */
#include <sys/time.h>
#include <time.h>

#include "wasi_test.h"

static long long read_ns(clockid_t clock) {
    struct timespec t;
    CHECK(clock_gettime(clock, &t) == 0);
    CHECK(t.tv_nsec >= 0 && t.tv_nsec < 1000000000L);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static const char* yes_no(int value) {
    return value ? "yes" : "no";
}

static void print_resolution(const char* name, clockid_t clock) {
    struct timespec res;
    int r = clock_getres(clock, &res);
    long long ns = (long long)res.tv_sec * 1000000000LL + res.tv_nsec;
    printf("%s resolution between 1 ns and 1 s: %s\n", name,
           r == 0 ? yes_no(ns >= 1 && ns <= 1000000000LL) : errno_name(errno));
}

int main(void) {
    print_resolution("realtime", CLOCK_REALTIME);
    print_resolution("monotonic", CLOCK_MONOTONIC);
    print_resolution("process CPU time", CLOCK_PROCESS_CPUTIME_ID);
    print_resolution("thread CPU time", CLOCK_THREAD_CPUTIME_ID);

    long long real = read_ns(CLOCK_REALTIME);
    printf("realtime between 2024 and 2100: %s\n",
           yes_no(real > 1704067200LL * 1000000000LL && real < 4102444800LL * 1000000000LL));
    time_t seconds = time(NULL);
    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0);
    printf("time() and gettimeofday() within 2 s of it: %s\n",
           yes_no(llabs(seconds * 1000000000LL - real) < 2000000000LL &&
                  llabs(tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL - real) < 2000000000LL));

    long long previous = read_ns(CLOCK_MONOTONIC);
    int backwards = 0;
    for (int i = 0; i < 100000; i++) {
        long long now = read_ns(CLOCK_MONOTONIC);
        backwards += now < previous;
        previous = now;
    }
    printf("monotonic went back: %d times in 100000 reads\n", backwards);
    long long before = read_ns(CLOCK_MONOTONIC);
    CHECK(nanosleep(&(struct timespec){0, 20000000}, NULL) == 0);
    printf("monotonic advanced by at least the 20 ms slept: %s\n",
           yes_no(read_ns(CLOCK_MONOTONIC) - before >= 20000000));

    long long cpu_before = read_ns(CLOCK_PROCESS_CPUTIME_ID);
    long long thread_before = read_ns(CLOCK_THREAD_CPUTIME_ID);
    long long start = read_ns(CLOCK_MONOTONIC);
    volatile unsigned sink = 0;
    while (read_ns(CLOCK_MONOTONIC) - start < 30000000)
        for (int i = 0; i < 10000; i++)
            sink += (unsigned)i * 2654435761u;
    printf("process CPU time advanced with work: %s\n",
           yes_no(read_ns(CLOCK_PROCESS_CPUTIME_ID) > cpu_before));
    printf("thread CPU time advanced with work: %s\n",
           yes_no(read_ns(CLOCK_THREAD_CPUTIME_ID) > thread_before));
    return 0;
}
