/*
 * wasi_test.h - what the WASI guests share: printing the outcome of a call as one stable
 * word (an errno name, "ok", or "refused" for a sandbox refusal), reading and writing whole
 * files, and checks that fail the program with a line on stdout (so the diff shows it).
 *
 * Everything is printed to stdout and compared with <name>.expected, so nothing printed
 * may depend on timing, addresses or the host: print facts ("yes"/"no", counts, contents).
 */
#ifndef TYCHO_WASI_TEST_H
#define TYCHO_WASI_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A failed expectation: the line shows up in the diff, and the exit status is 1. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: %s (errno %s)\n", __FILE__, __LINE__, #cond, errno_name(errno));   \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

static inline const char* errno_name(int e) {
    switch (e) {
    case 0: return "ok";
    case EACCES: return "EACCES";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case EMLINK: return "EMLINK";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOENT: return "ENOENT";
    case ENOSYS: return "ENOSYS";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTSUP: return "ENOTSUP";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EPERM: return "EPERM";
    case ESPIPE: return "ESPIPE";
    case EXDEV: return "EXDEV";
    default: {
        static char other[32];
        snprintf(other, sizeof other, "errno %d", e);
        return other;
    }
    }
}

/* A sandbox refusal: ENOTCAPABLE, or EPERM as some runtimes report it. */
static inline int is_refusal(int e) {
    return e == ENOTCAPABLE || e == EPERM;
}

/* "what: ok" when the call succeeded (result >= 0), else "what: <errno name>". */
static inline void report(const char* what, int result) {
    printf("%s: %s\n", what, result >= 0 ? "ok" : errno_name(errno));
}

/* For calls that must be refused by the sandbox: "refused", or what happened instead. */
static inline void report_refused(const char* what, int result) {
    const char* outcome = result >= 0         ? "ok (ESCAPED THE SANDBOX)"
                          : is_refusal(errno) ? "refused"
                                              : errno_name(errno);
    printf("%s: %s\n", what, outcome);
}

/* The same for a raw __wasi_* call, which returns the errno instead of setting it. */
static inline void report_refused_wasi(const char* what, int wasi_errno) {
    const char* outcome = wasi_errno == 0          ? "ok (ESCAPED THE SANDBOX)"
                          : is_refusal(wasi_errno) ? "refused"
                                                   : errno_name(wasi_errno);
    printf("%s: %s\n", what, outcome);
}

/* Reads the whole of `path` into buf (NUL-terminated); returns its length, or -1 with
   errno set when it cannot be opened or read. */
static inline long read_file(const char* path, char* buf, size_t cap) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        if (n == 0 || len + (size_t)n == cap - 1) {
            len += (size_t)n;
            break;
        }
        len += (size_t)n;
    }
    buf[len] = '\0';
    close(fd);
    return (long)len;
}

/* Creates (or truncates) `path` holding `text`; 0 on success, -1 with errno set. */
static inline int write_file(const char* path, const char* text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)len ? 0 : -1;
}

#endif
