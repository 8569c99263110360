/*
 * no_preopen.c - run without --dir: nothing is preopened (fd 3 is not a preopen), so a
 * relative open fails in wasi-libc before reaching the host. The program reports the
 * failure on stderr with perror and fails, as a real one would (status 1); tycho follows
 * that message with a note that files need --dir (the runner checks that stderr mentions
 * --dir). wasi-libc looks for preopens at start-up whether or not it opens anything, so the
 * message is the sign tycho goes by.
 */
#include <wasi/api.h>

#include "wasi_test.h"

int main(void) {
    __wasi_prestat_t prestat;
    printf("fd_prestat_get(3): %s\n", errno_name(__wasi_fd_prestat_get(3, &prestat)));
    report("open data.txt", open("data.txt", O_RDONLY));
    report("open data.txt again", open("data.txt", O_RDONLY));
    report("create new.txt", open("new.txt", O_WRONLY | O_CREAT, 0644));
    if (open("data.txt", O_RDONLY) < 0) perror("data.txt");
    return 1;
}
