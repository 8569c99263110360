/*
 * lunatic::networking TLS (lunatic-abi.md §20.3, with §4, §5, §10.4 and §20.2): a TLS server
 * and its clients inside one runtime. The server has a certificate for localhost and
 * 127.0.0.1 from a test authority; the clients trust that authority through tls_connect's
 * list of roots. The certificates are made at build time (tests/net/make_certificates.sh).
 *
 * The server processes (entry tls_server) bind port 0 on 127.0.0.1 or 127.0.0.2, read the
 * port the system gave back through tls_local_addr, tell the root, and accept in a loop:
 * each accepted stream goes in a message to a process of its own (echo_handler), which
 * echoes until the end, or until it reads "quit" and drops the stream. tls_accept returns
 * before the handshake, which the handler's first read performs: an accept that fails ends
 * the server (and so the test), and a handler whose first read fails tells the root.
 *
 * Expectations:
 *  - tls_bind with the certificate and key: 0; tls_local_addr: 0 and an iterator holding
 *    exactly the bound address with the port the system picked.
 *  - tls_connect to "localhost" and to "127.0.0.1" trusting the authority: 0. An echo round
 *    trip over three iovecs, tls_flush (0, and 0 written), and the server's drop (after
 *    "quit") is a clean end: tls_read gives 0 bytes.
 *  - 1.5 MiB each way at once: the root writes on the stream while a clone, moved to another
 *    process in a message, reads the echo there (§20.2: a read and a write at the same time),
 *    and checks every byte.
 *  - A read timeout (50 ms): 9027 after at least 50 ms; the stream still works afterwards.
 *    get_tls_*_timeout return what was set (u64::MAX: none).
 *  - A wrong name (127.0.0.2, which the certificate does not carry), an untrusted authority,
 *    the system's roots (roots_len 0), and a list with one entry out of bounds (which makes
 *    the system's roots apply, a quirk of Lunatic's): tls_connect gives status 1 with an
 *    error text. The server's accept succeeds (the handshake has not begun); the handler's
 *    first read is status 1 with "TLS handshake failed: " and the client's alert, and a
 *    second read, a write and a flush report the same failure (not a trap); the server goes
 *    on. A list with an unreadable entry besides the authority: the entry is skipped, 0.
 *  - Clients that stall do not delay the others of the same acceptor: a plain TCP client
 *    that sends nothing, and a TLS client whose ClientHello goes through a relay process one
 *    byte at a time, the relay holding the rest after 16 bytes. Meanwhile two other clients
 *    connect and complete echo rounds, and the silent one is still connected (a read on it
 *    times out). Then the relay goes on and the slow client completes its echo round; when
 *    the silent client leaves, its handler's first read fails ("TLS handshake failed").
 *  - In a handshake the slow client holds up (a stream the root accepts itself), tls_read
 *    and tls_write_vectored time out (9027) and tls_flush is status 1 (the write timeout
 *    passed before the handshake finished); once the relay goes on, the next read finishes
 *    the handshake and an echo round follows.
 *  - An invalid server name, and a port nobody listens on: status 1 with a text.
 *  - tls_bind with PEM texts that are not usable (garbage, a broken block, two
 *    certificates, no PKCS#8 key, a key of another certificate): status 1 with a text.
 *  - Traps: unknown stream and listener ids in every function that takes one, a dropped
 *    stream id, addr_type 5, invalid UTF-8 in the name, a read buffer out of bounds.
 */
#include "check.h"
#include "net_tcp_util.h"

#include "ca_crt.h"
#include "other_ca_crt.h"
#include "other_ca_key.h"
#include "server_crt.h"
#include "server_key.h"

#define PEM(array) (const char*)(array), (uint32_t)sizeof(array)

#define TAG_PORT 10
#define TAG_HANDSHAKE_FAILED 11
#define TAG_STREAM 12
#define TAG_READ_ALL 13
#define TAG_ECHOED 14
#define TAG_RELAY_PORT 15
#define TAG_RELAY_PAUSED 16
#define TAG_RELAY_GO 17

#define UNKNOWN_ID 4242
#define BIG (3u * 512u * 1024u) /* 1.5 MiB */

/* ---- helpers -------------------------------------------------------------------------- */

