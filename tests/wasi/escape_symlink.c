/*
 * escape_symlink.c - symlinks that point out of the sandbox (made on the host by
 * escape_symlink.setup.sh: relative, absolute, to the outside directory, a chain, one a
 * level down) are refused wherever they are followed: open for reading, for writing with
 * truncation, creating through a directory link, listing, stat, set times. What does not
 * follow them works: readlink shows the target, lstat sees a symlink, unlink removes the
 * link itself. A symlink the guest makes to the outside cannot be read either, and a
 * symlink to a file inside can.
 * Run with {scratch}/sandbox preopened as /sandbox.
 */
#include "escape.h"

static const char* const ways_out[] = {"out-relative", "out-absolute", "out-chain",
                                       "sub/out-from-sub", "out-dir/secret.txt"};

int main(void) {
    printf("following a link out, refused:\n");
    for (size_t i = 0; i < sizeof ways_out / sizeof *ways_out; i++) {
        try_read(ways_out[i]);
        try_write(ways_out[i], __WASI_OFLAGS_TRUNC);
        try_stat(ways_out[i]);
        try_set_times(ways_out[i]);
    }
    try_write("out-dir/new.txt", __WASI_OFLAGS_CREAT);
    try_list("out-dir");
    try_mkdir("out-dir/made");
    try_unlink("out-dir/secret.txt");
    try_symlink_then_read("../outside/secret.txt", "guest-made");
    try_symlink_then_read("out-dir/secret.txt", "guest-made-via-dir");
    report_refused("through wasi-libc: fopen /sandbox/out-relative",
                   fopen("/sandbox/out-relative", "r") ? 0 : -1);

    printf("not following, allowed:\n");
    char target[128] = {0};
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_path_readlink(SANDBOX_FD, "out-relative", (uint8_t*)target,
                                            sizeof target - 1, &used);
    printf("readlink out-relative: %s \"%.*s\"\n", errno_name(e), (int)used, target);
    __wasi_filestat_t st;
    e = __wasi_path_filestat_get(SANDBOX_FD, 0, "out-relative", &st);
    printf("lstat out-relative: %s, %s\n", errno_name(e),
           st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK ? "a symlink" : "NOT A SYMLINK");
    read_inside("in-relative");
    e = __wasi_path_symlink("inside.txt", SANDBOX_FD, "guest-made-inside");
    printf("symlink guest-made-inside -> inside.txt: %s\n", errno_name(e));
    read_inside("guest-made-inside");
    printf("unlink out-relative: %s\n",
           errno_name(__wasi_path_unlink_file(SANDBOX_FD, "out-relative")));
    printf("unlink out-dir: %s\n", errno_name(__wasi_path_unlink_file(SANDBOX_FD, "out-dir")));
    try_read("out-chain"); /* now dangling */
    return 0;
}
