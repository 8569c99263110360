/*
 * A TCP echo server: the root process accepts connections and hands each one, inside a
 * message, to a process of its own, which sends back every byte it reads until the client
 * closes the connection. A slow or stuck client holds only its own process.
 *
 *   clang-19 --target=wasm32-wasi -O2 -I sdk/c/include examples/tcp_echo/tcp_echo.c \
 *       -o tcp_echo.wasm
 *   tycho run tcp_echo.wasm 7007          # then: nc 127.0.0.1 7007
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

/* One connection: echoes until the client closes it (or it fails). */
__attribute__((export_name("echo_connection"))) void echo_connection(void) {
    lunatic_receive_any(LUNATIC_NO_TIMEOUT);
    const uint64_t stream = lunatic_message_take_tcp_stream(0);
    char buffer[16384];
    for (;;) {
        uint64_t count = 0;
        if (lunatic_networking_tcp_read(stream, buffer, sizeof buffer, &count) != 0) {
            lunatic_error_drop(count); /* reset by the client: nothing to answer */
            break;
        }
        if (count == 0) break; /* the client closed its side */
        /* A write may take only part of the data: go on until all of it is sent. */
        for (uint64_t sent = 0; sent < count;) {
            lunatic_ciovec rest = {buffer + sent, (uint32_t)(count - sent)};
            uint64_t written = 0;
            if (lunatic_networking_tcp_write_vectored(stream, &rest, 1, &written) != 0) {
                lunatic_error_drop(written);
                lunatic_networking_drop_tcp_stream(stream);
                return;
            }
            sent += written;
        }
    }
    lunatic_networking_drop_tcp_stream(stream); /* closes the connection */
}

int main(int argc, char** argv) {
    const uint32_t port = argc > 1 ? (uint32_t)atoi(argv[1]) : 0;
    const uint8_t loopback[4] = {127, 0, 0, 1};
    uint64_t listener = 0;
    if (lunatic_networking_tcp_bind(4, loopback, port, 0, 0, &listener) != 0) {
        print_error("cannot listen", listener);
        return 1;
    }
    /* Addresses come back as DNS iterators; a listener's holds one address. */
    uint64_t address = 0;
    if (lunatic_networking_tcp_local_addr(listener, &address) != 0) {
        print_error("no local address", address);
        return 1;
    }
    uint32_t type = 0, flow_info = 0, scope_id = 0;
    uint8_t ip[16];
    uint16_t bound_port = 0;
    lunatic_networking_resolve_next(address, &type, ip, &bound_port, &flow_info, &scope_id);
    lunatic_networking_drop_dns_iterator(address);
    printf("listening on %u.%u.%u.%u:%u\n", ip[0], ip[1], ip[2], ip[3], bound_port);
    fflush(stdout);

    for (;;) {
        uint64_t stream = 0, peer = 0;
        if (lunatic_networking_tcp_accept(listener, &stream, &peer) != 0) {
            print_error("accept failed", stream); /* e.g. out of descriptors: go on */
            continue;
        }
        lunatic_networking_drop_dns_iterator(peer);
        /* Not linked: a connection that fails must not take the server down. */
        uint64_t handler = 0;
        if (lunatic_spawn_simple(0, "echo_connection", 0, 0, &handler) != 0) {
            print_error("cannot spawn a process for a connection", handler);
            lunatic_networking_drop_tcp_stream(stream);
            continue;
        }
        /* Pushing the stream moves it into the message: the root no longer holds it. */
        lunatic_message_create_data(0, 0);
        lunatic_message_push_tcp_stream(stream);
        lunatic_message_send(handler);
    }
}