/* Reads the text of error `err` into `text` (NUL-terminated, cut at `size`) and drops it. */
static void error_text(uint64_t err, char* text, uint32_t size) {
    uint32_t length = lunatic_error_string_size(err);
    CHECK(length > 0);
    char* all = malloc(length + 1);
    CHECK(all != NULL);
    lunatic_error_to_string(err, all);
    all[length] = 0;
    snprintf(text, size, "%s", all);
    free(all);
    lunatic_error_drop(err);
}

/* Checks that error `err` has a text containing `part` (printed when it does not). */
static void expect_error_containing(uint64_t err, const char* part) {
    char text[512];
    error_text(err, text, sizeof text);
    if (!strstr(text, part)) fprintf(stderr, "error text '%s' lacks '%s'\n", text, part);
    CHECK(strstr(text, part) != NULL);
}

/* Binds a TLS listener with the server's certificate on 127.0.0.<last_octet> and a port the
   system picks, which tls_local_addr tells (at *port). */
static uint64_t bind_listener(uint8_t last_octet, uint32_t* port) {
    const uint8_t address[4] = {127, 0, 0, last_octet};
    uint64_t id = UNTOUCHED;
    CHECK_EQ(
        lunatic_networking_tls_bind(4, address, 0, 0, 0, &id, PEM(SERVER_CRT), PEM(SERVER_KEY)), 0);
    uint64_t iter = UNTOUCHED;
    CHECK_EQ(lunatic_networking_tls_local_addr(id, &iter), 0);
    net_address bound = ONLY_ADDRESS(iter);
    CHECK(bound.type == 4 && memcmp(bound.addr, address, 4) == 0 && bound.port != 0);
    *port = bound.port;
    return id;
}

/* Moves stream `id` to process `pid` in a message tagged TAG_STREAM. */
static void give_stream(uint64_t pid, uint64_t id) {
    lunatic_message_create_data(TAG_STREAM, 8);
    uint64_t index = lunatic_message_push_tls_stream(id);
    CHECK_EQ(lunatic_message_write_data(&index, 8), 8);
    CHECK_EQ(lunatic_message_send(pid), 0);
}

static uint64_t take_stream(void) {
    EXPECT_MSG(TAG_STREAM);
    return lunatic_message_take_tls_stream(READ_U64());
}

/* Writes all of data[0..n); false when the stream fails. */
static int write_all(uint64_t stream, const uint8_t* data, uint32_t n) {
    uint32_t done = 0;
    while (done < n) {
        uint32_t chunk = n - done < 100000 ? n - done : 100000;
        lunatic_ciovec iov = {data + done, chunk};
        uint64_t written = 0;
        int32_t r = lunatic_networking_tls_write_vectored(stream, &iov, 1, &written);
        if (r != 0) {
            if (r == 1) lunatic_error_drop(written);
            return 0;
        }
        CHECK(written > 0 && written <= chunk);
        done += (uint32_t)written;
    }
    return 1;
}

/* Reads exactly n bytes into buffer. */
static void read_exact(uint64_t stream, uint8_t* buffer, uint32_t n) {
    uint32_t done = 0;
    while (done < n) {
        uint64_t got = 0;
        int32_t r = lunatic_networking_tls_read(stream, buffer + done, n - done, &got);
        if (r == 1) expect_error_containing(got, "(nothing expected)");
        CHECK_EQ(r, 0);
        CHECK(got > 0 && got <= n - done);
        done += (uint32_t)got;
    }
}

static int32_t connect_to(const char* host, uint32_t port, const lunatic_pem* roots,
                          uint32_t roots_len, uint64_t* id) {
    return lunatic_networking_tls_connect(host, (uint32_t)strlen(host), port, WAIT_MS, id, roots,
                                          roots_len);
}

static const lunatic_pem TRUST_CA[1] = {{PEM(CA_CRT)}};

static uint8_t pattern(uint32_t i) {
    return (uint8_t)(i * 7u + (i >> 11));
}

/* ---- the server ------------------------------------------------------------------------ */

static uint8_t echo_buffer[64 * 1024];

/* The text of error `err` after the function's name ("tls_read: ..."), then dropped. */
static void failure_text(uint64_t err, char* text, uint32_t size) {
    error_text(err, text, size);
    const char* after_name = strstr(text, ": ");
    CHECK(after_name != NULL);
    memmove(text, after_name + 2, strlen(after_name + 2) + 1);
}

