// For tls_handshake_test.cpp: tls_accept returns before the TLS handshake, which the
// stream's first read performs, so clients that never finish a ClientHello cost the acceptor
// nothing, and a handshake that never finishes leaves no descriptor behind.
//
//   tls_stalled_clients.wasm CERTIFICATE_PEM KEY_PEM
//
// An acceptor process binds 127.0.0.1 and sends the root every stream it accepts. The
// clients are the root's plain TCP streams, so they can stall. For each one the root gets
// the accepted stream (tls_accept returned although the client has sent no complete
// ClientHello) and hands it to a handler process:
//  - a client that sends nothing, and one that sends the first bytes of a TLS record: the
//    handler reads with a 50 ms read timeout and gets 9027, then drops the stream;
//  - a client that sends a ClientHello of length 0: the handler's first read is status 1
//    with "TLS handshake failed: ", and a second read, a write and a flush report the same
//    failure; then it drops the stream;
//  - a client that sends nothing, whose handler reads without a timeout: the root kills it.
// Each client then reads until the end of the connection: the server's socket is closed.
// After a handshake that never finished nothing was sent (no close_notify); after the
// failed one the server's alert came first. Exit status 0 when every step held, else the
// number of the step that failed.
#include "lunatic.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t kLoopback[4] = {127, 0, 0, 1};
#define TAG_STREAM 5
#define TAG_HANDLED 6
#define TAG_PEM 7
#define TAG_PORT 8
#define WAIT_MS 10000

enum Handling { kTimesOut = 0, kFails = 1, kWaitsForever = 2 };

static void require(int condition, int step) {
    if (!condition) exit(step);
}

// The text of error `id` (without the function's name before the first ": ") into `text`;
// the error is dropped.
static void error_text(uint64_t id, char* text, uint32_t size) {
    uint32_t length = lunatic_error_string_size(id);
    require(length > 0 && length < size, 30);
    lunatic_error_to_string(id, text);
    text[length] = 0;
    lunatic_error_drop(id);
    const char* after_name = strstr(text, ": ");
    require(after_name != NULL, 31);
    memmove(text, after_name + 2, strlen(after_name + 2) + 1);
}

// Expects `status` 1 with the failure `expected` (the text after the function's name).
static void require_same_failure(int32_t status, uint64_t id, const char* expected, int step) {
    require(status == 1, step);
    char text[1024];
    error_text(id, text, sizeof text);
    require(strcmp(text, expected) == 0, step);
}

__attribute__((export_name("handler"))) void handler(int64_t parent, int64_t handling) {
    int64_t tag = TAG_STREAM;
    require(lunatic_message_receive(&tag, 1, WAIT_MS) == LUNATIC_DATA_MESSAGE, 40);
    const uint64_t stream = lunatic_message_take_tls_stream(0);
    char buffer[64];
    uint64_t out = 77;
    if (handling == kTimesOut) {
        lunatic_networking_set_tls_read_timeout(stream, 50);
        require(lunatic_networking_tls_read(stream, buffer, sizeof buffer, &out) == LUNATIC_TIMEOUT,
                41);
        require(out == 77, 42);
    } else if (handling == kFails) {
        require(lunatic_networking_tls_read(stream, buffer, sizeof buffer, &out) == 1, 43);
        char first[1024];
        error_text(out, first, sizeof first);
        require(strncmp(first, "TLS handshake failed: ", 22) == 0, 44);
        require(strlen(first) > 22, 45);
        require_same_failure(lunatic_networking_tls_read(stream, buffer, sizeof buffer, &out), out,
                             first, 46);
        lunatic_ciovec iov = {"x", 1};
        require_same_failure(lunatic_networking_tls_write_vectored(stream, &iov, 1, &out), out,
                             first, 47);
        require_same_failure(lunatic_networking_tls_flush(stream, &out), out, first, 48);
    } else {
        lunatic_send_bytes((uint64_t)parent, TAG_HANDLED, "", 0);
        lunatic_networking_tls_read(stream, buffer, sizeof buffer, &out); // until it is killed
        exit(49);
    }
    lunatic_networking_drop_tls_stream(stream);
    lunatic_send_bytes((uint64_t)parent, TAG_HANDLED, "", 0);
}

// Reads from TCP stream `client` until the end of the connection; returns how many bytes
// came before it.
static uint64_t read_until_end(uint64_t client) {
    lunatic_networking_set_read_timeout(client, WAIT_MS);
    uint64_t total = 0;
    for (;;) {
        char buffer[512];
        uint64_t n = 0;
        require(lunatic_networking_tcp_read(client, buffer, sizeof buffer, &n) == 0, 50);
        if (n == 0) return total;
        total += n;
    }
}

