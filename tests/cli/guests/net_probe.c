/* Tries the network operations its arguments name, in order, and prints for each "ok" or
   "error: " and the error's text, then "done": what `tycho run --deny-net` and
   `--allow-net` let a guest do. Arguments: `bind ADDRESS` binds a UDP socket, `connect
   ADDRESS` connects the last bound one, `send ADDRESS` sends a datagram from it; ADDRESS is
   IPV4:PORT or [IPV6]:PORT. A refusal is an answer, so the program goes on. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lunatic.h"

typedef struct {
    uint32_t type;
    uint8_t ip[16];
    uint32_t port;
} address_t;

static int parse_address(const char* text, address_t* out) {
    const char* colon = strrchr(text, ':');
    if (colon == NULL) return 0;
    char host[64];
    size_t len = (size_t)(colon - text);
    if (len >= sizeof host) return 0;
    memcpy(host, text, len);
    host[len] = 0;
    out->port = (uint32_t)atoi(colon + 1);
    if (host[0] == '[' && len > 2 && host[len - 1] == ']') {
        host[len - 1] = 0;
        out->type = 6;
        return inet_pton(AF_INET6, host + 1, out->ip) == 1;
    }
    out->type = 4;
    return inet_pton(AF_INET, host, out->ip) == 1;
}

static void print_result(const char* action, const char* address, int32_t status, uint64_t err) {
    if (status == 0) {
        printf("%s %s: ok\n", action, address);
        return;
    }
    char text[512];
    uint32_t size = lunatic_error_string_size(err);
    if (size >= sizeof text) size = sizeof text - 1;
    lunatic_error_to_string(err, text);
    text[size] = 0;
    lunatic_error_drop(err);
    printf("%s %s: error: %s\n", action, address, text);
}

int main(int argc, char** argv) {
    int bound = 0;
    uint64_t sock = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char* action = argv[i];
        address_t a;
        if (!parse_address(argv[i + 1], &a)) {
            fprintf(stderr, "not an address: %s\n", argv[i + 1]);
            return 2;
        }
        uint64_t out = 0;
        int32_t status;
        if (strcmp(action, "bind") == 0) {
            status = lunatic_networking_udp_bind(a.type, a.ip, a.port, 0, 0, &out);
            if (status == 0) bound = 1, sock = out;
        } else if (bound && strcmp(action, "connect") == 0) {
            status = lunatic_networking_udp_connect(sock, a.type, a.ip, a.port, 0, 0,
                                                    LUNATIC_NO_TIMEOUT, &out);
        } else if (bound && strcmp(action, "send") == 0) {
            status = lunatic_networking_udp_send_to(sock, "x", 1, a.type, a.ip, a.port, 0, 0, &out);
        } else {
            fprintf(stderr, "cannot %s (bound: %d)\n", action, bound);
            return 2;
        }
        print_result(action, argv[i + 1], status, out);
    }
    puts("done");
    return 0;
}