/* Expects status 1 with the failure `expected` after the function's name. */
static void expect_same_failure(int32_t r, uint64_t err, const char* expected) {
    CHECK_EQ(r, 1);
    char text[512];
    failure_text(err, text, sizeof text);
    if (strcmp(text, expected) != 0) fprintf(stderr, "'%s' is not '%s'\n", text, expected);
    CHECK(strcmp(text, expected) == 0);
}

/* A first read that failed, error `err`: the handshake's failure, which every later call
   reports too; the root learns it (with `last_octet` and the failure's text). */
static void report_handshake_failure(uint64_t stream, uint64_t err, int64_t root,
                                     int64_t last_octet) {
    char failure[512];
    failure_text(err, failure, sizeof failure);
    if (strncmp(failure, "TLS handshake failed: ", 22) != 0)
        fprintf(stderr, "the first read failed with '%s'\n", failure);
    CHECK(strncmp(failure, "TLS handshake failed: ", 22) == 0);
    uint64_t out = 0;
    expect_same_failure(lunatic_networking_tls_read(stream, echo_buffer, 16, &out), out, failure);
    lunatic_ciovec iov = {"x", 1};
    expect_same_failure(lunatic_networking_tls_write_vectored(stream, &iov, 1, &out), out, failure);
    expect_same_failure(lunatic_networking_tls_flush(stream, &out), out, failure);

    const uint32_t length = (uint32_t)strlen(failure);
    lunatic_message_create_data(TAG_HANDSHAKE_FAILED, 8 + length);
    CHECK_EQ(lunatic_message_write_data(&last_octet, 8), 8);
    CHECK_EQ(lunatic_message_write_data(failure, length), length);
    CHECK_EQ(lunatic_message_send((uint64_t)root), 0);
}

ENTRY(echo_handler)(int64_t parent, int64_t root, int64_t last_octet) {
    (void)parent;
    uint64_t stream = take_stream();
    for (int first = 1;; first = 0) {
        uint64_t n = 0;
        int32_t r = lunatic_networking_tls_read(stream, echo_buffer, sizeof echo_buffer, &n);
        if (r == 1 && first) {
            report_handshake_failure(stream, n, root, last_octet);
            break;
        }
        if (r == 1) {
            check_error_text_and_drop(n); /* a client that broke off */
            break;
        }
        CHECK_EQ(r, 0);
        if (n == 0 || (n == 4 && memcmp(echo_buffer, "quit", 4) == 0)) break;
        if (!write_all(stream, echo_buffer, (uint32_t)n)) break;
    }
    lunatic_networking_drop_tls_stream(stream);
}

ENTRY(tls_server)(int64_t parent, int64_t last_octet) {
    uint32_t port = 0;
    uint64_t listener = bind_listener((uint8_t)last_octet, &port);
    SEND((uint64_t)parent, TAG_PORT, port);
    for (;;) {
        uint64_t id = 0, peer = 77;
        CHECK_EQ(lunatic_networking_tls_accept(listener, &id, &peer), 0);
        CHECK(peer != 77);
        lunatic_networking_drop_dns_iterator(peer);
        give_stream(SPAWN_HELPER("echo_handler", parent, last_octet), id);
    }
}

static uint32_t start_server(uint8_t last_octet) {
    SPAWN(HELPER_LINK, LUNATIC_SELF_CONFIG, "tls_server", (int64_t)self_pid(), last_octet);
    EXPECT_MSG(TAG_PORT);
    return (uint32_t)READ_U64();
}

/* Waits for the report of a handler of server `last_octet` whose first read failed; the
   failure must hold `part`. */
static void expect_handshake_failed(uint8_t last_octet, const char* part) {
    EXPECT_MSG(TAG_HANDSHAKE_FAILED);
    CHECK_EQ(READ_U64(), last_octet);
    char text[512] = {0};
    CHECK(lunatic_message_read_data(text, sizeof text - 1) > 22);
    if (!strstr(text, part)) fprintf(stderr, "the server's failure '%s' lacks '%s'\n", text, part);
    CHECK(strstr(text, part) != NULL);
}

