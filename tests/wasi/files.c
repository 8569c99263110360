/*
 * files.c - regular files: create, write, read, seek/tell, pread/pwrite, a hole past the
 * end, truncate (shrink and grow), posix_fallocate, fsync/fdatasync, rename (also over an
 * existing file), unlink, and an open descriptor outliving its unlinked name.
 * Run with the scratch directory preopened as /sandbox.
 */
#include "wasi_test.h"

static void print_range(int fd, off_t offset, size_t len) {
    char buf[64] = {0};
    ssize_t n = pread(fd, buf, len, offset);
    CHECK(n >= 0);
    printf("bytes %ld..%ld: \"%.*s\"\n", (long)offset, (long)(offset + n), (int)n, buf);
}

static off_t file_size(int fd) {
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    return st.st_size;
}

int main(void) {
    CHECK(chdir("/sandbox") == 0);

    int fd = open("data.txt", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    printf("write: %ld bytes\n", (long)write(fd, "hello, world\n", 13));
    printf("tell after write: %ld\n", (long)lseek(fd, 0, SEEK_CUR));

    char buf[64] = {0};
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(read(fd, buf, 5) == 5);
    printf("read 5 from the start: \"%.5s\"\n", buf);
    printf("seek 6 before the end: %ld\n", (long)lseek(fd, -6, SEEK_END));
    memset(buf, 0, sizeof buf);
    printf("read to the end: %ld bytes, \"%.5s\" and a newline\n", (long)read(fd, buf, sizeof buf),
           buf);
    printf("read at the end: %ld\n", (long)read(fd, buf, sizeof buf));
    printf("seek 2 back from the current position: %ld\n", (long)lseek(fd, -2, SEEK_CUR));

    printf("pwrite at 7: %ld\n", (long)pwrite(fd, "WORLD", 5, 7));
    print_range(fd, 7, 5);
    printf("tell after pread/pwrite (unchanged): %ld\n", (long)lseek(fd, 0, SEEK_CUR));

    CHECK(lseek(fd, 20, SEEK_SET) == 20);
    CHECK(write(fd, "X", 1) == 1);
    printf("size after writing at 20: %ld\n", (long)file_size(fd));
    char hole[7];
    CHECK(pread(fd, hole, sizeof hole, 13) == (ssize_t)sizeof hole);
    int zeros = 0;
    for (size_t i = 0; i < sizeof hole; i++)
        zeros += hole[i] == 0;
    printf("the hole 13..20 reads as %d zero bytes\n", zeros);

    report("ftruncate to 5", ftruncate(fd, 5));
    printf("size: %ld\n", (long)file_size(fd));
    print_range(fd, 0, 20);
    report("ftruncate to 100", ftruncate(fd, 100));
    printf("size: %ld\n", (long)file_size(fd));
    CHECK(pread(fd, buf, 1, 50) == 1);
    printf("byte 50 after growing: %d\n", buf[0]);

    int e = posix_fallocate(fd, 0, 4096); /* returns the error, errno untouched */
    printf("posix_fallocate 0..4096: %s, size %ld\n", e == 0 ? "ok" : errno_name(e),
           (long)file_size(fd));
    report("ftruncate back to 5", ftruncate(fd, 5));
    report("fsync", fsync(fd));
    report("fdatasync", fdatasync(fd));
    printf("seek before the start: %s\n", lseek(fd, -1, SEEK_SET) < 0 ? errno_name(errno) : "ok");
    CHECK(close(fd) == 0);
    report("close again", close(fd));

    report("rename data.txt -> renamed.txt", rename("data.txt", "renamed.txt"));
    report("open data.txt", open("data.txt", O_RDONLY));
    CHECK(read_file("renamed.txt", buf, sizeof buf) == 5);
    printf("renamed.txt holds \"%s\"\n", buf);

    CHECK(write_file("other.txt", "the other file") == 0);
    report("rename over an existing file", rename("renamed.txt", "other.txt"));
    CHECK(read_file("other.txt", buf, sizeof buf) >= 0);
    printf("other.txt holds \"%s\"\n", buf);
    report("stat renamed.txt", stat("renamed.txt", &(struct stat){0}));
    report("rename of a missing file", rename("missing.txt", "x.txt"));

    fd = open("other.txt", O_RDONLY);
    CHECK(fd >= 0);
    report("unlink other.txt", unlink("other.txt"));
    report("stat other.txt", stat("other.txt", &(struct stat){0}));
    report("unlink other.txt again", unlink("other.txt"));
    memset(buf, 0, sizeof buf);
    printf("read through the fd after unlink: %ld bytes \"%s\"\n", (long)read(fd, buf, 5), buf);
    CHECK(close(fd) == 0);
    return 0;
}
