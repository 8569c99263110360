// For tcp_test.cpp: a root that holds sockets of every kind and then traps. It holds a TCP
// listener, connected and accepted streams and clones, a UDP socket and its clone, a TLS
// listener, an accepted TLS stream and its clone, and a TCP stream, a TLS stream and a UDP
// socket in its unsent message; its three linked children are parked in tcp_read, tls_read
// and udp_receive on sockets of their own. Every socket must be closed once all are gone. A
// step that fails ends the root with exit status 2 instead of the trap, so the test knows all
// of them happened.
//   argv: SERVER_CERTIFICATE_PEM SERVER_KEY_PEM AUTHORITY_PEM (the server's name: localhost)
#include "lunatic.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t kLoopback[4] = {127, 0, 0, 1};
#define TAG_PARKING 5
#define TAG_AUTHORITY 6
#define CHILDREN 3

static const char* authority_pem; // argv[3]

static void require(int condition) {
    if (!condition) exit(2);
}

// The port of the address in DNS iterator `iter`.
static uint16_t port_of(uint64_t iter) {
    uint32_t type = 0, flow = 0, scope = 0;
    uint8_t addr[16];
    uint16_t port = 0;
    require(lunatic_networking_resolve_next(iter, &type, addr, &port, &flow, &scope) == 0);
    return port;
}

// A listener on 127.0.0.1 with a port the system picks, and a stream connected to it and
// the accepted one.
static uint64_t connected(uint64_t* client, uint64_t* server) {
    uint64_t listener = 0, iter = 0, peer = 0;
    require(lunatic_networking_tcp_bind(4, kLoopback, 0, 0, 0, &listener) == 0);
    require(lunatic_networking_tcp_local_addr(listener, &iter) == 0);
    const uint16_t port = port_of(iter);
    require(lunatic_networking_tcp_connect(4, kLoopback, port, 0, 0, LUNATIC_NO_TIMEOUT, client) ==
            0);
    require(lunatic_networking_tcp_accept(listener, server, &peer) == 0);
    return listener;
}

static void tell_parked(int64_t parent) {
    lunatic_message_create_data(TAG_PARKING, 0);
    lunatic_message_send((uint64_t)parent);
}

__attribute__((export_name("parked_child"))) void parked_child(int64_t parent) {
    uint64_t client = 0, server = 0;
    connected(&client, &server);
    tell_parked(parent);
    char buf[8];
    uint64_t n = 0;
    lunatic_networking_tcp_read(server, buf, sizeof buf, &n); // nothing ever comes
    exit(3);
}

__attribute__((export_name("udp_parked_child"))) void udp_parked_child(int64_t parent) {
    uint64_t socket = 0;
    require(lunatic_networking_udp_bind(4, kLoopback, 0, 0, 0, &socket) == 0);
    tell_parked(parent);
    char buf[8];
    uint64_t n = 0;
    lunatic_networking_udp_receive(socket, buf, sizeof buf, &n); // nothing ever comes
    exit(3);
}

// Connects to the parent's TLS listener on `port`, trusting the authority the parent sends.
__attribute__((export_name("tls_parked_child"))) void tls_parked_child(int64_t parent,
                                                                       int64_t port) {
    int64_t tag = TAG_AUTHORITY;
    require(lunatic_message_receive(&tag, 1, 10000) == LUNATIC_DATA_MESSAGE);
    const uint32_t size = (uint32_t)lunatic_message_data_size();
    char* authority = malloc(size);
    require(authority != NULL && lunatic_message_read_data(authority, size) == size);
    const lunatic_pem roots[1] = {{authority, size}};
    uint64_t stream = 0;
    require(lunatic_networking_tls_connect("localhost", 9, (uint32_t)port, 10000, &stream, roots,
                                           1) == 0);
    tell_parked(parent);
    char buf[8];
    uint64_t n = 0;
    lunatic_networking_tls_read(stream, buf, sizeof buf, &n); // nothing ever comes
    exit(3);
}

static void spawn_child(const char* entry, int64_t port) {
    uint8_t params[2 * LUNATIC_PARAM_SIZE];
    lunatic_param_i64(lunatic_param_i64(params, (int64_t)lunatic_process_process_id()), port);
    uint64_t child = 0;
    require(lunatic_process_spawn(1, LUNATIC_SELF_CONFIG, LUNATIC_SELF_MODULE, entry,
                                  (uint32_t)strlen(entry), params,
                                  (port ? 2 : 1) * LUNATIC_PARAM_SIZE, &child) == 0);
    if (port) {
        lunatic_message_create_data(TAG_AUTHORITY, 0);
        lunatic_message_write_data(authority_pem, (uint32_t)strlen(authority_pem));
        lunatic_message_send(child);
    }
}

int main(int argc, char** argv) {
    require(argc == 4);
    authority_pem = argv[3];

    uint64_t client = 0, server = 0;
    connected(&client, &server);
    lunatic_networking_clone_tcp_stream(client);
    lunatic_networking_clone_tcp_stream(server);
    uint64_t other_client = 0, other_server = 0;
    connected(&other_client, &other_server);

    uint64_t udp = 0, other_udp = 0;
    require(lunatic_networking_udp_bind(4, kLoopback, 0, 0, 0, &udp) == 0);
    lunatic_networking_clone_udp_socket(udp);
    require(lunatic_networking_udp_bind(4, kLoopback, 0, 0, 0, &other_udp) == 0);

    uint64_t tls_listener = 0, iter = 0;
    require(lunatic_networking_tls_bind(4, kLoopback, 0, 0, 0, &tls_listener, argv[1],
                                        (uint32_t)strlen(argv[1]), argv[2],
                                        (uint32_t)strlen(argv[2])) == 0);
    require(lunatic_networking_tls_local_addr(tls_listener, &iter) == 0);
    const uint16_t tls_port = port_of(iter);

    spawn_child("parked_child", 0);
    spawn_child("udp_parked_child", 0);
    spawn_child("tls_parked_child", tls_port);
    uint64_t tls_stream = 0, peer = 0;
    require(lunatic_networking_tls_accept(tls_listener, &tls_stream, &peer) == 0);
    // tls_accept leaves the handshake to the stream's first call: a flush completes it, which
    // lets the child's tls_connect return.
    uint64_t flush_error = 0;
    require(lunatic_networking_tls_flush(tls_stream, &flush_error) == 0);
    const uint64_t tls_clone = lunatic_networking_clone_tls_stream(tls_stream);
    for (int i = 0; i < CHILDREN; i++) {
        int64_t tag = TAG_PARKING;
        require(lunatic_message_receive(&tag, 1, 10000) == LUNATIC_DATA_MESSAGE);
    }

    lunatic_message_create_data(1, 0); // in the scratch slot, never sent
    lunatic_message_push_tcp_stream(other_server);
    lunatic_message_push_tls_stream(tls_clone);
    lunatic_message_push_udp_socket(other_udp);
    __builtin_trap();
}
