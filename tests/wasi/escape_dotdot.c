/*
 * escape_dotdot.c - ".." above the preopen is refused, however the path reaches it (first,
 * after a descent, after ".", from a directory opened inside), for every path operation:
 * open for reading and writing, create, list, stat, set times, mkdir, unlink, rmdir,
 * symlink creation. Paths that use ".." but stay inside work. wasi-libc's own path handling
 * is checked too: open("/sandbox/../outside/secret.txt") and, after chdir("/sandbox"),
 * open("../outside/secret.txt").
 * Run with {scratch}/sandbox preopened as /sandbox; {scratch}/outside is the sibling.
 */
#include "escape.h"

int main(void) {
    CHECK(__wasi_path_create_directory(SANDBOX_FD, "sub") == 0);

    printf("inside, allowed:\n");
    read_inside("sub/../inside.txt");
    read_inside("./sub/./../inside.txt");
    try_list("sub/..");

    printf("above the preopen, refused:\n");
    try_read("../outside/secret.txt");
    try_read("./../outside/secret.txt");
    try_read("sub/../../outside/secret.txt");
    try_read("sub/../../sandbox/inside.txt"); /* leaves and comes back: still refused */
    try_read("..");
    try_write("../outside/secret.txt", __WASI_OFLAGS_TRUNC);
    try_write("../outside/new.txt", __WASI_OFLAGS_CREAT);
    try_list("..");
    try_list("../outside");
    try_stat("../outside/secret.txt");
    try_stat("..");
    try_set_times("../outside/secret.txt");
    try_mkdir("../outside/made");
    try_unlink("../outside/secret.txt");
    try_rmdir("../outside");
    try_symlink_then_read("secret.txt", "../outside/planted-link");

    /* A directory opened inside the sandbox is no way out either. */
    __wasi_fd_t sub;
    CHECK(__wasi_path_open(SANDBOX_FD, 0, "sub", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, READ_RIGHTS,
                           0, &sub) == 0);
    __wasi_fd_t fd;
    report_refused_wasi(
        "read ../../outside/secret.txt from sub",
        __wasi_path_open(sub, 0, "../../outside/secret.txt", 0, READ_RIGHTS, 0, 0, &fd));

    printf("through wasi-libc:\n");
    report_refused("open /sandbox/../outside/secret.txt",
                   open("/sandbox/../outside/secret.txt", O_RDONLY));
    CHECK(chdir("/sandbox") == 0);
    report_refused("open ../outside/secret.txt from /sandbox",
                   open("../outside/secret.txt", O_RDONLY));
    report_refused("create ../outside/libc.txt from /sandbox",
                   open("../outside/libc.txt", O_WRONLY | O_CREAT, 0644));
    return 0;
}
