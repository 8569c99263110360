/* Reports how much memory it could allocate in 1 MiB steps (up to 64 MiB). */
#include <stdio.h>
#include <stdlib.h>

char* volatile last_block; /* keeps the allocations observable */

int main(void) {
    int mib = 0;
    while (mib < 64) {
        char* block = malloc(1 << 20);
        if (block == NULL) break;
        block[0] = 1;
        last_block = block;
        ++mib;
    }
    printf("allocated %d MiB\n", mib);
    return 0;
}
