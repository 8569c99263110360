/*
 * preopens.c - the preopened directories, in command-line order from fd 3: run with
 * --dir {scratch}/sandbox::/sandbox --dir {scratch}/other::/other --dir . (in the scratch
 * directory), each is a directory named as given; fd 6 is not a preopen (EBADF). Files
 * resolve through the preopen whose name prefixes the path, relative paths through ".".
 */
#include <wasi/api.h>

#include "wasi_test.h"

int main(void) {
    for (__wasi_fd_t fd = 3; fd <= 6; fd++) {
        __wasi_prestat_t prestat;
        __wasi_errno_t e = __wasi_fd_prestat_get(fd, &prestat);
        if (e != 0) {
            printf("fd %u: %s\n", (unsigned)fd, errno_name(e));
            continue;
        }
        char name[64] = {0};
        CHECK(prestat.u.dir.pr_name_len < sizeof name);
        CHECK(__wasi_fd_prestat_dir_name(fd, (uint8_t*)name, prestat.u.dir.pr_name_len) == 0);
        __wasi_fdstat_t st;
        CHECK(__wasi_fd_fdstat_get(fd, &st) == 0);
        printf("fd %u: preopen \"%s\", %s\n", (unsigned)fd, name,
               st.fs_filetype == __WASI_FILETYPE_DIRECTORY ? "a directory" : "NOT A DIRECTORY");
    }
    CHECK(write_file("/other/made-in-other.txt", "other") == 0);
    char buf[32];
    report("read /sandbox/inside.txt", (int)read_file("/sandbox/inside.txt", buf, sizeof buf));
    report("read other/made-in-other.txt through \".\"",
           (int)read_file("other/made-in-other.txt", buf, sizeof buf));
    printf("it holds \"%s\"\n", buf);
    report("read sandbox/inside.txt through \".\"",
           (int)read_file("sandbox/inside.txt", buf, sizeof buf));
    report("read /missing/file", (int)read_file("/missing/file", buf, sizeof buf));
    return 0;
}
