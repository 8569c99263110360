/*
 * escape_hardlink.c - hard links cannot bring an outside file in or put an inside file
 * out: path_link from "../outside/secret.txt", from its host path, from a symlink pointing
 * out when following symlinks, and to a name outside are refused. Linking the symlink
 * itself (not following) may work, but the new link is as unreadable as the old. A hard link
 * inside the sandbox works.
 * Run with {scratch}/sandbox preopened as /sandbox and {scratch}/outside/secret.txt as argv[1].
 */
#include "escape.h"

int main(int argc, char** argv) {
    CHECK(argc == 2);
    printf("refused:\n");
    try_link(0, SANDBOX_FD, "../outside/secret.txt", SANDBOX_FD, "stolen");
    try_link(__WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, SANDBOX_FD, "out-relative", SANDBOX_FD, "stolen");
    try_link(0, SANDBOX_FD, "inside.txt", SANDBOX_FD, "../outside/planted");
    report_refused_wasi("link the host path of the secret",
                        __wasi_path_link(SANDBOX_FD, 0, argv[1], SANDBOX_FD, "stolen"));
    report_refused("through wasi-libc: link /sandbox/../outside/secret.txt",
                   link("/sandbox/../outside/secret.txt", "/sandbox/stolen"));
    report_refused(
        "through wasi-libc: linkat following out-relative",
        linkat(AT_FDCWD, "/sandbox/out-relative", AT_FDCWD, "/sandbox/stolen", AT_SYMLINK_FOLLOW));
    try_read("stolen");

    printf("the symlink itself, not followed:\n");
    __wasi_errno_t e = __wasi_path_link(SANDBOX_FD, 0, "out-relative", SANDBOX_FD, "link-of-link");
    if (e == 0) e = open_and_read(SANDBOX_FD, "link-of-link", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    if (e == 0)
        printf("link out-relative, then read the new link: ESCAPED THE SANDBOX, read \"%s\"\n",
               last_read);
    else
        printf("link out-relative, then read the new link: %s\n",
               is_refusal(e) || e == ENOTSUP || e == EPERM ? "refused" : errno_name(e));

    printf("inside, allowed:\n");
    printf("link inside.txt -> copy.txt: %s\n",
           errno_name(__wasi_path_link(SANDBOX_FD, 0, "inside.txt", SANDBOX_FD, "copy.txt")));
    read_inside("copy.txt");
    return 0;
}