/* ---- the clients ----------------------------------------------------------------------- */

static void echo_round_trip(uint64_t stream) {
    static const char* parts[3] = {"hel", "lo, ", "TLS"};
    lunatic_ciovec iovs[3];
    for (int i = 0; i < 3; i++)
        iovs[i] = (lunatic_ciovec){parts[i], (uint32_t)strlen(parts[i])};
    uint64_t written = 0;
    CHECK_EQ(lunatic_networking_tls_write_vectored(stream, iovs, 3, &written), 0);
    CHECK_EQ(written, 10);
    uint8_t echo[16] = {0};
    read_exact(stream, echo, 10);
    CHECK(memcmp(echo, "hello, TLS", 10) == 0);
}

/* Ends the echo: the handler drops its stream after "quit", which is a clean end here. */
static void expect_clean_end(uint64_t stream) {
    CHECK(write_all(stream, (const uint8_t*)"quit", 4));
    uint8_t byte;
    uint64_t got = 99;
    CHECK_EQ(lunatic_networking_tls_read(stream, &byte, 1, &got), 0);
    CHECK_EQ(got, 0);
}

static void test_echo(uint32_t port) {
    uint64_t stream = 0;
    CHECK_EQ(connect_to("localhost", port, TRUST_CA, 1, &stream), 0);
    echo_round_trip(stream);
    uint64_t error = 77;
    CHECK_EQ(lunatic_networking_tls_flush(stream, &error), 0);
    CHECK_EQ(error, 0);
    expect_clean_end(stream);
    lunatic_networking_drop_tls_stream(stream);

    CHECK_EQ(connect_to("127.0.0.1", port, TRUST_CA, 1, &stream), 0);
    echo_round_trip(stream);
    lunatic_networking_drop_tls_stream(stream);
}

static uint8_t big[BIG];

ENTRY(big_reader)(int64_t parent) {
    uint64_t stream = take_stream();
    lunatic_networking_set_tls_read_timeout(stream, WAIT_MS);
    read_exact(stream, big, BIG);
    for (uint32_t i = 0; i < BIG; i++)
        if (big[i] != pattern(i)) {
            fprintf(stderr, "byte %u of the echo is %u, not %u\n", i, big[i], pattern(i));
            CHECK(0);
        }
    SEND((uint64_t)parent, TAG_READ_ALL, BIG);
}

static void test_big_transfer(uint32_t port) {
    uint64_t stream = 0;
    CHECK_EQ(connect_to("localhost", port, TRUST_CA, 1, &stream), 0);
    give_stream(SPAWN_HELPER("big_reader"), lunatic_networking_clone_tls_stream(stream));
    for (uint32_t i = 0; i < BIG; i++)
        big[i] = pattern(i);
    lunatic_networking_set_tls_write_timeout(stream, WAIT_MS);
    CHECK(write_all(stream, big, BIG));
    EXPECT_MSG(TAG_READ_ALL);
    CHECK_EQ(READ_U64(), BIG);
    expect_clean_end(stream);
    lunatic_networking_drop_tls_stream(stream);
}

static void test_timeouts(uint32_t port) {
    uint64_t stream = 0;
    CHECK_EQ(connect_to("localhost", port, TRUST_CA, 1, &stream), 0);
    CHECK_EQ(lunatic_networking_get_tls_read_timeout(stream), -1);
    CHECK_EQ(lunatic_networking_get_tls_write_timeout(stream), -1);
    lunatic_networking_set_tls_write_timeout(stream, 250);
    CHECK_EQ(lunatic_networking_get_tls_write_timeout(stream), 250);
    lunatic_networking_set_tls_read_timeout(stream, 50);
    uint64_t clone = lunatic_networking_clone_tls_stream(stream);
    CHECK_EQ(lunatic_networking_get_tls_read_timeout(clone), 50); /* shared by clones */

    uint8_t byte;
    uint64_t got = 77;
    int64_t start = now_ms();
    CHECK_EQ(lunatic_networking_tls_read(stream, &byte, 1, &got), LUNATIC_TIMEOUT);
    CHECK(now_ms() - start >= 49);
    CHECK_EQ(got, 77); /* nothing written */

    lunatic_networking_set_tls_read_timeout(stream, -1);
    CHECK_EQ(lunatic_networking_get_tls_read_timeout(stream), -1);
    echo_round_trip(clone);
    lunatic_networking_drop_tls_stream(clone);
    lunatic_networking_drop_tls_stream(stream);
}

