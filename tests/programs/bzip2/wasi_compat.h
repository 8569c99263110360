/* Passed to bzip2.c with -include for the wasm32-wasi build. WASI has no file permissions or
   owners, so wasi-libc declares no fchmod or fchown; bzip2 copies both from the input file to
   the output file, and here they do nothing and succeed, as copying nothing is all there is
   to do. (bzip2 ignores fchown's result anyway.) */
#include <sys/types.h>

static inline int fchmod(int fd, mode_t mode) {
    (void)fd;
    (void)mode;
    return 0;
}

static inline int fchown(int fd, uid_t owner, gid_t group) {
    (void)fd;
    (void)owner;
    (void)group;
    return 0;
}
