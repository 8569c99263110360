/*
 * file_flags.c - open flags and misuse of descriptors: O_APPEND writes at the end whatever
 * the offset, O_EXCL on an existing file is EEXIST, O_TRUNC empties, O_CREAT creates,
 * O_DIRECTORY on a file is ENOTDIR, a trailing slash on a file is ENOTDIR, a missing file is
 * ENOENT, reading a directory fails (EISDIR or EBADF, both accepted), reading a write-only
 * and writing a read-only descriptor is EBADF.
 * Run with the scratch directory preopened as /sandbox.
 */
#include "wasi_test.h"

int main(void) {
    char buf[64];
    CHECK(chdir("/sandbox") == 0);
    CHECK(write_file("log.txt", "one\n") == 0);

    int fd = open("log.txt", O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "two\n", 4) == 4);
    printf("O_APPEND: offset after the write %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    CHECK(close(fd) == 0);
    CHECK(read_file("log.txt", buf, sizeof buf) >= 0);
    printf("O_APPEND: log.txt holds \"%.3s\" then \"%.3s\"\n", buf, buf + 4);

    report("O_CREAT|O_EXCL on an existing file",
           open("log.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
    fd = open("new.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
    report("O_CREAT|O_EXCL on a new file", fd);
    CHECK(fd >= 0 && close(fd) == 0);

    fd = open("log.txt", O_WRONLY | O_TRUNC);
    report("O_TRUNC", fd);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("O_TRUNC: size %ld\n", (long)st.st_size);
    CHECK(close(fd) == 0);

    fd = open("created.txt", O_RDONLY | O_CREAT, 0644);
    report("O_RDONLY|O_CREAT of a missing file", fd);
    CHECK(fd >= 0 && close(fd) == 0);
    report("stat of the created file", stat("created.txt", &st));

    report("O_DIRECTORY on a file", open("log.txt", O_RDONLY | O_DIRECTORY));
    report("a trailing slash on a file", open("log.txt/", O_RDONLY));
    report("a missing file", open("missing.txt", O_RDONLY));
    report("a file under a missing directory", open("nowhere/file.txt", O_RDONLY));

    CHECK(mkdir("dir", 0755) == 0);
    fd = open("dir", O_RDONLY);
    report("open a directory read-only", fd);
    ssize_t n = read(fd, buf, sizeof buf);
    printf("read from a directory: %s\n", n >= 0 ? "ok (WRONG)"
                                          : (errno == EISDIR || errno == EBADF)
                                              ? "EISDIR or EBADF"
                                              : errno_name(errno));
    CHECK(close(fd) == 0);
    report("write to a directory opened O_WRONLY", open("dir", O_WRONLY));

    fd = open("log.txt", O_WRONLY);
    CHECK(fd >= 0);
    report("read from a write-only descriptor", (int)read(fd, buf, 1));
    CHECK(close(fd) == 0);
    fd = open("log.txt", O_RDONLY);
    CHECK(fd >= 0);
    report("write to a read-only descriptor", (int)write(fd, "x", 1));
    CHECK(close(fd) == 0);
    report("read from a closed descriptor", (int)read(fd, buf, 1));
    return 0;
}
