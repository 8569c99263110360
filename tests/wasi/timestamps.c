/*
 * timestamps.c - file times: utimensat sets access and modification times to the
 * nanosecond and stat reads them back; futimens with UTIME_OMIT keeps one and with
 * UTIME_NOW sets the current time; writing moves the modification time to now; fstat agrees
 * with stat; size, link count, inode and device are those of the file.
 * Run with the scratch directory preopened as /sandbox.
 */
#include <time.h>

#include "wasi_test.h"

#include <wasi/api.h>

static struct stat stat_of(const char* path) {
    struct stat st;
    CHECK(stat(path, &st) == 0);
    return st;
}

static void print_times(const char* what, struct stat st) {
    printf("%s: atime %lld.%09ld, mtime %lld.%09ld\n", what, (long long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static long long ns_of(struct timespec t) {
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long now_ns(void) {
    struct timespec t;
    CHECK(clock_gettime(CLOCK_REALTIME, &t) == 0);
    return ns_of(t);
}

/* Whether t lies within [from - 2 s, to + 2 s]: file systems round times to their own
   granularity and may read a coarser clock. */
static const char* within(struct timespec t, long long from, long long to) {
    long long v = ns_of(t);
    return v >= from - 2000000000LL && v <= to + 2000000000LL ? "yes" : "no";
}

int main(void) {
    CHECK(chdir("/sandbox") == 0);
    CHECK(write_file("f", "12345") == 0);

    struct timespec times[2] = {{1000000000, 123456789}, {1500000000, 987654321}};
    report("utimensat", utimensat(AT_FDCWD, "f", times, 0));
    print_times("after utimensat", stat_of("f"));

    int fd = open("f", O_RDWR);
    CHECK(fd >= 0);
    struct timespec omit_atime[2] = {{0, UTIME_OMIT}, {1600000000, 5}};
    report("futimens keeping atime", futimens(fd, omit_atime));
    print_times("after futimens", stat_of("f"));

    long long before = now_ns();
    /* Straight to WASI: the wasi-libc of Debian 12 checks a UTIME_NOW or UTIME_OMIT
       modification time as if it were a timestamp and fails futimens with EINVAL before
       asking the host. */
    errno = __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW);
    report("futimens mtime now", errno == 0 ? 0 : -1);
    long long after = now_ns();
    struct stat st = stat_of("f");
    printf("mtime is now: %s; atime kept: %s\n", within(st.st_mtim, before, after),
           st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789 ? "yes" : "no");

    CHECK(futimens(fd, times) == 0);
    before = now_ns();
    CHECK(pwrite(fd, "abcdefgh", 8, 0) == 8);
    after = now_ns();
    struct stat via_fd;
    CHECK(fstat(fd, &via_fd) == 0);
    printf("a write moves mtime to now: %s\n", within(via_fd.st_mtim, before, after));
    st = stat_of("f");
    printf("fstat agrees with stat: %s\n",
           via_fd.st_ino == st.st_ino && via_fd.st_dev == st.st_dev &&
                   via_fd.st_size == st.st_size && ns_of(via_fd.st_mtim) == ns_of(st.st_mtim)
               ? "yes"
               : "no");
    printf("size %ld, links %ld, regular file: %s\n", (long)st.st_size, (long)st.st_nlink,
           S_ISREG(st.st_mode) ? "yes" : "no");
    CHECK(close(fd) == 0);

    CHECK(write_file("g", "") == 0);
    struct stat g = stat_of("g");
    printf("another file: same device %s, another inode %s\n", g.st_dev == st.st_dev ? "yes" : "no",
           g.st_ino != st.st_ino ? "yes" : "no");

    CHECK(mkdir("d", 0755) == 0);
    struct timespec dir_times[2] = {{1234567890, 0}, {1234567891, 500}};
    report("utimensat of a directory", utimensat(AT_FDCWD, "d", dir_times, 0));
    print_times("directory", stat_of("d"));
    printf("directory: %s\n", S_ISDIR(stat_of("d").st_mode) ? "yes" : "no");
    report("utimensat of a missing file", utimensat(AT_FDCWD, "missing", times, 0));
    return 0;
}
