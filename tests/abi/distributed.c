/*
 * distributed.c - lunatic::distributed on a runtime that is not part of a distributed
 * setup, and the result-buffer protocol its certificate helpers use.
 *
 * ABI: §9.1 (lunatic_alloc result buffers), §15.1 (the 8-byte length), §25 (distributed).
 *
 * Expected behaviour checked here:
 *  - node_id, module_id and nodes_count are 0; get_nodes copies nothing and returns 0.
 *  - spawn, send, send_receive_skip_search, exec_lookup_nodes and
 *    copy_lookup_nodes_results trap (children), also with a message ready in the slot.
 *  - test_root_cert returns a lunatic_alloc buffer holding the bincode pair (certificate
 *    PEM, private key PEM), its length written as 8 bytes; the same pair every time.
 *  - default_server_certificates returns a new pair (a certificate and key that are not
 *    the CA's); sign_node returns a bincode string holding a PEM certificate for a valid
 *    request, and NULL (length untouched) for garbage or a request whose signature does
 *    not verify.
 *  - Traps (children): an unusable CA (not PEM, a key of another certificate, invalid
 *    UTF-8) in default_server_certificates and sign_node, an out-of-bounds length
 *    pointer, string or node array.
 *  - The protocol, with modules/result_buffers.wat and friends: lunatic_alloc returning a
 *    good pointer (also after growing the memory) works; one that traps, returns a
 *    pointer the result does not fit at, is missing or has another type traps the call
 *    (link-died); proc_exit(0) inside it ends the process normally (no link-died).
 *  - A process killed while its certificate is being made dies (process-died).
 */
#include "check.h"

#include "modules/alloc_missing.h"
#include "modules/alloc_wrong_type.h"
#include "modules/result_buffers.h"

LUNATIC_DEFINE_ALLOC

#define T_SIGNING 130
#define T_MODULE_BASE 600

/* A request made with `openssl req` for CN=node-1, DNS:node-1.tycho (its key is gone). */
static const char CSR[] = "-----BEGIN CERTIFICATE REQUEST-----\n"
                          "MIH2MIGdAgEAMBExDzANBgNVBAMMBm5vZGUtMTBZMBMGByqGSM49AgEGCCqGSM49\n"
                          "AwEHA0IABNVCEfykZDlaUcjWSbz2RrGr1WMgx+ViM2d0KoH10l87suyhRiTe4QBL\n"
                          "pvDOaXQXpGHTeCdIApHXY83tTk9NtCWgKjAoBgkqhkiG9w0BCQ4xGzAZMBcGA1Ud\n"
                          "EQQQMA6CDG5vZGUtMS50eWNobzAKBggqhkjOPQQDAgNIADBFAiEAhq1KbOTR5R32\n"
                          "CMCHPdSEnhq9P/dI8sdo6YkcfZuuLLcCIEfjwCUGZwPgvdEi0qWPIsMWLUyzlu4h\n"
                          "RZN6C2m2a70w\n"
                          "-----END CERTIFICATE REQUEST-----\n";

static const char PEM_CERT[] = "-----BEGIN CERTIFICATE-----\n";
static const char PEM_KEY[] = "-----BEGIN PRIVATE KEY-----\n";

#define FILLER 0xA5A5A5A5A5A5A5A5ull

typedef struct {
    char* cert;
    uint32_t cert_len;
    char* key;
    uint32_t key_len;
} pair_t;

static int starts_with(const char* text, uint64_t len, const char* prefix) {
    uint64_t n = strlen(prefix);
    return len >= n && memcmp(text, prefix, n) == 0;
}

/* Checks a buffer holding a bincode (String, String) of PEM certificate and key, and copies
   both out (NUL-terminated) before freeing it. */
static pair_t take_pair_at(uint8_t* buf, uint64_t len, const char* file, int line) {
    CHECK_AT(buf != NULL, file, line);
    CHECK_AT(len != FILLER && len < (1u << 20), file, line);
    uint64_t at = 0, cert_len = 0, key_len = 0;
    const char *cert = NULL, *key = NULL;
    CHECK_AT(lunatic_bincode_string(buf, len, &at, &cert, &cert_len), file, line);
    CHECK_AT(lunatic_bincode_string(buf, len, &at, &key, &key_len), file, line);
    CHECK_AT(at == len, file, line); /* nothing else */
    CHECK_AT(starts_with(cert, cert_len, PEM_CERT), file, line);
    CHECK_AT(starts_with(key, key_len, PEM_KEY), file, line);
    pair_t p = {malloc(cert_len + 1), (uint32_t)cert_len, malloc(key_len + 1), (uint32_t)key_len};
    memcpy(p.cert, cert, cert_len);
    p.cert[cert_len] = 0;
    memcpy(p.key, key, key_len);
    p.key[key_len] = 0;
    free(buf);
    return p;
}
#define TAKE_PAIR(buf, len) take_pair_at((buf), (len), __FILE__, __LINE__)

