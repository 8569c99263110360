/*
 * random.c - random_get: a 1 MiB buffer filled in one call is not constant (every byte
 * value occurs, each between 3,000 and 5,200 times where 4,096 are expected, and no two
 * adjacent 16-byte blocks are equal); a second fill differs from the first; getentropy
 * fills 256 bytes and refuses more (EIO in wasi-libc); arc4random_buf works.
 */
#include <stdint.h>
#include <wasi/api.h>

#include "wasi_test.h"

#define SIZE (1 << 20)

static uint8_t first[SIZE], second[SIZE];

static const char* yes_no(int value) {
    return value ? "yes" : "no";
}

int main(void) {
    printf("random_get of 1 MiB: %s\n", errno_name(__wasi_random_get(first, SIZE)));
    long counts[256] = {0};
    for (size_t i = 0; i < SIZE; i++)
        counts[first[i]]++;
    long fewest = SIZE, most = 0;
    for (int v = 0; v < 256; v++) {
        if (counts[v] < fewest) fewest = counts[v];
        if (counts[v] > most) most = counts[v];
    }
    printf("every byte value 3000 to 5200 times: %s\n", yes_no(fewest >= 3000 && most <= 5200));
    int repeats = 0;
    for (size_t i = 16; i < SIZE; i += 16)
        repeats += memcmp(first + i - 16, first + i, 16) == 0;
    printf("adjacent equal 16-byte blocks: %d\n", repeats);
    CHECK(__wasi_random_get(second, SIZE) == 0);
    printf("a second fill differs: %s\n", yes_no(memcmp(first, second, SIZE) != 0));

    uint8_t small[257] = {0};
    report("getentropy of 256 bytes", getentropy(small, 256));
    report("getentropy of 257 bytes", getentropy(small, 257));
    uint8_t a[32] = {0}, b[32] = {0};
    arc4random_buf(a, sizeof a);
    arc4random_buf(b, sizeof b);
    printf("two arc4random_buf fills differ: %s\n", yes_no(memcmp(a, b, sizeof a) != 0));
    return 0;
}
