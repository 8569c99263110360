/*
 * A UDP echo server: sends every datagram back to the address it came from. UDP has no
 * connections, so one process serves everybody; while it waits for a datagram it is
 * parked and costs no thread.
 *
 *   clang-19 --target=wasm32-wasi -O2 -I sdk/c/include examples/udp_echo/udp_echo.c \
 *       -o udp_echo.wasm
 *   tycho run udp_echo.wasm 7007          # then: nc -u 127.0.0.1 7007
 *
 * The argument is the port on 127.0.0.1 (0, the default, lets the system choose); the
 * server prints "listening on 127.0.0.1:PORT", then serves until it is stopped.
 */
#include <lunatic.h>
#include <stdio.h>
#include <stdlib.h>

/* Prints an error's text and frees it. */
static void print_error(const char* what, uint64_t error_id) {
    const uint32_t size = lunatic_error_string_size(error_id);
    char* text = calloc(size + 1, 1);
    if (text) lunatic_error_to_string(error_id, text);
    fprintf(stderr, "%s: %s\n", what, text ? text : "(out of memory)");
    free(text);
    lunatic_error_drop(error_id);
}

/* An address as the host hands it out: a DNS iterator holding one address. */
typedef struct {
    uint32_t type; /* 4 or 6 */
    uint8_t ip[16];
    uint16_t port;
    uint32_t flow_info, scope_id;
} address;

/* Takes the address out of a one-address iterator, and drops the iterator. */
static address take_address(uint64_t iterator) {
    address a = {0};
    lunatic_networking_resolve_next(iterator, &a.type, a.ip, &a.port, &a.flow_info, &a.scope_id);
    lunatic_networking_drop_dns_iterator(iterator);
    return a;
}

/* The largest datagram IPv4 can carry. */
static char datagram[65535];

int main(int argc, char** argv) {
    const uint32_t port = argc > 1 ? (uint32_t)atoi(argv[1]) : 0;
    const uint8_t loopback[4] = {127, 0, 0, 1};
    uint64_t socket = 0;
    if (lunatic_networking_udp_bind(4, loopback, port, 0, 0, &socket) != 0) {
        print_error("cannot bind", socket);
        return 1;
    }
    uint64_t local = 0;
    if (lunatic_networking_udp_local_addr(socket, &local) != 0) {
        print_error("no local address", local);
        return 1;
    }
    const address bound = take_address(local);
    printf("listening on %u.%u.%u.%u:%u\n", bound.ip[0], bound.ip[1], bound.ip[2], bound.ip[3],
           bound.port);
    fflush(stdout);

    for (;;) {
        uint64_t size = 0, from = 0;
        if (lunatic_networking_udp_receive_from(socket, datagram, sizeof datagram, &size, &from) !=
            0) {
            print_error("receive failed", size);
            continue;
        }
        const address sender = take_address(from);
        uint64_t sent = 0;
        if (lunatic_networking_udp_send_to(socket, datagram, (uint32_t)size, sender.type, sender.ip,
                                           sender.port, sender.flow_info, sender.scope_id,
                                           &sent) != 0)
            print_error("send failed", sent);
    }
}
