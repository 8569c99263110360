/*
 * escape_symlink_race.c - a symlink swapped between check and use: while the host keeps
 * swapping sandbox/swap between inside.txt and ../outside/secret.txt, and sandbox/swapdir
 * between inside_dir and ../outside (escape_symlink_race.swapper.sh), the guest opens and
 * reads "swap" and "swapdir/secret.txt" and opens them for writing, at least 5,000 times
 * each and until it has seen both the inside file and a refusal (at most 60 s). Every
 * attempt must read the inside content or be refused; the outside content is never read,
 * and the outside file never written (the runner checks it is unchanged).
 * Run with {scratch}/sandbox preopened as /sandbox, the swapper in the background.
 */
#include <time.h>

#include "escape.h"

struct outcomes {
    long attempts, inside, refused, outside, other;
};

static void count(struct outcomes* o, __wasi_errno_t e, const char* content) {
    o->attempts++;
    if (e == 0 && strcmp(content, "inside") == 0)
        o->inside++;
    else if (e == 0)
        o->outside++;
    else if (is_refusal(e))
        o->refused++;
    else
        o->other++;
}

/* Opens `path` for writing and writes "inside\n" over its start, which changes nothing in
   the inside files; the content of the file written is read back first. */
static void write_attempt(struct outcomes* o, const char* path) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(SANDBOX_FD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0,
                                        READ_RIGHTS | WRITE_RIGHTS, 0, 0, &fd);
    char content[64] = {0};
    if (e == 0) {
        __wasi_size_t n = 0;
        __wasi_iovec_t in = {(uint8_t*)content, sizeof content - 1};
        e = __wasi_fd_pread(fd, &in, 1, 0, &n);
        if (n > 0 && content[n - 1] == '\n') content[n - 1] = '\0';
        if (e == 0 && strcmp(content, "inside") == 0) {
            __wasi_ciovec_t out = {(const uint8_t*)"inside\n", 7};
            e = __wasi_fd_pwrite(fd, &out, 1, 0, &n);
        }
        (void)__wasi_fd_close(fd);
    }
    count(o, e, content);
}

static int done(const struct outcomes* o) {
    return o->attempts >= 5000 && o->inside > 0 && o->refused > 0;
}

static void print(const char* what, const struct outcomes* o) {
    printf("%s: at least 5000 attempts: %s; the inside file and a refusal both seen: %s; "
           "outside content seen %ld times; other outcomes %ld\n",
           what, o->attempts >= 5000 ? "yes" : "no", o->inside > 0 && o->refused > 0 ? "yes" : "no",
           o->outside, o->other);
    fprintf(stderr, "%s: %ld attempts, %ld inside, %ld refused\n", what, o->attempts, o->inside,
            o->refused);
}

int main(void) {
    struct outcomes file_read = {0}, dir_read = {0}, file_write = {0}, dir_write = {0};
    time_t give_up = time(NULL) + 60;
    while (!(done(&file_read) && done(&dir_read) && done(&file_write) && done(&dir_write)) &&
           time(NULL) < give_up) {
        count(&file_read, open_and_read(SANDBOX_FD, "swap", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW),
              last_read);
        count(&dir_read,
              open_and_read(SANDBOX_FD, "swapdir/secret.txt", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW),
              last_read);
        write_attempt(&file_write, "swap");
        write_attempt(&dir_write, "swapdir/secret.txt");
    }
    print("read swap", &file_read);
    print("read swapdir/secret.txt", &dir_read);
    print("write swap", &file_write);
    print("write swapdir/secret.txt", &dir_write);
    return 0;
}