static void test_refused_handshakes(uint32_t port, uint32_t port2) {
    uint64_t id = 0;
    /* The certificate names 127.0.0.1 and localhost, not 127.0.0.2. */
    CHECK_EQ(connect_to("127.0.0.2", port2, TRUST_CA, 1, &id), 1);
    expect_error_containing(id, "mismatch");
    expect_handshake_failed(2, "alert bad certificate");

    static const lunatic_pem trust_other[1] = {{PEM(OTHER_CA_CRT)}};
    CHECK_EQ(connect_to("localhost", port, trust_other, 1, &id), 1);
    expect_error_containing(id, "certificate verify failed");
    expect_handshake_failed(1, "alert unknown ca");

    CHECK_EQ(connect_to("localhost", port, NULL, 0, &id), 1); /* the system's roots */
    expect_error_containing(id, "certificate verify failed");
    expect_handshake_failed(1, "alert unknown ca");

    /* One entry out of bounds: the list is ignored, the system's roots apply. */
    const lunatic_pem out_of_bounds[2] = {{PEM(CA_CRT)}, {(const char*)0xFFFFFF00u, 1000}};
    CHECK_EQ(connect_to("localhost", port, out_of_bounds, 2, &id), 1);
    expect_error_containing(id, "certificate verify failed");
    expect_handshake_failed(1, "alert unknown ca");

    /* An entry that is no certificate is skipped. */
    static const char junk[] =
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
    const lunatic_pem with_junk[3] = {{junk, sizeof junk - 1}, {"", 0}, {PEM(CA_CRT)}};
    uint64_t stream = 0;
    CHECK_EQ(connect_to("localhost", port, with_junk, 3, &stream), 0);
    echo_round_trip(stream);
    lunatic_networking_drop_tls_stream(stream);
}

/* ---- clients that stall ---------------------------------------------------------------- */

#define RELAY_PAUSE_AFTER 16

/* Copies what `from` sends to `to` until either fails or `from` ends; one byte per write
   with `slowly`, after RELAY_PAUSE_AFTER of them telling `root` and waiting for its go. */
static void relay(uint64_t from, uint64_t to, int slowly, int64_t root) {
    static uint8_t buffer[4096];
    uint64_t relayed = 0;
    for (;;) {
        uint64_t n = 0;
        if (lunatic_networking_tcp_read(from, buffer, sizeof buffer, &n) != 0 || n == 0) return;
        for (uint64_t at = 0; at < n;) {
            if (slowly && relayed == 0) CHECK_EQ(buffer[0], 0x16); /* a handshake record */
            if (slowly && relayed == RELAY_PAUSE_AFTER) {
                SEND((uint64_t)root, TAG_RELAY_PAUSED, relayed);
                /* Longer than the root waits for the other clients: a stall shows there. */
                int64_t tags[2] = {TAG_RELAY_GO, HELPER_LINK};
                CHECK_EQ(lunatic_message_receive(tags, 2, 3 * WAIT_MS), LUNATIC_DATA_MESSAGE);
            }
            lunatic_ciovec iov = {buffer + at, slowly ? 1u : (uint32_t)(n - at)};
            uint64_t written = 0;
            if (lunatic_networking_tcp_write_vectored(to, &iov, 1, &written) != 0) return;
            at += written;
            relayed += written;
            if (slowly) lunatic_process_sleep_ms(1);
        }
    }
}

ENTRY(relay_back)(int64_t parent) {
    (void)parent;
    EXPECT_MSG(TAG_STREAM);
    uint64_t from = lunatic_message_take_tcp_stream(0);
    uint64_t to = lunatic_message_take_tcp_stream(1);
    relay(from, to, 0, 0);
}

/* A TCP relay between one client and the TLS server on `port`: its own port goes to the
   root; the client's bytes go on one at a time (relay()), the server's at once. */