// Binds 127.0.0.1 with the certificate and key of the first message (u32 lengths, then the
// texts), tells `root` the port and accepts, sending each stream to `root`, until killed.
__attribute__((export_name("acceptor"))) void acceptor(int64_t root) {
    int64_t tag = TAG_PEM;
    require(lunatic_message_receive(&tag, 1, WAIT_MS) == LUNATIC_DATA_MESSAGE, 60);
    uint32_t lengths[2] = {0, 0};
    require(lunatic_message_read_data(lengths, sizeof lengths) == sizeof lengths, 61);
    char* pem = malloc((size_t)lengths[0] + lengths[1]);
    require(pem != NULL, 62);
    require(lunatic_message_read_data(pem, lengths[0] + lengths[1]) == lengths[0] + lengths[1], 63);
    uint64_t listener = 0, address = 0;
    require(lunatic_networking_tls_bind(4, kLoopback, 0, 0, 0, &listener, pem, lengths[0],
                                        pem + lengths[0], lengths[1]) == 0,
            64);
    free(pem);
    require(lunatic_networking_tls_local_addr(listener, &address) == 0, 65);
    uint32_t type = 0, flow = 0, scope = 0;
    uint8_t ip[16];
    uint16_t port = 0;
    require(lunatic_networking_resolve_next(address, &type, ip, &port, &flow, &scope) == 0, 66);
    lunatic_networking_drop_dns_iterator(address);
    lunatic_send_bytes((uint64_t)root, TAG_PORT, &port, sizeof port);

    for (;;) {
        uint64_t stream = 0, peer = 0;
        require(lunatic_networking_tls_accept(listener, &stream, &peer) == 0, 67);
        lunatic_networking_drop_dns_iterator(peer);
        lunatic_message_create_data(TAG_STREAM, 0);
        lunatic_message_push_tls_stream(stream);
        require(lunatic_message_send((uint64_t)root) == 0, 68);
    }
}

// A plain TCP client of `port` that sends sent[0..sent_len); the acceptor's stream for it
// goes to a handler that handles it as `handling` says. Returns the client's stream and the
// handler's pid at *handler_pid.
static uint64_t serve_client(uint16_t port, const char* sent, uint32_t sent_len,
                             enum Handling handling, uint64_t* handler_pid) {
    uint64_t client = 0;
    require(lunatic_networking_tcp_connect(4, kLoopback, port, 0, 0, WAIT_MS, &client) == 0, 11);
    if (sent_len != 0) {
        lunatic_ciovec iov = {sent, sent_len};
        uint64_t written = 0;
        require(lunatic_networking_tcp_write_vectored(client, &iov, 1, &written) == 0, 12);
        require(written == iov.buf_len, 13);
    }
    // tls_accept returns without waiting for the client's ClientHello.
    require(lunatic_receive_tag(TAG_STREAM, WAIT_MS) == LUNATIC_DATA_MESSAGE, 14);
    const uint64_t stream = lunatic_message_take_tls_stream(0);

    uint8_t params[2 * LUNATIC_PARAM_SIZE];
    lunatic_param_i64(params, (int64_t)lunatic_process_process_id());
    lunatic_param_i64(params + LUNATIC_PARAM_SIZE, handling);
    require(lunatic_spawn_simple(0, "handler", params, 2, handler_pid) == 0, 15);
    lunatic_message_create_data(TAG_STREAM, 0);
    lunatic_message_push_tls_stream(stream);
    require(lunatic_message_send(*handler_pid) == 0, 16);
    return client;
}

static void expect_handled(void) {
    require(lunatic_receive_tag(TAG_HANDLED, WAIT_MS) == LUNATIC_DATA_MESSAGE, 17);
}

int main(int argc, char** argv) {
    require(argc == 3, 10);
    uint8_t params[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(params, (int64_t)lunatic_process_process_id());
    uint64_t acceptor_pid = 0;
    require(lunatic_spawn_simple(0, "acceptor", params, 1, &acceptor_pid) == 0, 18);
    const uint32_t lengths[2] = {(uint32_t)strlen(argv[1]), (uint32_t)strlen(argv[2])};
    lunatic_message_create_data(TAG_PEM, 0);
    lunatic_message_write_data(lengths, sizeof lengths);
    lunatic_message_write_data(argv[1], lengths[0]);
    lunatic_message_write_data(argv[2], lengths[1]);
    require(lunatic_message_send(acceptor_pid) == 0, 19);
    require(lunatic_receive_tag(TAG_PORT, WAIT_MS) == LUNATIC_DATA_MESSAGE, 20);
    uint16_t port = 0;
    require(lunatic_message_read_data(&port, sizeof port) == sizeof port, 21);

    uint64_t pid = 0;
    static const char header_begun[3] = {0x16, 0x03, 0x01}; // of a handshake record
    for (uint32_t sent_len = 0; sent_len <= sizeof header_begun; sent_len += 3) {
        const uint64_t client = serve_client(port, header_begun, sent_len, kTimesOut, &pid);
        expect_handled();
        require(read_until_end(client) == 0, 26);
        lunatic_networking_drop_tcp_stream(client);
    }

    // A handshake record holding a ClientHello of length 0: not TLS.
    static const char empty_hello[9] = {0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00};
    uint64_t client = serve_client(port, empty_hello, sizeof empty_hello, kFails, &pid);
    expect_handled();
    require(read_until_end(client) > 0, 22); // the alert
    lunatic_networking_drop_tcp_stream(client);

    client = serve_client(port, "", 0, kWaitsForever, &pid);
    expect_handled(); // about to read
    lunatic_process_kill(pid);
    require(read_until_end(client) == 0, 23);
    lunatic_networking_drop_tcp_stream(client);

    lunatic_process_kill(acceptor_pid);
    return 0;
}
