/*
 * A TLS echo server: the root process reads a certificate and its private key from PEM
 * files, accepts TLS connections and hands each one, inside a message, to a process of its
 * own, which sends back every byte it reads until the client closes the connection.
 *
 *   clang-19 --target=wasm32-wasi -O2 -I sdk/c/include examples/tls_echo/tls_echo.c \
 *       -o tls_echo.wasm
 *   tycho run --dir certs tls_echo.wasm certs/server.crt certs/server.key 7443
 *   # then: openssl s_client -connect 127.0.0.1:7443 -CAfile certs/ca.crt
 *
 * Arguments: CERTIFICATE KEY [PORT [CONNECTIONS]]. The certificate file holds one
 * certificate, the key file one PKCS#8 private key ("BEGIN PRIVATE KEY"); the program
 * reads them through WASI, so their directory must be preopened with --dir. PORT is on
 * 127.0.0.1 (0, the default, lets the system choose); the server prints "listening on
 * 127.0.0.1:PORT". It serves until it is stopped or, given CONNECTIONS, until that many
 * connections have been served, when it prints "served N" and exits.
 *
 * tls_accept returns before the TLS handshake, which runs in the connection's process as
 * part of its first read, so a client that is slow to begin (or never does) holds up only
 * its own process; a failed handshake is that read's error, reported like any other.
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

/* The whole of a file (malloc'ed), its size at *size; NULL with a message on failure. */
static char* read_file(const char* path, uint32_t* size) {
    FILE* file = fopen(path, "rb");
    if (!file) {
        perror(path); /* "Capabilities insufficient": its directory is not preopened */
        return NULL;
    }
    char* text = NULL;
    uint32_t used = 0, capacity = 0;
    for (;;) {
        if (used == capacity) {
            capacity = capacity ? 2 * capacity : 4096;
            char* larger = realloc(text, capacity);
            if (!larger) break;
            text = larger;
        }
        const size_t count = fread(text + used, 1, capacity - used, file);
        used += (uint32_t)count;
        if (count == 0) break;
    }
    const int failed = ferror(file) || used == capacity;
    fclose(file);
    if (failed) {
        fprintf(stderr, "%s: cannot read the file\n", path);
        free(text);
        return NULL;
    }
    *size = used;
    return text;
}

/* One connection: echoes until the client closes it (or it fails). */
__attribute__((export_name("echo_connection"))) void echo_connection(void) {
    lunatic_receive_any(LUNATIC_NO_TIMEOUT);
    const uint64_t stream = lunatic_message_take_tls_stream(0);
    char buffer[16384];
    for (;;) {
        uint64_t count = 0;
        if (lunatic_networking_tls_read(stream, buffer, sizeof buffer, &count) != 0) {
            print_error("read failed", count);
            break;
        }
        if (count == 0) break; /* the client closed the connection */
        for (uint64_t sent = 0; sent < count;) {
            lunatic_ciovec rest = {buffer + sent, (uint32_t)(count - sent)};
            uint64_t written = 0;
            if (lunatic_networking_tls_write_vectored(stream, &rest, 1, &written) != 0) {
                print_error("write failed", written);
                lunatic_networking_drop_tls_stream(stream);
                return;
            }
            sent += written;
        }
    }
    lunatic_networking_drop_tls_stream(stream); /* sends close_notify, then closes */
}

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: tls_echo.wasm CERTIFICATE KEY [PORT [CONNECTIONS]]\n");
        return 2;
    }
    const uint32_t port = argc > 3 ? (uint32_t)atoi(argv[3]) : 0;
    const int connections = argc > 4 ? atoi(argv[4]) : -1; /* -1: no end */
    uint32_t certificate_size = 0, key_size = 0;
    char* certificate = read_file(argv[1], &certificate_size);
    char* key = certificate ? read_file(argv[2], &key_size) : NULL;
    if (!key) {
        free(certificate);
        return 1;
    }

    const uint8_t loopback[4] = {127, 0, 0, 1};
    uint64_t listener = 0;
    if (lunatic_networking_tls_bind(4, loopback, port, 0, 0, &listener, certificate,
                                    certificate_size, key, key_size) != 0) {
        print_error("cannot listen", listener);
        return 1;
    }
    free(certificate);
    free(key);
    /* Addresses come back as DNS iterators; a listener's holds one address. */
    uint64_t address = 0;
    if (lunatic_networking_tls_local_addr(listener, &address) != 0) {
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

    int accepted = 0;
    while (connections < 0 || accepted < connections) {
        uint64_t stream = 0, peer = 0;
        if (lunatic_networking_tls_accept(listener, &stream, &peer) != 0) {
            print_error("accept failed", stream); /* out of descriptors, say: go on */
            continue;
        }
        lunatic_networking_drop_dns_iterator(peer);
        /* Not linked: a connection that fails must not take the server down. */
        uint64_t handler = 0;
        if (lunatic_spawn_simple(0, "echo_connection", 0, 0, &handler) != 0) {
            print_error("cannot spawn a process for a connection", handler);
            lunatic_networking_drop_tls_stream(stream);
            continue;
        }
        /* With an end in sight, learn when each connection is done (before it can be). */
        if (connections >= 0) lunatic_process_monitor(handler);
        lunatic_message_create_data(0, 0);
        lunatic_message_push_tls_stream(stream);
        lunatic_message_send(handler);
        ++accepted;
    }
    /* The program ends with the root process: first let the connections finish. */
    for (int done = 0; done < accepted;)
        if (lunatic_receive_any(LUNATIC_NO_TIMEOUT) == LUNATIC_PROCESS_DIED) ++done;
    printf("served %d\n", accepted);
    return 0;
}
