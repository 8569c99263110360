/*
 * escape_rename.c - rename and link across two preopens, and out of or into the sandbox,
 * are refused: between /sandbox (fd 3) and /other (fd 4) both ways, to "../outside/...",
 * from "../outside/secret.txt", and into a symlinked directory pointing out. The files stay
 * where they were. A rename inside one preopen works.
 * Run with {scratch}/sandbox preopened as /sandbox and {scratch}/other as /other.
 */
#include "escape.h"

#define OTHER_FD 4

int main(void) {
    printf("refused:\n");
    try_rename(SANDBOX_FD, "inside.txt", OTHER_FD, "inside.txt");
    try_rename(OTHER_FD, "other.txt", SANDBOX_FD, "other.txt");
    try_link(0, SANDBOX_FD, "inside.txt", OTHER_FD, "inside-link.txt");
    try_rename(SANDBOX_FD, "inside.txt", SANDBOX_FD, "../outside/moved.txt");
    try_rename(SANDBOX_FD, "../outside/secret.txt", SANDBOX_FD, "stolen.txt");
    try_rename(SANDBOX_FD, "../outside/secret.txt", OTHER_FD, "stolen.txt");
    try_rename(SANDBOX_FD, "inside.txt", SANDBOX_FD, "out-dir/moved.txt");
    try_rename(SANDBOX_FD, "out-dir/secret.txt", SANDBOX_FD, "stolen.txt");
    try_rename(SANDBOX_FD, "inside.txt", SANDBOX_FD, "..");
    report_refused("through wasi-libc: rename /sandbox/inside.txt -> /other/inside.txt",
                   rename("/sandbox/inside.txt", "/other/inside.txt"));

    printf("the files stayed:\n");
    char buf[32];
    report("read /sandbox/inside.txt", (int)read_file("/sandbox/inside.txt", buf, sizeof buf));
    report("read /other/other.txt", (int)read_file("/other/other.txt", buf, sizeof buf));
    report("read /other/inside.txt", (int)read_file("/other/inside.txt", buf, sizeof buf));
    try_read("stolen.txt");

    printf("inside one preopen, allowed:\n");
    printf("rename inside.txt -> renamed.txt: %s\n",
           errno_name(__wasi_path_rename(SANDBOX_FD, "inside.txt", SANDBOX_FD, "renamed.txt")));
    read_inside("renamed.txt");
    return 0;
}
