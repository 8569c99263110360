/*
 * Helpers of the DNS and TCP guests (net_dns.c, net_tcp.c, net_tcp_transfer.c): error
 * texts, addresses out of DNS iterators, and loopback connections made of a listener, a
 * connected stream and the accepted one. All traffic stays on loopback.
 */
#ifndef TYCHO_ABI_NET_TCP_UTIL_H
#define TYCHO_ABI_NET_TCP_UTIL_H

#include "check.h"

static const uint8_t LOOPBACK_V4[4] = {127, 0, 0, 1};
static const uint8_t LOOPBACK_V6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

/* What out-values hold before a call: a write that should not happen shows. */
#define UNTOUCHED 0xEEEEEEEEEEEEEEEEull

/* The text of error `err` into text[4096], NUL-terminated. */
static inline void error_text_at(uint64_t err, char* text, const char* file, int line) {
    uint32_t size = lunatic_error_string_size(err);
    CHECK_AT(size > 0 && size < 4096, file, line);
    lunatic_error_to_string(err, text);
    text[size] = 0;
}

/* Checks that the text of error `err` contains `needle`, then drops the error. */
static inline void expect_error_text_at(uint64_t err, const char* needle, const char* file,
                                        int line) {
    char text[4096];
    error_text_at(err, text, file, line);
    if (!strstr(text, needle)) fprintf(stderr, "error text '%s' lacks '%s'\n", text, needle);
    CHECK_AT(strstr(text, needle) != NULL, file, line);
    lunatic_error_drop(err);
}
#define EXPECT_ERROR_TEXT(err, needle) expect_error_text_at((err), (needle), __FILE__, __LINE__)

/* One address of a DNS iterator; flow_info and scope_id stay UNTOUCHED (as u32) for IPv4. */
typedef struct {
    uint32_t type;
    uint8_t addr[16];
    uint16_t port;
    uint32_t flow_info;
    uint32_t scope_id;
} net_address;

/* The next address of iterator `iter` (resolve_next returns 0). */
static inline net_address next_address_at(uint64_t iter, const char* file, int line) {
    net_address a;
    memset(&a, 0xEE, sizeof a);
    CHECK_AT(lunatic_networking_resolve_next(iter, &a.type, a.addr, &a.port, &a.flow_info,
                                             &a.scope_id) == 0,
             file, line);
    return a;
}
#define NEXT_ADDRESS(iter) next_address_at((iter), __FILE__, __LINE__)

/* The one address of a one-element iterator, which is then dropped. */
static inline net_address only_address_at(uint64_t iter, const char* file, int line) {
    net_address a = next_address_at(iter, file, line);
    net_address after;
    memset(&after, 0xEE, sizeof after);
    CHECK_AT(lunatic_networking_resolve_next(iter, &after.type, after.addr, &after.port,
                                             &after.flow_info, &after.scope_id) == 1,
             file, line);
    CHECK_AT(after.type == 0xEEEEEEEEu && after.port == 0xEEEE, file, line);
    lunatic_networking_drop_dns_iterator(iter);
    return a;
}
#define ONLY_ADDRESS(iter) only_address_at((iter), __FILE__, __LINE__)

static inline int is_loopback(const net_address* a) {
    if (a->type == 4) return memcmp(a->addr, LOOPBACK_V4, 4) == 0;
    return a->type == 6 && memcmp(a->addr, LOOPBACK_V6, 16) == 0;
}

/* A listener on the loopback address of `family` (4 or 6) with a port the system picks;
   its port at *port. */
static inline uint64_t listen_loopback_at(uint32_t family, uint16_t* port, const char* file,
                                          int line) {
    uint64_t listener = UNTOUCHED;
    const uint8_t* ip = family == 6 ? LOOPBACK_V6 : LOOPBACK_V4;
    int32_t r = lunatic_networking_tcp_bind(family, ip, 0, 0, 0, &listener);
    if (r != 0) fprintf(stderr, "tcp_bind on loopback (IPv%u) returned %d\n", family, (int)r);
    CHECK_AT(r == 0, file, line);
    uint64_t iter = UNTOUCHED;
    CHECK_AT(lunatic_networking_tcp_local_addr(listener, &iter) == 0, file, line);
    net_address a = only_address_at(iter, file, line);
    CHECK_AT(a.type == family && is_loopback(&a) && a.port != 0, file, line);
    *port = a.port;
    return listener;
}
#define LISTEN_LOOPBACK(family, port) listen_loopback_at((family), (port), __FILE__, __LINE__)