static pair_t root_ca(void) {
    uint64_t len = FILLER;
    uint8_t* buf = lunatic_distributed_test_root_cert(&len);
    return TAKE_PAIR(buf, len);
}

/* ---- trap scenarios ----------------------------------------------------------------- */

ENTRY(t_spawn)(int64_t parent) {
    uint64_t id = 0;
    child_reached(parent);
    lunatic_distributed_spawn(1, -1, 0, "t_spawn", 7, 0, 0, &id);
    child_survived(parent);
}

ENTRY(t_send)(int64_t parent) {
    lunatic_message_create_data(1, 0);
    child_reached(parent);
    lunatic_distributed_send(1, (uint64_t)parent);
    child_survived(parent);
}

ENTRY(t_send_own_node)(int64_t parent) {
    lunatic_message_create_data(1, 0);
    child_reached(parent);
    lunatic_distributed_send(0, (uint64_t)parent); /* node 0 is this one, still no setup */
    child_survived(parent);
}

ENTRY(t_send_receive)(int64_t parent) {
    lunatic_message_create_data(1, 0);
    child_reached(parent);
    lunatic_distributed_send_receive_skip_search(1, (uint64_t)parent, 5, 10);
    child_survived(parent);
}

ENTRY(t_lookup)(int64_t parent) {
    uint64_t query = 0, n = 0, err = 0;
    child_reached(parent);
    lunatic_distributed_exec_lookup_nodes("role=worker", 11, &query, &n, &err);
    child_survived(parent);
}

ENTRY(t_lookup_results)(int64_t parent) {
    uint64_t nodes[2], err = 0;
    child_reached(parent);
    lunatic_distributed_copy_lookup_nodes_results(0, nodes, 2, &err);
    child_survived(parent);
}

ENTRY(t_get_nodes_out_of_bounds)(int64_t parent) {
    child_reached(parent);
    lunatic_distributed_get_nodes((uint64_t*)0xFFFFFFF0u, 4);
    child_survived(parent);
}

ENTRY(t_cert_len_out_of_bounds)(int64_t parent) {
    child_reached(parent);
    lunatic_distributed_test_root_cert((uint64_t*)0xFFFFFFFCu);
    child_survived(parent);
}

ENTRY(t_server_garbage_ca)(int64_t parent) {
    pair_t ca = root_ca();
    uint64_t len;
    child_reached(parent);
    lunatic_distributed_default_server_certificates("garbage", 7, ca.key, ca.key_len, &len);
    child_survived(parent);
}

ENTRY(t_server_mismatched_key)(int64_t parent) {
    pair_t ca = root_ca();
    uint64_t len = FILLER;
    pair_t server = TAKE_PAIR(lunatic_distributed_default_server_certificates(
                                  ca.cert, ca.cert_len, ca.key, ca.key_len, &len),
                              len);
    child_reached(parent);
    lunatic_distributed_default_server_certificates(ca.cert, ca.cert_len, server.key,
                                                    server.key_len, &len);
    child_survived(parent);
}

ENTRY(t_server_ca_out_of_bounds)(int64_t parent) {
    uint64_t len;
    child_reached(parent);
    lunatic_distributed_default_server_certificates((const char*)0xFFFFFF00u, 0x1000, "k", 1, &len);
    child_survived(parent);
}

ENTRY(t_sign_garbage_ca)(int64_t parent) {
    pair_t ca = root_ca();
    uint64_t len;
    child_reached(parent);
    lunatic_distributed_sign_node(ca.cert, ca.cert_len, "not a key", 9, CSR, sizeof CSR - 1, &len);
    child_survived(parent);
}

ENTRY(t_sign_invalid_utf8)(int64_t parent) {
    pair_t ca = root_ca();
    uint64_t len;
    ca.cert[3] = (char)0xFF; /* inside "-----BEGIN": no longer UTF-8 */
    child_reached(parent);
    lunatic_distributed_sign_node(ca.cert, ca.cert_len, ca.key, ca.key_len, CSR, sizeof CSR - 1,
                                  &len);
    child_survived(parent);
}