ENTRY(slow_relay)(int64_t root, int64_t port) {
    uint16_t own_port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &own_port);
    SEND((uint64_t)root, TAG_RELAY_PORT, own_port);
    uint64_t client = ACCEPT(listener, NULL);
    uint64_t server = CONNECT_LOOPBACK(4, (uint16_t)port);
    lunatic_message_create_data(TAG_STREAM, 0);
    lunatic_message_push_tcp_stream(lunatic_networking_clone_tcp_stream(server));
    lunatic_message_push_tcp_stream(lunatic_networking_clone_tcp_stream(client));
    CHECK_EQ(lunatic_message_send(SPAWN_HELPER("relay_back")), 0);
    relay(client, server, 1, root);
}

/* A TLS client of `port` (the relay's, for the slow one) with one echo round. */
ENTRY(echo_client)(int64_t root, int64_t port) {
    uint64_t stream = 0;
    CHECK_EQ(connect_to("localhost", (uint32_t)port, TRUST_CA, 1, &stream), 0);
    echo_round_trip(stream);
    expect_clean_end(stream);
    lunatic_networking_drop_tls_stream(stream);
    SEND((uint64_t)root, TAG_ECHOED, (uint64_t)port);
}

/* Starts a TLS client (echo_client) whose ClientHello goes to `port` through slow_relay, and
   waits until the relay holds back the rest of it. Returns the relay's pid, and its port at
   *relay_port. */
static uint64_t start_slow_client(uint32_t port, uint64_t* relay_port) {
    const uint64_t relay_pid =
        SPAWN(HELPER_LINK, LUNATIC_SELF_CONFIG, "slow_relay", (int64_t)self_pid(), (int64_t)port);
    EXPECT_MSG(TAG_RELAY_PORT);
    *relay_port = READ_U64();
    SPAWN_HELPER("echo_client", (int64_t)*relay_port);
    EXPECT_MSG(TAG_RELAY_PAUSED);
    CHECK_EQ(READ_U64(), RELAY_PAUSE_AFTER);
    return relay_pid;
}

static void test_stalled_clients(uint32_t port) {
    /* Both reach the server's backlog before the others: a plain TCP client that sends
       nothing, and a TLS client whose ClientHello stops after 16 bytes. */
    uint64_t silent = CONNECT_LOOPBACK(4, (uint16_t)port);
    uint64_t relay_port = 0;
    const uint64_t relay_pid = start_slow_client(port, &relay_port);

    for (int i = 0; i < 2; i++)
        SPAWN_HELPER("echo_client", (int64_t)port);
    for (int i = 0; i < 2; i++) {
        EXPECT_MSG(TAG_ECHOED);
        CHECK_EQ(READ_U64(), port);
    }
    /* The silent client is still connected, and the slow one not done. */
    uint8_t byte;
    uint64_t got = 77;
    lunatic_networking_set_read_timeout(silent, 0);
    CHECK_EQ(lunatic_networking_tcp_read(silent, &byte, 1, &got), LUNATIC_TIMEOUT);
    CHECK_EQ(lunatic_receive_tag(TAG_ECHOED, 0), LUNATIC_TIMEOUT);

    SEND(relay_pid, TAG_RELAY_GO, 0);
    EXPECT_MSG(TAG_ECHOED);
    CHECK_EQ(READ_U64(), relay_port);

    lunatic_networking_drop_tcp_stream(silent);
    expect_handshake_failed(1, "unexpected eof");
}