/* A stream connected to the loopback address of `family` on `port` (within WAIT_MS). */
static inline uint64_t connect_loopback_at(uint32_t family, uint16_t port, const char* file,
                                           int line) {
    uint64_t stream = UNTOUCHED;
    const uint8_t* ip = family == 6 ? LOOPBACK_V6 : LOOPBACK_V4;
    int32_t r = lunatic_networking_tcp_connect(family, ip, port, 0, 0, WAIT_MS, &stream);
    if (r == 1) {
        char text[4096];
        error_text_at(stream, text, file, line);
        fprintf(stderr, "tcp_connect failed: %s\n", text);
    }
    CHECK_AT(r == 0 && stream != UNTOUCHED, file, line);
    return stream;
}
#define CONNECT_LOOPBACK(family, port) connect_loopback_at((family), (port), __FILE__, __LINE__)

/* The next connection of `listener`; its peer's address at *peer when given. */
static inline uint64_t accept_at(uint64_t listener, net_address* peer, const char* file, int line) {
    uint64_t stream = UNTOUCHED, iter = UNTOUCHED;
    CHECK_AT(lunatic_networking_tcp_accept(listener, &stream, &iter) == 0, file, line);
    CHECK_AT(stream != UNTOUCHED && iter != UNTOUCHED, file, line);
    net_address a = only_address_at(iter, file, line);
    if (peer) *peer = a;
    return stream;
}
#define ACCEPT(listener, peer) accept_at((listener), (peer), __FILE__, __LINE__)

/* Writes all of `text` with tcp_write_vectored (one buffer per call). */
static inline void write_all_at(uint64_t stream, const char* text, const char* file, int line) {
    size_t left = strlen(text);
    while (left > 0) {
        lunatic_ciovec v = {text, (uint32_t)left};
        uint64_t n = UNTOUCHED;
        CHECK_AT(lunatic_networking_tcp_write_vectored(stream, &v, 1, &n) == 0, file, line);
        CHECK_AT(n > 0 && n <= left, file, line);
        text += n;
        left -= (size_t)n;
    }
}
#define WRITE_ALL(stream, text) write_all_at((stream), (text), __FILE__, __LINE__)

/* Reads exactly strlen(expected) bytes and checks they are `expected`; a stream without a
   read timeout gets WAIT_MS for this. */
static inline void read_expect_at(uint64_t stream, const char* expected, const char* file,
                                  int line) {
    char buf[256];
    size_t want = strlen(expected), got = 0;
    CHECK_AT(want <= sizeof buf, file, line);
    int bounded = lunatic_networking_get_read_timeout(stream) == LUNATIC_NO_TIMEOUT;
    if (bounded) lunatic_networking_set_read_timeout(stream, WAIT_MS);
    while (got < want) {
        uint64_t n = UNTOUCHED;
        CHECK_AT(lunatic_networking_tcp_read(stream, buf + got, (uint32_t)(want - got), &n) == 0,
                 file, line);
        CHECK_AT(n > 0 && n <= want - got, file, line); /* not the end of the stream */
        got += (size_t)n;
    }
    if (bounded) lunatic_networking_set_read_timeout(stream, LUNATIC_NO_TIMEOUT);
    CHECK_AT(memcmp(buf, expected, want) == 0, file, line);
}
#define READ_EXPECT(stream, text) read_expect_at((stream), (text), __FILE__, __LINE__)

/* Checks that the peer has closed the connection: a read returns 0 bytes (within WAIT_MS). */
static inline void expect_end_of_stream_at(uint64_t stream, const char* file, int line) {
    char buf[16];
    uint64_t n = UNTOUCHED;
    int64_t before = lunatic_networking_get_read_timeout(stream);
    lunatic_networking_set_read_timeout(stream, WAIT_MS);
    int32_t r = lunatic_networking_tcp_read(stream, buf, sizeof buf, &n);
    if (r != 0 || n != 0)
        fprintf(stderr, "expected the end of the stream: %d, %llu bytes\n", (int)r,
                (unsigned long long)n);
    CHECK_AT(r == 0 && n == 0, file, line);
    lunatic_networking_set_read_timeout(stream, before);
}
#define EXPECT_END_OF_STREAM(stream) expect_end_of_stream_at((stream), __FILE__, __LINE__)

#endif /* TYCHO_ABI_NET_TCP_UTIL_H */
