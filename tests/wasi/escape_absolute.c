/*
 * escape_absolute.c - absolute paths are refused by the host, whether they name a host
 * file (/etc/passwd, or the outside secret by its real host path, given as argv[1]), the
 * root, or the preopen's own guest name (/sandbox/inside.txt); for reading, writing,
 * listing, stat, mkdir, unlink, and as the new name of a link or a rename. Through
 * wasi-libc, an absolute path outside every preopen fails before reaching the host.
 * Run with {scratch}/sandbox preopened as /sandbox and {scratch}/outside/secret.txt as argv[1].
 */
#include "escape.h"

int main(int argc, char** argv) {
    CHECK(argc == 2);
    const char* secret = argv[1]; /* the host path of outside/secret.txt */
    char outside_dir[256], new_file[280], new_dir[280];
    snprintf(outside_dir, sizeof outside_dir, "%s", secret);
    CHECK(strrchr(outside_dir, '/') != NULL);
    *strrchr(outside_dir, '/') = '\0';
    snprintf(new_file, sizeof new_file, "%s/new.txt", outside_dir);
    snprintf(new_dir, sizeof new_dir, "%s/made", outside_dir);

    /* Named without the host path, which differs between machines. */
    printf("the outside secret by its host path:\n");
    report_refused_wasi("  read",
                        open_and_read(SANDBOX_FD, secret, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW));
    __wasi_fd_t fd;
    report_refused_wasi("  write", __wasi_path_open(SANDBOX_FD, 0, secret, __WASI_OFLAGS_TRUNC,
                                                    WRITE_RIGHTS, 0, 0, &fd));
    report_refused_wasi(
        "  create a file beside it",
        __wasi_path_open(SANDBOX_FD, 0, new_file, __WASI_OFLAGS_CREAT, WRITE_RIGHTS, 0, 0, &fd));
    report_refused_wasi("  list its directory",
                        __wasi_path_open(SANDBOX_FD, 0, outside_dir, __WASI_OFLAGS_DIRECTORY,
                                         DIR_RIGHTS, 0, 0, &fd));
    __wasi_filestat_t st;
    report_refused_wasi("  stat", __wasi_path_filestat_get(SANDBOX_FD, 0, secret, &st));
    report_refused_wasi("  mkdir beside it", __wasi_path_create_directory(SANDBOX_FD, new_dir));
    report_refused_wasi("  unlink", __wasi_path_unlink_file(SANDBOX_FD, secret));
    report_refused_wasi("  link it into the sandbox",
                        __wasi_path_link(SANDBOX_FD, 0, secret, SANDBOX_FD, "stolen"));
    report_refused_wasi("  rename it into the sandbox",
                        __wasi_path_rename(SANDBOX_FD, secret, SANDBOX_FD, "stolen"));
    report_refused_wasi("  rename a file onto it",
                        __wasi_path_rename(SANDBOX_FD, "inside.txt", SANDBOX_FD, secret));
    report_refused_wasi("  symlink beside it",
                        __wasi_path_symlink("inside.txt", SANDBOX_FD, new_file));

    printf("other absolute paths:\n");
    try_read("/etc/passwd");
    try_read("/");
    try_read("/sandbox/inside.txt");
    try_read("//etc/passwd");
    try_list("/");
    try_list("/etc");
    try_write("/tmp/tycho-wasi-escape.txt", __WASI_OFLAGS_CREAT);
    try_stat("/etc/passwd");
    try_mkdir("/tmp/tycho-wasi-escape-dir");
    try_symlink_then_read("/etc/passwd", "abs-link");

    printf("through wasi-libc:\n");
    report_refused("open the host path", open(secret, O_RDONLY));
    report_refused("open /etc/passwd", open("/etc/passwd", O_RDONLY));
    report_refused("create /tmp/tycho-wasi-escape.txt",
                   open("/tmp/tycho-wasi-escape.txt", O_WRONLY | O_CREAT, 0644));
    return 0;
}
