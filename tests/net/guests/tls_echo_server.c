/*
 * A TLS echo server for tls_interop.sh: binds a port the system picks on 127.0.0.1 with the test server
 * certificate (localhost, 127.0.0.1), prints "listening on PORT", then serves COUNT
 * connections (argv[1]) one after another: it echoes what arrives until it has echoed a
 * newline, and drops the stream, which closes the connection with a close_notify. It prints
 * "served N" and exits 0, or prints what failed and exits 1.
 *   tycho run tls_echo_server.wasm COUNT
 */
#include <lunatic.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_crt.h"
#include "server_key.h"

#define PEM(array) (const char*)(array), (uint32_t)sizeof(array)

static void fail(const char* what, uint64_t error) {
    uint32_t size = lunatic_error_string_size(error);
    char* text = calloc(size + 1, 1);
    lunatic_error_to_string(error, text);
    printf("%s: %s\n", what, text);
    exit(1);
}

/* A listener on 127.0.0.1 and a port the system picks, which goes to *port. */
static uint64_t bind_free_port(uint32_t* port) {
    const uint8_t loopback[4] = {127, 0, 0, 1};
    uint64_t id = 0;
    if (lunatic_networking_tls_bind(4, loopback, 0, 0, 0, &id, PEM(SERVER_CRT),
                                    PEM(SERVER_KEY)) != 0)
        fail("tls_bind", id);
    uint64_t addresses = 0;
    if (lunatic_networking_tls_local_addr(id, &addresses) != 0) fail("tls_local_addr", addresses);
    uint32_t type = 0, flow_info = 0, scope_id = 0;
    uint16_t bound_port = 0;
    uint8_t ip[16];
    if (lunatic_networking_resolve_next(addresses, &type, ip, &bound_port, &flow_info,
                                        &scope_id) != 0) {
        printf("tls_local_addr gave no address\n");
        exit(1);
    }
    lunatic_networking_drop_dns_iterator(addresses);
    *port = bound_port;
    return id;
}

int main(int argc, char** argv) {
    int count = argc > 1 ? atoi(argv[1]) : 1;
    uint32_t port = 0;
    uint64_t listener = bind_free_port(&port);
    printf("listening on %u\n", port);
    fflush(stdout);
    for (int served = 0; served < count; served++) {
        uint64_t stream = 0, peer = 0;
        if (lunatic_networking_tls_accept(listener, &stream, &peer) != 0) fail("accept", stream);
        char buffer[4096];
        for (int line_done = 0; !line_done;) {
            uint64_t n = 0;
            int32_t r = lunatic_networking_tls_read(stream, buffer, sizeof buffer, &n);
            if (r != 0) fail("read", n);
            if (n == 0) break;
            line_done = memchr(buffer, '\n', n) != NULL;
            for (uint64_t done = 0; done < n;) {
                lunatic_ciovec iov = {buffer + done, (uint32_t)(n - done)};
                uint64_t written = 0;
                if (lunatic_networking_tls_write_vectored(stream, &iov, 1, &written) != 0)
                    fail("write", written);
                done += written;
            }
        }
        lunatic_networking_drop_tls_stream(stream);
    }
    printf("served %d\n", count);
    return 0;
}
