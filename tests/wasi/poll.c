/*
 * poll.c - poll_oneoff:
 *  - a relative clock subscription of 100 ms returns its userdata after at least 100 ms;
 *  - an absolute one (monotonic clock, 80 ms ahead) after at least 80 ms;
 *  - a regular file is ready to read and to write at once, though a 10 s timeout is also
 *    subscribed;
 *  - stdin, a pipe the runner keeps empty until this program prints "waiting for stdin",
 *    is not ready before (a zero timeout fires instead), then is ready within 10 s and
 *    holds the line the runner wrote; poll() of libc sees end of file as readable;
 *  - no subscriptions at all is EINVAL.
 * Run with the scratch directory preopened as /sandbox, stdin fed by the runner.
 */
#include <poll.h>
#include <time.h>
#include <wasi/api.h>

#include "wasi_test.h"

static long long now_ns(void) {
    struct timespec t;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t) == 0);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static __wasi_subscription_t clock_in(__wasi_userdata_t userdata, long long ns, int absolute) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s.u.u.clock.timeout = (__wasi_timestamp_t)ns;
    s.u.u.clock.flags = absolute ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_ready(__wasi_userdata_t userdata, int fd, __wasi_eventtype_t type) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = type;
    s.u.u.fd_read.file_descriptor = (__wasi_fd_t)fd; /* fd_write has the same layout */
    return s;
}

/* Polls the subscriptions and prints the userdata of each event, in order, with its error
   and, for fd events, whether it said hang-up. */
static void poll_and_print(const char* what, const __wasi_subscription_t* subs, size_t n) {
    __wasi_event_t events[4];
    __wasi_size_t got = 0;
    __wasi_errno_t e = __wasi_poll_oneoff(subs, events, n, &got);
    printf("%s: %s, %u event(s):", what, e == 0 ? "ok" : errno_name(e), (unsigned)got);
    for (__wasi_size_t i = 0; i < got; i++)
        printf(" %llu%s%s", (unsigned long long)events[i].userdata,
               events[i].error ? " error " : "",
               events[i].error ? errno_name(events[i].error) : "");
    printf("\n");
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0); /* the runner waits for a line of ours */
    long long start = now_ns();
    __wasi_subscription_t sleep_100[1] = {clock_in(11, 100000000, 0)};
    poll_and_print("relative clock 100 ms", sleep_100, 1);
    printf("at least 100 ms passed: %s\n", now_ns() - start >= 100000000 ? "yes" : "no");

    start = now_ns();
    __wasi_subscription_t until[1] = {clock_in(12, start + 80000000, 1)};
    poll_and_print("absolute clock 80 ms ahead", until, 1);
    printf("at least 80 ms passed: %s\n", now_ns() - start >= 80000000 ? "yes" : "no");

    CHECK(chdir("/sandbox") == 0);
    int file = open("inside.txt", O_RDWR);
    CHECK(file >= 0);
    start = now_ns();
    __wasi_subscription_t file_read[2] = {fd_ready(21, file, __WASI_EVENTTYPE_FD_READ),
                                          clock_in(22, 10000000000LL, 0)};
    poll_and_print("regular file read, or 10 s", file_read, 2);
    __wasi_subscription_t file_write[2] = {fd_ready(23, file, __WASI_EVENTTYPE_FD_WRITE),
                                           clock_in(24, 10000000000LL, 0)};
    poll_and_print("regular file write, or 10 s", file_write, 2);
    printf("both at once (well within 5 s): %s\n", now_ns() - start < 5000000000LL ? "yes" : "no");
    CHECK(close(file) == 0);

    __wasi_subscription_t stdin_now[2] = {fd_ready(31, 0, __WASI_EVENTTYPE_FD_READ),
                                          clock_in(32, 0, 0)};
    poll_and_print("stdin before it has data, or 0 ms", stdin_now, 2);
    printf("waiting for stdin\n");
    start = now_ns();
    __wasi_subscription_t stdin_later[2] = {fd_ready(33, 0, __WASI_EVENTTYPE_FD_READ),
                                            clock_in(34, 10000000000LL, 0)};
    poll_and_print("stdin once fed, or 10 s", stdin_later, 2);
    printf("before the 10 s timeout: %s\n", now_ns() - start < 10000000000LL ? "yes" : "no");
    char line[64] = {0};
    ssize_t n = read(0, line, sizeof line - 1);
    printf("stdin holds: %ld bytes \"%.*s\"\n", (long)n, n > 0 ? (int)n - 1 : 0, line);

    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    int ready = poll(&pfd, 1, 10000);
    printf("poll() at end of file: %d ready, POLLIN %s\n", ready,
           pfd.revents & POLLIN ? "yes" : "no");
    printf("read at end of file: %ld\n", (long)read(0, line, sizeof line));

    __wasi_event_t none[1];
    __wasi_size_t got = 0;
    printf("no subscriptions: %s\n", errno_name(__wasi_poll_oneoff(sleep_100, none, 0, &got)));
    return 0;
}