ENTRY(t_sign_request_invalid_utf8)(int64_t parent) {
    pair_t ca = root_ca();
    uint64_t len;
    char csr[sizeof CSR];
    memcpy(csr, CSR, sizeof CSR);
    csr[40] = (char)0xC0;
    child_reached(parent);
    lunatic_distributed_sign_node(ca.cert, ca.cert_len, ca.key, ca.key_len, csr, sizeof csr - 1,
                                  &len);
    child_survived(parent);
}

/* Signs in a loop until killed. */
ENTRY(e_sign_forever)(int64_t parent) {
    pair_t ca = root_ca();
    SEND((uint64_t)parent, T_SIGNING, 0);
    for (;;) {
        uint64_t len = 0;
        uint8_t* buf = lunatic_distributed_sign_node(ca.cert, ca.cert_len, ca.key, ca.key_len, CSR,
                                                     sizeof CSR - 1, &len);
        CHECK(buf != NULL);
        free(buf);
    }
}

/* ---- the result-buffer protocol with hand-written modules ----------------------------- */

static uint64_t compile(const unsigned char* bytes, uint32_t len) {
    uint64_t id = 0;
    CHECK_EQ(lunatic_process_compile_module(bytes, len, &id), 0);
    return id;
}

/* Spawns entry(self, mode) of `module` linked with `link`; returns its pid. */
static uint64_t spawn_module(uint64_t module, int64_t link, int32_t mode) {
    uint8_t params[2 * LUNATIC_PARAM_SIZE];
    lunatic_param_i32(lunatic_param_i64(params, (int64_t)self_pid()), mode);
    uint64_t id = 0;
    CHECK_EQ(lunatic_process_spawn(link, LUNATIC_SELF_CONFIG, (int64_t)module, "entry", 5, params,
                                   sizeof params, &id),
             0);
    return id;
}

/* The module survives its call and reports the pointer and length it got. */
static void expect_buffer(uint64_t module, int32_t mode, uint32_t want_ptr) {
    uint64_t id = spawn_module(module, 0, mode);
    EXPECT_MSG(T_MODULE_BASE + mode);
    uint32_t ptr = 0;
    uint64_t len = 0;
    CHECK_EQ(lunatic_message_read_data(&ptr, 4), 4);
    lunatic_message_seek_data(8);
    CHECK_EQ(lunatic_message_read_data(&len, 8), 8);
    CHECK_EQ(ptr, want_ptr);
    CHECK(len > 100 && len < 10000);
    WAIT_GONE(id);
}

