// For tcp_test.cpp: what the network policy lets a guest do. argv[1] names the policy the
// test runs it under; each expectation that fails ends the guest with its own exit status.
#include "lunatic.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t kLoopback[4] = {127, 0, 0, 1};
static const uint8_t kOtherLoopback[4] = {127, 0, 0, 2};

// Status 1 with an error text that contains "permission denied".
static int refused(int32_t status, uint64_t error) {
    if (status != 1) return 0;
    char text[512];
    uint32_t size = lunatic_error_string_size(error);
    if (size == 0 || size >= sizeof text) return 0;
    lunatic_error_to_string(error, text);
    text[size] = 0;
    lunatic_error_drop(error);
    return strstr(text, "permission denied") != NULL;
}

static int32_t resolve(const char* name, uint64_t* id) {
    return lunatic_networking_resolve(name, (uint32_t)strlen(name), LUNATIC_NO_TIMEOUT, id);
}

int main(int argc, char** argv) {
    if (argc != 2) return 10;
    uint64_t id = 0;
    if (strcmp(argv[1], "deny") == 0) {
        if (!refused(lunatic_networking_tcp_bind(4, kLoopback, 0, 0, 0, &id), id)) return 11;
        if (!refused(lunatic_networking_tcp_connect(4, kLoopback, 9, 0, 0, 1000, &id), id))
            return 12;
        if (!refused(resolve("localhost:80", &id), id)) return 13;
        // A literal needs no lookup: no traffic, no refusal.
        if (resolve("127.0.0.1:80", &id) != 0) return 14;
        return 0;
    }
    if (strcmp(argv[1], "loopback-only") == 0) { // --allow-net 127.0.0.1:*
        uint64_t listener = 0, iter = 0, stream = 0;
        if (lunatic_networking_tcp_bind(4, kLoopback, 0, 0, 0, &listener) != 0) return 21;
        if (lunatic_networking_tcp_local_addr(listener, &iter) != 0) return 22;
        uint32_t type = 0, flow = 0, scope = 0;
        uint8_t addr[16];
        uint16_t port = 0;
        if (lunatic_networking_resolve_next(iter, &type, addr, &port, &flow, &scope) != 0)
            return 23;
        if (lunatic_networking_tcp_connect(4, kLoopback, port, 0, 0, 5000, &stream) != 0) return 24;
        if (!refused(lunatic_networking_tcp_bind(4, kOtherLoopback, 0, 0, 0, &id), id)) return 25;
        if (!refused(lunatic_networking_tcp_connect(4, kOtherLoopback, port, 0, 0, 1000, &id), id))
            return 26;
        if (resolve("localhost:80", &id) != 0) return 27; // names may be looked up
        return 0;
    }
    return 10;
}
