// For tcp_test.cpp: a root that holds a listener, connected and accepted streams, clones, a
// stream in its unsent message and a linked child parked in tcp_read on sockets of its own,
// and then traps. Every socket must be closed once both are gone. A step that fails ends the
// root with exit status 2 instead of the trap, so the test knows all of them happened.
#include "lunatic.h"

#include <stdint.h>
#include <stdlib.h>

static const uint8_t kLoopback[4] = {127, 0, 0, 1};
#define TAG_PARKING 5

static void require(int condition) {
    if (!condition) exit(2);
}

// A listener on 127.0.0.1 with a port the system picks, and a stream connected to it and
// the accepted one.
static uint64_t connected(uint64_t* client, uint64_t* server) {
    uint64_t listener = 0, iter = 0, peer = 0;
    require(lunatic_networking_tcp_bind(4, kLoopback, 0, 0, 0, &listener) == 0);
    require(lunatic_networking_tcp_local_addr(listener, &iter) == 0);
    uint32_t type = 0, flow = 0, scope = 0;
    uint8_t addr[16];
    uint16_t port = 0;
    require(lunatic_networking_resolve_next(iter, &type, addr, &port, &flow, &scope) == 0);
    require(lunatic_networking_tcp_connect(4, kLoopback, port, 0, 0, LUNATIC_NO_TIMEOUT, client) ==
            0);
    require(lunatic_networking_tcp_accept(listener, server, &peer) == 0);
    return listener;
}

__attribute__((export_name("parked_child"))) void parked_child(int64_t parent) {
    uint64_t client = 0, server = 0;
    connected(&client, &server);
    lunatic_message_create_data(TAG_PARKING, 0);
    lunatic_message_send((uint64_t)parent);
    char buf[8];
    uint64_t n = 0;
    lunatic_networking_tcp_read(server, buf, sizeof buf, &n); // nothing ever comes
    exit(3);
}

int main(void) {
    uint64_t client = 0, server = 0;
    connected(&client, &server);
    lunatic_networking_clone_tcp_stream(client);
    lunatic_networking_clone_tcp_stream(server);
    uint64_t other_client = 0, other_server = 0;
    connected(&other_client, &other_server);

    uint8_t params[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(params, (int64_t)lunatic_process_process_id());
    uint64_t child = 0;
    require(lunatic_process_spawn(1, LUNATIC_SELF_CONFIG, LUNATIC_SELF_MODULE, "parked_child", 12,
                                  params, sizeof params, &child) == 0);
    int64_t tag = TAG_PARKING;
    require(lunatic_message_receive(&tag, 1, 10000) == LUNATIC_DATA_MESSAGE);

    lunatic_message_create_data(1, 0);
    lunatic_message_push_tcp_stream(other_server); // in the scratch slot, never sent
    __builtin_trap();
}
