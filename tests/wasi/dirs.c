/*
 * dirs.c - directories: mkdir (EEXIST when it exists, ENOENT under a missing parent),
 * rmdir of a non-empty directory (ENOTEMPTY), of a file (ENOTDIR), unlink of a directory
 * (EISDIR), nested directories and their types, removal in order.
 * Run with the scratch directory preopened as /sandbox.
 */
#include "wasi_test.h"

static const char* type_of(const char* path) {
    struct stat st;
    if (lstat(path, &st) != 0) return errno_name(errno);
    return S_ISDIR(st.st_mode) ? "directory" : S_ISREG(st.st_mode) ? "regular file" : "other";
}

int main(void) {
    CHECK(chdir("/sandbox") == 0);
    report("mkdir d", mkdir("d", 0755));
    report("mkdir d again", mkdir("d", 0755));
    report("mkdir under a missing parent", mkdir("missing/d", 0755));
    report("mkdir over a file", mkdir("inside.txt", 0755));
    CHECK(write_file("d/f", "x") == 0);
    report("rmdir of a non-empty directory", rmdir("d"));
    report("rmdir of a file", rmdir("d/f"));
    report("unlink of a directory", unlink("d"));
    report("rmdir of a missing directory", rmdir("missing"));

    report("mkdir a", mkdir("a", 0755));
    report("mkdir a/b", mkdir("a/b", 0755));
    report("mkdir a/b/c", mkdir("a/b/c", 0755));
    CHECK(write_file("a/b/c/file", "deep") == 0);
    printf("a/b/c is a %s, a/b/c/file is a %s\n", type_of("a/b/c"), type_of("a/b/c/file"));
    char buf[16];
    CHECK(read_file("a/./b/../b/c/file", buf, sizeof buf) == 4);
    printf("a/./b/../b/c/file holds \"%s\"\n", buf);
    report("rmdir a (not empty)", rmdir("a"));
    report("unlink a/b/c/file", unlink("a/b/c/file"));
    report("rmdir a/b/c", rmdir("a/b/c"));
    report("rmdir a/b", rmdir("a/b"));
    report("rmdir a", rmdir("a"));
    printf("a afterwards: %s\n", type_of("a"));

    report("unlink d/f", unlink("d/f"));
    report("rmdir d", rmdir("d"));
    printf("d afterwards: %s\n", type_of("d"));
    return 0;
}
