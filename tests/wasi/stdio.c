/*
 * stdio.c - the standard descriptors as the runner sets them up: stdin and stdout are
 * pipes (file type unknown, as WASI has no pipe type), stderr a regular file; isatty is
 * false for all three. Writes to stdout through printf, write and a two-part fd_write
 * arrive in order; a line written to stderr arrives there (the runner checks it).
 */
#include <wasi/api.h>

#include "file_type.h"
#include "wasi_test.h"

int main(void) {
    for (int fd = 0; fd <= 2; fd++)
        printf("fd %d: type %s, isatty %s\n", fd, file_type_of(fd), isatty(fd) ? "yes" : "no");
    printf("isatty of a closed descriptor: %d (%s)\n", isatty(9), errno_name(errno));
    fflush(stdout);

    CHECK(write(1, "written with write\n", 19) == 19);
    __wasi_ciovec_t parts[2] = {{(const uint8_t*)"written with ", 13},
                                {(const uint8_t*)"fd_write in two parts\n", 22}};
    __wasi_size_t written = 0;
    CHECK(__wasi_fd_write(1, parts, 2, &written) == 0 && written == 35);
    fprintf(stderr, "a line on stderr\n");
    printf("printed after stderr\n");
    return 0;
}