/* The stream's calls time out in an unfinished handshake, which the next call goes on with. */
static void test_handshake_timeouts(void) {
    uint32_t port = 0;
    uint64_t listener = bind_listener(1, &port);
    uint64_t relay_port = 0;
    const uint64_t relay_pid = start_slow_client(port, &relay_port);
    uint64_t stream = 0, peer = 0;
    CHECK_EQ(lunatic_networking_tls_accept(listener, &stream, &peer), 0);
    lunatic_networking_drop_dns_iterator(peer);

    /* The ClientHello is not all there. */
    lunatic_networking_set_tls_read_timeout(stream, 50);
    lunatic_networking_set_tls_write_timeout(stream, 50);
    uint8_t buffer[16];
    uint64_t out = 77;
    CHECK_EQ(lunatic_networking_tls_read(stream, buffer, sizeof buffer, &out), LUNATIC_TIMEOUT);
    lunatic_ciovec iov = {"x", 1};
    CHECK_EQ(lunatic_networking_tls_write_vectored(stream, &iov, 1, &out), LUNATIC_TIMEOUT);
    CHECK_EQ(out, 77);
    CHECK_EQ(lunatic_networking_tls_flush(stream, &out), 1); /* tls_flush has no 9027 */
    expect_error_containing(out, "the write timeout (50 ms) passed before the TLS handshake");

    /* With the rest of it, the next read finishes the handshake and gets the client's data. */
    SEND(relay_pid, TAG_RELAY_GO, 0);
    lunatic_networking_set_tls_read_timeout(stream, WAIT_MS);
    lunatic_networking_set_tls_write_timeout(stream, WAIT_MS);
    read_exact(stream, buffer, 10);
    CHECK(memcmp(buffer, "hello, TLS", 10) == 0);
    CHECK(write_all(stream, buffer, 10));
    read_exact(stream, buffer, 4);
    CHECK(memcmp(buffer, "quit", 4) == 0);
    lunatic_networking_drop_tls_stream(stream);
    EXPECT_MSG(TAG_ECHOED);
    CHECK_EQ(READ_U64(), relay_port);
    lunatic_networking_drop_tls_listener(listener);
}

static void test_connect_errors(void) {
    uint64_t id = 0;
    CHECK_EQ(connect_to("not a host name", 443, TRUST_CA, 1, &id), 1);
    expect_error_containing(id, "not a valid server name");
    CHECK_EQ(connect_to("", 443, TRUST_CA, 1, &id), 1);
    expect_error_containing(id, "not a valid server name");

    /* A port that was just free again: nobody listens there. */
    uint32_t port = 0;
    lunatic_networking_drop_tls_listener(bind_listener(1, &port));
    CHECK_EQ(connect_to("127.0.0.1", port, TRUST_CA, 1, &id), 1);
    expect_error_containing(id, "Connection refused (os error 111)");
}

static void expect_bind_error(const char* cert, uint32_t cert_len, const char* key,
                              uint32_t key_len, const char* part) {
    const uint8_t address[4] = {127, 0, 0, 1};
    uint64_t id = 0;
    CHECK_EQ(lunatic_networking_tls_bind(4, address, 0, 0, 0, &id, cert, cert_len, key, key_len),
             1);
    expect_error_containing(id, part);
}

static void test_bind_errors(void) {
    static const char garbage[] = "this is no PEM text at all";
    expect_bind_error(garbage, sizeof garbage - 1, PEM(SERVER_KEY), "holds 0 certificates");
    static const char broken[] = "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n";
    expect_bind_error(broken, sizeof broken - 1, PEM(SERVER_KEY), "malformed");

    static char two[sizeof SERVER_CRT + sizeof CA_CRT];
    memcpy(two, SERVER_CRT, sizeof SERVER_CRT);
    memcpy(two + sizeof SERVER_CRT, CA_CRT, sizeof CA_CRT);
    expect_bind_error(two, sizeof two, PEM(SERVER_KEY), "holds 2 certificates");

    expect_bind_error(PEM(SERVER_CRT), garbage, sizeof garbage - 1, "holds 0 PKCS#8");
    static const char sec1[] =
        "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n";
    expect_bind_error(PEM(SERVER_CRT), sec1, sizeof sec1 - 1, "holds 0 PKCS#8");
    expect_bind_error(PEM(SERVER_CRT), PEM(OTHER_CA_KEY), "does not belong");
}

/* ---- traps ----------------------------------------------------------------------------- */

static uint8_t scratch[64];

/* The trapping children take (parent, a, b). This one calls function number a with an id no
   table holds. */
