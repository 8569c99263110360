/*
 * escape.h - attempts to get out of the sandbox through raw WASI calls, which reach the
 * host with the path exactly as written (wasi-libc would resolve some paths itself). Each
 * attempt prints "<what>: refused" when the host refuses it with ENOTCAPABLE (or EPERM);
 * anything else is printed as what happened, which the expected output does not hold.
 * Whatever an attempt could read is printed, so outside data would also show in the output
 * (the runner fails a test whose output holds the outside secret). A listing that works is
 * printed as "ok, entries listed" (only the sandbox's own directories may be listed).
 */
#ifndef TYCHO_WASI_ESCAPE_H
#define TYCHO_WASI_ESCAPE_H

#include <wasi/api.h>

#include "wasi_test.h"

/* fd 3: the first preopen (/sandbox). */
#define SANDBOX_FD 3

#define READ_RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET)
#define WRITE_RIGHTS (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
#define DIR_RIGHTS                                                                                 \
    (__WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_FILESTAT_GET)

/* What the last successful open_and_read read, without its final newline. */
static char last_read[64];

/* path_open of `path` under `dir` for reading (following symlinks unless lookup is 0) and a
   read of up to 63 bytes into last_read; returns the errno. */
static inline __wasi_errno_t open_and_read(__wasi_fd_t dir, const char* path,
                                           __wasi_lookupflags_t lookup) {
    __wasi_fd_t fd;
    memset(last_read, 0, sizeof last_read);
    __wasi_errno_t e = __wasi_path_open(dir, lookup, path, 0, READ_RIGHTS, 0, 0, &fd);
    if (e != 0) return e;
    __wasi_iovec_t iov = {(uint8_t*)last_read, sizeof last_read - 1};
    __wasi_size_t n = 0;
    e = __wasi_fd_read(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
    if (n > 0 && last_read[n - 1] == '\n') last_read[n - 1] = '\0';
    return e;
}

/* An attempt to read through a way out: "refused", or what it read. */
static inline void try_read(const char* path) {
    __wasi_errno_t e = open_and_read(SANDBOX_FD, path, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    if (e == 0)
        printf("read %s: ESCAPED THE SANDBOX, read \"%s\"\n", path, last_read);
    else
        printf("read %s: %s\n", path, is_refusal(e) ? "refused" : errno_name(e));
}

/* A read that stays inside the sandbox and must work: what it read, or the errno. */
static inline void read_inside(const char* path) {
    __wasi_errno_t e = open_and_read(SANDBOX_FD, path, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    if (e == 0)
        printf("read %s: \"%s\"\n", path, last_read);
    else
        printf("read %s: %s\n", path, errno_name(e));
}

/* Opens `path` for writing with `oflags` (creating or truncating) and writes to it. */
static inline void try_write(const char* path, __wasi_oflags_t oflags) {
    char what[300];
    snprintf(what, sizeof what, "write %s%s%s", path,
             oflags & __WASI_OFLAGS_CREAT ? " (create)" : "",
             oflags & __WASI_OFLAGS_TRUNC ? " (truncate)" : "");
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(SANDBOX_FD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags,
                                        WRITE_RIGHTS, 0, 0, &fd);
    if (e == 0) {
        __wasi_ciovec_t iov = {(const uint8_t*)"ESCAPED\n", 8};
        __wasi_size_t n;
        (void)__wasi_fd_write(fd, &iov, 1, &n);
        (void)__wasi_fd_close(fd);
    }
    report_refused_wasi(what, e);
}

/* Opens `path` as a directory and lists it. */
static inline void try_list(const char* path) {
    char what[300];
    snprintf(what, sizeof what, "list %s", path);
    __wasi_fd_t fd;
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_path_open(SANDBOX_FD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path,
                                        __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, READ_RIGHTS, 0, &fd);
    if (e == 0) {
        uint8_t buf[512];
        e = __wasi_fd_readdir(fd, buf, sizeof buf, 0, &used);
        (void)__wasi_fd_close(fd);
    }
    if (e == 0 && used > 0)
        printf("%s: ok, entries listed\n", what);
    else
        report_refused_wasi(what, e);
}

static inline void try_stat(const char* path) {
    char what[300];
    snprintf(what, sizeof what, "stat %s", path);
    __wasi_filestat_t st;
    report_refused_wasi(
        what, __wasi_path_filestat_get(SANDBOX_FD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, &st));
}

static inline void try_set_times(const char* path) {
    char what[300];
    snprintf(what, sizeof what, "set times of %s", path);
    report_refused_wasi(
        what, __wasi_path_filestat_set_times(SANDBOX_FD, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 1,
                                             1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
}

static inline void try_mkdir(const char* path) {
    char what[300];
    snprintf(what, sizeof what, "mkdir %s", path);
    report_refused_wasi(what, __wasi_path_create_directory(SANDBOX_FD, path));
}

static inline void try_unlink(const char* path) {
    char what[300];
    snprintf(what, sizeof what, "unlink %s", path);
    report_refused_wasi(what, __wasi_path_unlink_file(SANDBOX_FD, path));
}

static inline void try_rmdir(const char* path) {
    char what[300];
    snprintf(what, sizeof what, "rmdir %s", path);
    report_refused_wasi(what, __wasi_path_remove_directory(SANDBOX_FD, path));
}

static inline void try_symlink_then_read(const char* target, const char* name) {
    char what[300];
    snprintf(what, sizeof what, "symlink %s -> %s, then read it", name, target);
    __wasi_errno_t e = __wasi_path_symlink(target, SANDBOX_FD, name);
    if (e == 0) e = open_and_read(SANDBOX_FD, name, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    if (e == 0)
        printf("%s: ESCAPED THE SANDBOX, read \"%s\"\n", what, last_read);
    else
        report_refused_wasi(what, e);
}

static inline void try_rename(__wasi_fd_t from_dir, const char* from, __wasi_fd_t to_dir,
                              const char* to) {
    char what[300];
    snprintf(what, sizeof what, "rename %s (fd %u) -> %s (fd %u)", from, (unsigned)from_dir, to,
             (unsigned)to_dir);
    report_refused_wasi(what, __wasi_path_rename(from_dir, from, to_dir, to));
}

static inline void try_link(__wasi_lookupflags_t lookup, __wasi_fd_t from_dir, const char* from,
                            __wasi_fd_t to_dir, const char* to) {
    char what[300];
    snprintf(what, sizeof what, "link%s %s (fd %u) -> %s (fd %u)",
             lookup ? " (following symlinks)" : "", from, (unsigned)from_dir, to, (unsigned)to_dir);
    report_refused_wasi(what, __wasi_path_link(from_dir, lookup, from, to_dir, to));
}

#endif
