/* tls_bind and tls_connect under a network policy that refuses them (tls_policy_test.cpp):
 * binding 127.0.0.1:0, connecting to 127.0.0.1:2 and to localhost:2 must each give status 1
 * with an error text that says "permission denied". Exits with 0 when they do, else with
 * the number of the first call that did not (1 to 3). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("lunatic::networking", "tls_bind")
int32_t tls_bind(uint32_t addr_type, const uint8_t* addr, uint32_t port, uint32_t flow_info,
                 uint32_t scope_id, uint64_t* id, const char* cert, uint32_t cert_len,
                 const char* key, uint32_t key_len);
IMPORT("lunatic::networking", "tls_connect")
int32_t tls_connect(const char* host, uint32_t host_len, uint32_t port, int64_t timeout,
                    uint64_t* id, const void* roots, uint32_t roots_len);
IMPORT("lunatic::error", "string_size") uint32_t error_string_size(uint64_t id);
IMPORT("lunatic::error", "to_string") void error_to_string(uint64_t id, char* text);

static char text[4096];

/* Whether status 1 came with an error saying "permission denied". */
static int refused(int32_t status, uint64_t error) {
    if (status != 1) return 0;
    uint32_t size = error_string_size(error);
    if (size >= sizeof text) return 0;
    error_to_string(error, text);
    text[size] = 0;
    return strstr(text, "permission denied") != NULL;
}

int main(void) {
    const uint8_t loopback[4] = {127, 0, 0, 1};
    uint64_t id = 0;
    if (!refused(tls_bind(4, loopback, 0, 0, 0, &id, "", 0, "", 0), id)) return 1;
    if (!refused(tls_connect("127.0.0.1", 9, 2, -1, &id, NULL, 0), id)) return 2;
    if (!refused(tls_connect("localhost", 9, 2, -1, &id, NULL, 0), id)) return 3;
    return 0;
}