ENTRY(trap_unknown_id)(int64_t parent, int64_t which, int64_t unused) {
    (void)unused;
    uint64_t out, peer;
    lunatic_ciovec iov = {scratch, 8};
    child_reached(parent);
    switch (which) {
    case 0: lunatic_networking_tls_read(UNKNOWN_ID, scratch, 8, &out); break;
    case 1: lunatic_networking_tls_write_vectored(UNKNOWN_ID, &iov, 1, &out); break;
    case 2: lunatic_networking_tls_flush(UNKNOWN_ID, &out); break;
    case 3: lunatic_networking_clone_tls_stream(UNKNOWN_ID); break;
    case 4: lunatic_networking_drop_tls_stream(UNKNOWN_ID); break;
    case 5: lunatic_networking_set_tls_read_timeout(UNKNOWN_ID, 5); break;
    case 6: lunatic_networking_set_tls_write_timeout(UNKNOWN_ID, 5); break;
    case 7: lunatic_networking_get_tls_read_timeout(UNKNOWN_ID); break;
    case 8: lunatic_networking_get_tls_write_timeout(UNKNOWN_ID); break;
    case 9: lunatic_networking_tls_accept(UNKNOWN_ID, &out, &peer); break;
    case 10: lunatic_networking_tls_local_addr(UNKNOWN_ID, &out); break;
    case 11: lunatic_networking_drop_tls_listener(UNKNOWN_ID); break;
    }
    child_survived(parent);
}
#define UNKNOWN_ID_FUNCTIONS 12

ENTRY(trap_bind_addr_type)(int64_t parent, int64_t a, int64_t b) {
    (void)a, (void)b;
    const uint8_t address[16] = {127, 0, 0, 1};
    uint64_t id;
    child_reached(parent);
    lunatic_networking_tls_bind(5, address, 0, 0, 0, &id, PEM(SERVER_CRT), PEM(SERVER_KEY));
    child_survived(parent);
}
ENTRY(trap_connect_utf8)(int64_t parent, int64_t a, int64_t b) {
    (void)a, (void)b;
    uint64_t id;
    child_reached(parent);
    lunatic_networking_tls_connect("\xff\xfe", 2, 443, WAIT_MS, &id, TRUST_CA, 1);
    child_survived(parent);
}
/* Connects to `port`, then reads from the stream after dropping it (which = 0) or into a
   buffer out of bounds (which = 1). */
ENTRY(trap_connected)(int64_t parent, int64_t port, int64_t which) {
    uint64_t stream = 0, n;
    CHECK_EQ(connect_to("localhost", (uint32_t)port, TRUST_CA, 1, &stream), 0);
    if (which == 0) lunatic_networking_drop_tls_stream(stream);
    child_reached(parent);
    lunatic_networking_tls_read(stream, which == 0 ? scratch : (void*)0xFFFFFFF0u, 100, &n);
    child_survived(parent);
}

/* Like EXPECT_TRAP, for an entry taking (parent, a, b). */
static void expect_trap_with(const char* entry, int64_t a, int64_t b) {
    int64_t link = next_link_tag_++;
    lunatic_registry_remove(REACHED_NAME_, sizeof REACHED_NAME_ - 1);
    uint64_t id = SPAWN(link, LUNATIC_SELF_CONFIG, entry, (int64_t)self_pid(), a, b);
    int64_t tags[2] = {TAG_SURVIVED, link};
    int32_t r = lunatic_message_receive(tags, 2, WAIT_MS);
    if (r != LUNATIC_LINK_DIED)
        fprintf(stderr, "%s(%lld, %lld) did not trap\n", entry, (long long)a, (long long)b);
    CHECK_EQ(r, LUNATIC_LINK_DIED);
    CHECK_EQ(lunatic_message_get_tag(), link);
    uint64_t node = 1, who = 0;
    CHECK_EQ(lunatic_registry_get(REACHED_NAME_, sizeof REACHED_NAME_ - 1, &node, &who), 0);
    CHECK_EQ(who, id);
}

static void test_traps(uint32_t port) {
    for (int64_t which = 0; which < UNKNOWN_ID_FUNCTIONS; which++)
        expect_trap_with("trap_unknown_id", which, 0);
    expect_trap_with("trap_bind_addr_type", 0, 0);
    expect_trap_with("trap_connect_utf8", 0, 0);
    expect_trap_with("trap_connected", port, 0);
    expect_trap_with("trap_connected", port, 1);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);
    uint32_t port = start_server(1);
    uint32_t port2 = start_server(2);

    test_bind_errors();
    test_connect_errors();
    test_refused_handshakes(port, port2);
    test_echo(port);
    test_big_transfer(port);
    test_timeouts(port);
    test_stalled_clients(port);
    test_handshake_timeouts();
    test_traps(port);
    /* After all of it, the server still serves. */
    test_echo(port);

    puts("ok");
    return 0;
}
