/*
 * Holds COUNT TCP listeners at once, on 127.0.0.1 with ports the system picks, each one a
 * descriptor of the runtime's (descriptor_limit.sh). Prints "holding COUNT listeners" and
 * exits 0, or prints which tcp_bind failed and why and exits 1.
 *   tycho run many_listeners.wasm COUNT
 */
#include <lunatic.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    const int count = argc > 1 ? atoi(argv[1]) : 0;
    const uint8_t loopback[4] = {127, 0, 0, 1};
    for (int i = 0; i < count; i++) {
        uint64_t listener = 0;
        if (lunatic_networking_tcp_bind(4, loopback, 0, 0, 0, &listener) != 0) {
            const uint32_t size = lunatic_error_string_size(listener);
            char* text = calloc(size + 1, 1);
            if (text) lunatic_error_to_string(listener, text);
            printf("tcp_bind of listener %d failed: %s\n", i + 1, text ? text : "?");
            return 1;
        }
    }
    printf("holding %d listeners\n", count);
    return 0;
}
