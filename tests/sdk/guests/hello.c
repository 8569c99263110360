/* A C guest built by tycho-cc: <lunatic.h> is on the include path. */
#include <lunatic.h>
#include <stdio.h>

int main(void) {
    printf("c guest: process %llu\n", (unsigned long long)lunatic_process_process_id());
    return 0;
}