/* The module's call traps: a link-died message. */
static void expect_failure(uint64_t module, int32_t mode) {
    static int64_t link = 700;
    spawn_module(module, ++link, mode);
    int64_t tags[2] = {link, T_MODULE_BASE + mode};
    CHECK_EQ(lunatic_message_receive(tags, 2, WAIT_MS), LUNATIC_LINK_DIED);
    CHECK_EQ(lunatic_message_get_tag(), link);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    /* Single node. */
    CHECK_EQ(lunatic_distributed_node_id(), 0);
    CHECK_EQ(lunatic_distributed_module_id(), 0);
    CHECK_EQ(lunatic_distributed_nodes_count(), 0);
    uint64_t nodes[4] = {FILLER, FILLER, FILLER, FILLER};
    CHECK_EQ(lunatic_distributed_get_nodes(nodes, 4), 0);
    CHECK(nodes[0] == FILLER && nodes[3] == FILLER);
    CHECK_EQ(lunatic_distributed_get_nodes(NULL, 0), 0);

    /* The test CA: an 8-byte length, the same pair every time. */
    uint64_t len = FILLER;
    uint8_t* first = lunatic_distributed_test_root_cert(&len);
    CHECK(first != NULL);
    CHECK(len != FILLER && (len >> 32) == 0);
    uint64_t first_len = len;
    uint8_t* copy = malloc(first_len);
    memcpy(copy, first, first_len);
    pair_t ca = TAKE_PAIR(first, first_len);
    len = FILLER;
    uint8_t* second = lunatic_distributed_test_root_cert(&len);
    CHECK_EQ(len, first_len);
    CHECK(memcmp(second, copy, first_len) == 0);
    free(second);
    free(copy);

    /* A control-server certificate with a key of its own. */
    len = FILLER;
    pair_t server = TAKE_PAIR(lunatic_distributed_default_server_certificates(
                                  ca.cert, ca.cert_len, ca.key, ca.key_len, &len),
                              len);
    CHECK(strcmp(server.cert, ca.cert) != 0);
    CHECK(strcmp(server.key, ca.key) != 0);

    /* Signing a node's request. */
    len = FILLER;
    uint8_t* signed_buf = lunatic_distributed_sign_node(ca.cert, ca.cert_len, ca.key, ca.key_len,
                                                        CSR, sizeof CSR - 1, &len);
    CHECK(signed_buf != NULL);
    uint64_t at = 0, pem_len = 0;
    const char* pem = NULL;
    CHECK(lunatic_bincode_string(signed_buf, len, &at, &pem, &pem_len));
    CHECK_EQ(at, len);
    CHECK(starts_with(pem, pem_len, PEM_CERT));
    free(signed_buf);

    /* Requests that cannot be signed: NULL, nothing written. */
    len = FILLER;
    CHECK(lunatic_distributed_sign_node(ca.cert, ca.cert_len, ca.key, ca.key_len, "garbage", 7,
                                        &len) == NULL);
    CHECK(len == FILLER);
    char broken[sizeof CSR];
    memcpy(broken, CSR, sizeof CSR);
    memcpy(strstr(broken, "a70w"), "a71w", 4); /* the signature's last bits */
    CHECK(lunatic_distributed_sign_node(ca.cert, ca.cert_len, ca.key, ca.key_len, broken,
                                        sizeof broken - 1, &len) == NULL);
    CHECK(len == FILLER);
    /* A server certificate as the request: not one. */
    CHECK(lunatic_distributed_sign_node(ca.cert, ca.cert_len, ca.key, ca.key_len, server.cert,
                                        server.cert_len, &len) == NULL);
    CHECK(len == FILLER);

    /* Everything that needs another node traps. */
    EXPECT_TRAP("t_spawn");
    EXPECT_TRAP("t_send");
    EXPECT_TRAP("t_send_own_node");
    EXPECT_TRAP("t_send_receive");
    EXPECT_TRAP("t_lookup");
    EXPECT_TRAP("t_lookup_results");
    EXPECT_TRAP("t_get_nodes_out_of_bounds");
    EXPECT_TRAP("t_cert_len_out_of_bounds");
    EXPECT_TRAP("t_server_garbage_ca");
    EXPECT_TRAP("t_server_mismatched_key");
    EXPECT_TRAP("t_server_ca_out_of_bounds");
    EXPECT_TRAP("t_sign_garbage_ca");
    EXPECT_TRAP("t_sign_invalid_utf8");
    EXPECT_TRAP("t_sign_request_invalid_utf8");

    /* The protocol itself. */
    uint64_t modes = compile(RESULT_BUFFERS_WASM, sizeof RESULT_BUFFERS_WASM);
    expect_buffer(modes, 0, 1024);
    expect_buffer(modes, 4, 65536); /* after growing its memory */
    expect_failure(modes, 1);       /* lunatic_alloc traps */
    expect_failure(modes, 2);       /* a pointer near 2^32 */
    expect_failure(modes, 3);       /* the result crosses the end of memory */
    expect_failure(compile(ALLOC_MISSING_WASM, sizeof ALLOC_MISSING_WASM), 0);
    expect_failure(compile(ALLOC_WRONG_TYPE_WASM, sizeof ALLOC_WRONG_TYPE_WASM), 0);
    /* proc_exit(0) inside lunatic_alloc: a normal end (no link-died, no report). */
    WAIT_GONE(spawn_module(modes, 750, 5));
    int64_t exit_tags[2] = {750, T_MODULE_BASE + 5};
    CHECK_EQ(lunatic_message_receive(exit_tags, 2, QUIET_MS), LUNATIC_TIMEOUT);

    /* Killed while signing. */
    uint64_t signer = SPAWN(0, LUNATIC_SELF_CONFIG, "e_sign_forever", (int64_t)self_pid());
    lunatic_process_monitor(signer);
    EXPECT_MSG(T_SIGNING);
    lunatic_process_sleep_ms(20);
    lunatic_process_kill(signer);
    CHECK_EQ(lunatic_receive_any(WAIT_MS), LUNATIC_PROCESS_DIED);
    CHECK_EQ(lunatic_message_get_process_id(), signer);

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
