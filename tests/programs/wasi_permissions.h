/* Included by the programs' wasm32-wasi compat headers. WASI has no file permissions or
   owners, so wasi-libc declares no chmod, fchmod, chown or fchown. The programs use them to
   copy an input file's mode and owner to the output file (or to make a file private while
   they write it); here they do nothing and succeed, as copying nothing is all there is to do. */
#ifndef TESTS_PROGRAMS_WASI_PERMISSIONS_H
#define TESTS_PROGRAMS_WASI_PERMISSIONS_H
#include <sys/types.h>

static inline int chmod(const char* path, mode_t mode) {
    (void)path;
    (void)mode;
    return 0;
}

static inline int fchmod(int fd, mode_t mode) {
    (void)fd;
    (void)mode;
    return 0;
}

static inline int chown(const char* path, uid_t owner, gid_t group) {
    (void)path;
    (void)owner;
    (void)group;
    return 0;
}

static inline int fchown(int fd, uid_t owner, gid_t group) {
    (void)fd;
    (void)owner;
    (void)group;
    return 0;
}
#endif
