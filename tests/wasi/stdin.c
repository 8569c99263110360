/*
 * stdin.c - reading all of standard input: the file type of fd 0 (the test runs it once
 * with a regular file and once with a pipe), the number of bytes and lines, a checksum, the
 * first and last line, and end of file staying end of file.
 * Standard input: the scratch directory's input.txt (stdin.setup.sh writes 20,000 lines,
 * more than a pipe holds, so the reads have to wait for the writer).
 */
#include <stdint.h>

#include "file_type.h"
#include "wasi_test.h"

int main(void) {
    printf("fd 0 type: %s\n", file_type_of(0));
    static char data[1 << 20];
    size_t total = 0;
    int reads = 0;
    for (;;) {
        ssize_t n = read(0, data + total, 1000); /* small reads, many of them */
        CHECK(n >= 0);
        if (n == 0) break;
        total += (size_t)n;
        reads++;
        CHECK(total + 1000 < sizeof data);
    }
    uint32_t hash = 2166136261u; /* FNV-1a */
    long lines = 0;
    for (size_t i = 0; i < total; i++) {
        hash = (hash ^ (unsigned char)data[i]) * 16777619u;
        lines += data[i] == '\n';
    }
    printf("read %zu bytes, %ld lines, FNV-1a %08x, in more than one read: %s\n", total, lines,
           (unsigned)hash, reads > 1 ? "yes" : "no");
    char* first_end = memchr(data, '\n', total);
    CHECK(first_end != NULL && total > 0 && data[total - 1] == '\n');
    size_t last_start = total - 1;
    while (last_start > 0 && data[last_start - 1] != '\n')
        last_start--;
    printf("first line: \"%.*s\"\n", (int)(first_end - data), data);
    printf("last line: \"%.*s\"\n", (int)(total - 1 - last_start), data + last_start);
    char c;
    printf("read at end of file: %ld, again: %ld\n", (long)read(0, &c, 1), (long)read(0, &c, 1));
    return 0;
}
