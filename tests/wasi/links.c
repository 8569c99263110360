/*
 * links.c - symbolic and hard links inside the sandbox: symlink/readlink, opening through
 * a link (also to a directory), lstat against stat, a dangling link, EEXIST over an existing
 * name, readlink of a file (EINVAL), O_NOFOLLOW (ELOOP), hard links (same inode, link count,
 * the content outlives the first name), unlink of a link removing only the link.
 * Run with the scratch directory preopened as /sandbox.
 */
#include "wasi_test.h"

static const char* kind(const char* path, int follow) {
    struct stat st;
    if ((follow ? stat(path, &st) : lstat(path, &st)) != 0) return errno_name(errno);
    return S_ISLNK(st.st_mode)   ? "symlink"
           : S_ISDIR(st.st_mode) ? "directory"
           : S_ISREG(st.st_mode) ? "file"
                                 : "other";
}

/* "read PATH: "content"", or the errno of the failed read. */
static void print_content(const char* path) {
    char buf[64];
    if (read_file(path, buf, sizeof buf) < 0)
        printf("read %s: %s\n", path, errno_name(errno));
    else
        printf("read %s: \"%s\"\n", path, buf);
}

int main(void) {
    char buf[64];
    CHECK(chdir("/sandbox") == 0);
    CHECK(write_file("target.txt", "target content") == 0);

    report("symlink link -> target.txt", symlink("target.txt", "link"));
    memset(buf, 0, sizeof buf);
    ssize_t n = readlink("link", buf, sizeof buf);
    printf("readlink link: %ld bytes \"%s\"\n", (long)n, buf);
    print_content("link");
    printf("lstat link: %s; stat link: %s\n", kind("link", 0), kind("link", 1));
    report("O_NOFOLLOW open of link", open("link", O_RDONLY | O_NOFOLLOW));

    CHECK(mkdir("dir", 0755) == 0);
    CHECK(write_file("dir/file", "in dir") == 0);
    report("symlink dirlink -> dir", symlink("dir", "dirlink"));
    print_content("dirlink/file");
    report("symlink dir/up -> ../target.txt", symlink("../target.txt", "dir/up"));
    print_content("dir/up");
    report("symlink chain -> link", symlink("link", "chain"));
    print_content("chain");

    report("symlink dangling -> nowhere", symlink("nowhere", "dangling"));
    report("open dangling", open("dangling", O_RDONLY));
    printf("lstat dangling: %s; stat dangling: %s\n", kind("dangling", 0), kind("dangling", 1));
    report("symlink over an existing name", symlink("target.txt", "link"));
    report("readlink of a regular file", (int)readlink("target.txt", buf, sizeof buf));
    report("readlink of a missing name", (int)readlink("missing", buf, sizeof buf));

    report("link hard -> target.txt", link("target.txt", "hard"));
    struct stat a, b;
    CHECK(stat("target.txt", &a) == 0 && stat("hard", &b) == 0);
    printf("same inode: %s, link count %ld\n", a.st_ino == b.st_ino ? "yes" : "no",
           (long)b.st_nlink);
    report("link over an existing name", link("target.txt", "hard"));
    report("link of a missing file", link("missing", "hard2"));
    report("unlink target.txt", unlink("target.txt"));
    print_content("hard");
    CHECK(stat("hard", &b) == 0);
    printf("hard: link count %ld\n", (long)b.st_nlink);
    report("open link (its target is gone)", open("link", O_RDONLY));
    report("unlink link", unlink("link"));
    printf("link afterwards: %s; hard: %s\n", kind("link", 0), kind("hard", 0));
    report("unlink dirlink", unlink("dirlink"));
    printf("dir afterwards: %s\n", kind("dir", 0));
    return 0;
}
