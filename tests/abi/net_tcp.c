/*
 * net_tcp.c - the TCP functions of lunatic::networking, all on loopback.
 *
 * ABI: §3.3 (status 1 + error id), §4 (ids), §5 (timeouts), §13 (addresses), §20.2.
 *
 * Expected behaviour checked here:
 *  - tcp_bind on 127.0.0.1 port 0 picks a port; tcp_local_addr gives it in a one-element
 *    iterator. A connection's tcp_peer_addr on either side matches the listener's address
 *    and the address tcp_accept reported. The same over IPv6 (::1).
 *  - tcp_write_vectored sends several buffers in one write and reports the count;
 *    tcp_flush succeeds and writes 0 at its out-pointer; tcp_peek shows data and leaves it
 *    for tcp_read; a read after the peer closed returns 0 (end of stream).
 *  - Stored timeouts start as none (u64::MAX), read back as set, and make tcp_read,
 *    tcp_peek and tcp_write_vectored return 9027 (after at least the timeout, nothing
 *    written) when nothing can move; timeout 0 still tries once.
 *  - A clone is the same connection: it shares the timeouts and the data, and the
 *    connection stays open until the last reference is dropped.
 *  - tcp_connect to a port nobody listens on: 1 and "Connection refused" in the error
 *    text. To a listener whose backlog is full: 9027 after at least the timeout, nothing
 *    written; with timeout 0, 9027 at once.
 *  - Traps (in children): address type 5 (bind, connect); unknown stream and listener ids
 *    for every function; a ciovec buffer out of bounds (nothing of the valid buffers is
 *    sent: the peer reads only the end of the stream), a ciovec array out of bounds, a read
 *    buffer out of bounds.
 */
#include "net_tcp_util.h"

/* What read/peek return when nothing is there and the timeout passes. */
static void expect_timeout(int peek, uint64_t stream, int64_t timeout_ms) {
    char buf[8];
    uint64_t n = UNTOUCHED;
    int64_t start = now_ms();
    int32_t r = peek ? lunatic_networking_tcp_peek(stream, buf, sizeof buf, &n)
                     : lunatic_networking_tcp_read(stream, buf, sizeof buf, &n);
    CHECK_EQ(r, LUNATIC_TIMEOUT);
    CHECK(n == UNTOUCHED);
    CHECK(now_ms() - start >= timeout_ms - 1);
}

/* ---- trap scenarios ------------------------------------------------------------------ */

static uint64_t any_out;
static uint8_t any_buf[16];
static const lunatic_ciovec any_ciovec = {any_buf, 1};

ENTRY(t_bind_type5)(int64_t parent) {
    child_reached(parent);
    lunatic_networking_tcp_bind(5, LOOPBACK_V4, 0, 0, 0, &any_out);
    child_survived(parent);
}

ENTRY(t_connect_type5)(int64_t parent) {
    child_reached(parent);
    lunatic_networking_tcp_connect(5, LOOPBACK_V4, 1, 0, 0, 100, &any_out);
    child_survived(parent);
}

#define UNKNOWN_ID 4242
#define UNKNOWN_ID_TRAP(name, call)                                                                \
    ENTRY(name)(int64_t parent) {                                                                  \
        child_reached(parent);                                                                     \
        call;                                                                                      \
        child_survived(parent);                                                                    \
    }

UNKNOWN_ID_TRAP(t_drop_listener_unknown, lunatic_networking_drop_tcp_listener(UNKNOWN_ID))
UNKNOWN_ID_TRAP(t_local_addr_unknown, lunatic_networking_tcp_local_addr(UNKNOWN_ID, &any_out))
UNKNOWN_ID_TRAP(t_accept_unknown, lunatic_networking_tcp_accept(UNKNOWN_ID, &any_out, &any_out))
UNKNOWN_ID_TRAP(t_peer_addr_unknown, lunatic_networking_tcp_peer_addr(UNKNOWN_ID, &any_out))
UNKNOWN_ID_TRAP(t_drop_stream_unknown, lunatic_networking_drop_tcp_stream(UNKNOWN_ID))
UNKNOWN_ID_TRAP(t_clone_unknown, lunatic_networking_clone_tcp_stream(UNKNOWN_ID))
UNKNOWN_ID_TRAP(t_write_unknown,
                lunatic_networking_tcp_write_vectored(UNKNOWN_ID, &any_ciovec, 1, &any_out))
UNKNOWN_ID_TRAP(t_read_unknown,
                lunatic_networking_tcp_read(UNKNOWN_ID, any_buf, sizeof any_buf, &any_out))
UNKNOWN_ID_TRAP(t_peek_unknown,
                lunatic_networking_tcp_peek(UNKNOWN_ID, any_buf, sizeof any_buf, &any_out))
UNKNOWN_ID_TRAP(t_set_read_unknown, lunatic_networking_set_read_timeout(UNKNOWN_ID, 5))
UNKNOWN_ID_TRAP(t_set_write_unknown, lunatic_networking_set_write_timeout(UNKNOWN_ID, 5))
UNKNOWN_ID_TRAP(t_set_peek_unknown, lunatic_networking_set_peek_timeout(UNKNOWN_ID, 5))
UNKNOWN_ID_TRAP(t_get_read_unknown, lunatic_networking_get_read_timeout(UNKNOWN_ID))
UNKNOWN_ID_TRAP(t_get_write_unknown, lunatic_networking_get_write_timeout(UNKNOWN_ID))
UNKNOWN_ID_TRAP(t_get_peek_unknown, lunatic_networking_get_peek_timeout(UNKNOWN_ID))
UNKNOWN_ID_TRAP(t_flush_unknown, lunatic_networking_tcp_flush(UNKNOWN_ID, &any_out))

/* A stream id is also unknown once dropped, and a listener id once dropped. */
ENTRY(t_stream_after_drop)(int64_t parent) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port);
    uint64_t stream = CONNECT_LOOPBACK(4, port);
    lunatic_networking_drop_tcp_stream(stream);
    child_reached(parent);
    lunatic_networking_tcp_read(stream, any_buf, sizeof any_buf, &any_out);
    (void)listener;
    child_survived(parent);
}

ENTRY(t_listener_after_drop)(int64_t parent) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port);
    lunatic_networking_drop_tcp_listener(listener);
    child_reached(parent);
    lunatic_networking_tcp_accept(listener, &any_out, &any_out);
    child_survived(parent);
}

/* Connects to the parent's listener on `port`, then writes a valid buffer followed by one
   out of bounds: the call must trap before sending anything. */
ENTRY(t_ciovec_out_of_bounds)(int64_t parent, int64_t port) {
    uint64_t stream = CONNECT_LOOPBACK(4, (uint16_t)port);
    lunatic_ciovec v[2] = {{"abc", 3}, {(const void*)0xFFFFFFF0u, 32}};
    child_reached(parent);
    lunatic_networking_tcp_write_vectored(stream, v, 2, &any_out);
    child_survived(parent);
}

ENTRY(t_ciovec_array_out_of_bounds)(int64_t parent) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port);
    uint64_t stream = CONNECT_LOOPBACK(4, port);
    (void)listener;
    child_reached(parent);
    lunatic_networking_tcp_write_vectored(stream, (const lunatic_ciovec*)0xFFFFFFF8u, 2, &any_out);
    child_survived(parent);
}

ENTRY(t_read_buffer_out_of_bounds)(int64_t parent) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port);
    uint64_t stream = CONNECT_LOOPBACK(4, port);
    (void)listener;
    child_reached(parent);
    lunatic_networking_tcp_read(stream, (void*)0xFFFFFFF0u, 64, &any_out);
    child_survived(parent);
}

/* ---- scenarios ----------------------------------------------------------------------- */

/* Listener, both ends of a connection, their addresses, data both ways. */
static void connection_round_trip(uint32_t family) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(family, &port);
    uint64_t client = CONNECT_LOOPBACK(family, port);
    net_address accepted_peer;
    uint64_t server = ACCEPT(listener, &accepted_peer);

    uint64_t iter = UNTOUCHED;
    CHECK_EQ(lunatic_networking_tcp_peer_addr(client, &iter), 0);
    net_address client_peer = ONLY_ADDRESS(iter);
    CHECK_EQ(client_peer.type, family);
    CHECK(is_loopback(&client_peer));
    CHECK_EQ(client_peer.port, port);

    CHECK_EQ(lunatic_networking_tcp_peer_addr(server, &iter), 0);
    net_address server_peer = ONLY_ADDRESS(iter);
    CHECK_EQ(server_peer.type, family);
    CHECK(is_loopback(&server_peer));
    CHECK(memcmp(&server_peer, &accepted_peer, sizeof server_peer) == 0);
    CHECK(server_peer.port != port);

    /* Two buffers, one write. */
    lunatic_ciovec v[3] = {{"hel", 3}, {"", 0}, {"lo", 2}};
    uint64_t n = UNTOUCHED;
    CHECK_EQ(lunatic_networking_tcp_write_vectored(client, v, 3, &n), 0);
    CHECK_EQ(n, 5);
    uint64_t flushed = UNTOUCHED;
    CHECK_EQ(lunatic_networking_tcp_flush(client, &flushed), 0);
    CHECK_EQ(flushed, 0);

    /* Peek shows the data and leaves it. */
    char buf[16];
    memset(buf, 0, sizeof buf);
    n = UNTOUCHED;
    lunatic_networking_set_peek_timeout(server, WAIT_MS);
    CHECK_EQ(lunatic_networking_tcp_peek(server, buf, sizeof buf, &n), 0);
    CHECK(n >= 1 && n <= 5);
    CHECK(memcmp(buf, "hello", (size_t)n) == 0);
    READ_EXPECT(server, "hello");

    WRITE_ALL(server, "back");
    READ_EXPECT(client, "back");

    lunatic_networking_drop_tcp_stream(client);
    EXPECT_END_OF_STREAM(server);
    lunatic_networking_drop_tcp_stream(server);
    lunatic_networking_drop_tcp_listener(listener);
}

static void stored_timeouts(void) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port);
    uint64_t client = CONNECT_LOOPBACK(4, port);
    uint64_t server = ACCEPT(listener, NULL);

    CHECK_EQ(lunatic_networking_get_read_timeout(server), LUNATIC_NO_TIMEOUT);
    CHECK_EQ(lunatic_networking_get_write_timeout(server), LUNATIC_NO_TIMEOUT);
    CHECK_EQ(lunatic_networking_get_peek_timeout(server), LUNATIC_NO_TIMEOUT);
    lunatic_networking_set_read_timeout(server, 40);
    lunatic_networking_set_peek_timeout(server, 30);
    lunatic_networking_set_write_timeout(client, 20);
    CHECK_EQ(lunatic_networking_get_read_timeout(server), 40);
    CHECK_EQ(lunatic_networking_get_peek_timeout(server), 30);
    CHECK_EQ(lunatic_networking_get_write_timeout(server), LUNATIC_NO_TIMEOUT);
    CHECK_EQ(lunatic_networking_get_write_timeout(client), 20);

    expect_timeout(0, server, 40);
    expect_timeout(1, server, 30);
    lunatic_networking_set_read_timeout(server, 0); /* one attempt, nothing there */
    expect_timeout(0, server, 0);

    /* The writer fills what the kernel buffers (nobody reads) until a write times out. */
    static char chunk[65536];
    lunatic_ciovec v = {chunk, sizeof chunk};
    uint64_t total = 0;
    for (;;) {
        uint64_t n = UNTOUCHED;
        int64_t start = now_ms();
        int32_t r = lunatic_networking_tcp_write_vectored(client, &v, 1, &n);
        if (r == LUNATIC_TIMEOUT) {
            CHECK(n == UNTOUCHED);
            CHECK(now_ms() - start >= 20 - 1);
            break;
        }
        CHECK_EQ(r, 0);
        CHECK(n > 0 && n <= sizeof chunk);
        total += n;
        CHECK(total < (1ull << 30)); /* some buffer must fill up */
    }
    CHECK(total > 0);

    /* With data waiting, a read with timeout 0 gets it at once. */
    lunatic_networking_set_read_timeout(server, 0);
    char buf[16];
    uint64_t n = UNTOUCHED;
    CHECK_EQ(lunatic_networking_tcp_read(server, buf, sizeof buf, &n), 0);
    CHECK(n > 0);

    lunatic_networking_set_read_timeout(server, LUNATIC_NO_TIMEOUT);
    CHECK_EQ(lunatic_networking_get_read_timeout(server), LUNATIC_NO_TIMEOUT);
    lunatic_networking_drop_tcp_stream(client);
    lunatic_networking_drop_tcp_stream(server);
    lunatic_networking_drop_tcp_listener(listener);
}

static void clones(void) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port);
    uint64_t client = CONNECT_LOOPBACK(4, port);
    uint64_t server = ACCEPT(listener, NULL);

    uint64_t clone = lunatic_networking_clone_tcp_stream(client);
    CHECK(clone != client);
    lunatic_networking_set_read_timeout(client, 77);
    CHECK_EQ(lunatic_networking_get_read_timeout(clone), 77);
    lunatic_networking_set_write_timeout(clone, 66);
    CHECK_EQ(lunatic_networking_get_write_timeout(client), 66);

    WRITE_ALL(clone, "via clone");
    READ_EXPECT(server, "via clone");
    WRITE_ALL(server, "to both");
    READ_EXPECT(client, "to ");
    READ_EXPECT(clone, "both");

    /* One reference gone: the connection stays open (the server's read times out). */
    lunatic_networking_drop_tcp_stream(client);
    lunatic_networking_set_read_timeout(server, 50);
    expect_timeout(0, server, 50);
    WRITE_ALL(clone, "still here");
    READ_EXPECT(server, "still here");
    /* A clone of a clone, then the last two go: the server reads the end of the stream. */
    uint64_t second = lunatic_networking_clone_tcp_stream(clone);
    lunatic_networking_drop_tcp_stream(clone);
    WRITE_ALL(second, "!");
    READ_EXPECT(server, "!");
    lunatic_networking_drop_tcp_stream(second);
    EXPECT_END_OF_STREAM(server);

    lunatic_networking_drop_tcp_stream(server);
    lunatic_networking_drop_tcp_listener(listener);
}

static void connect_refused(void) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port);
    lunatic_networking_drop_tcp_listener(listener); /* nobody listens there now */
    uint64_t err = UNTOUCHED;
    CHECK_EQ(lunatic_networking_tcp_connect(4, LOOPBACK_V4, port, 0, 0, 5000, &err), 1);
    CHECK(err != UNTOUCHED);
    EXPECT_ERROR_TEXT(err, "Connection refused");
}

/* Up to this many connections fill a listener's backlog (SOMAXCONN is at most 4096 on
   usual systems, and Linux queues one more). */
#define MAX_QUEUED 20000
static uint64_t queued[MAX_QUEUED];

static void connect_timeout(void) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port); /* never accepts */
    const int64_t timeout = 300;
    int count = 0;
    for (;;) {
        CHECK(count < MAX_QUEUED);
        uint64_t id = UNTOUCHED;
        int64_t start = now_ms();
        int32_t r = lunatic_networking_tcp_connect(4, LOOPBACK_V4, port, 0, 0, timeout, &id);
        if (r == LUNATIC_TIMEOUT) {
            CHECK(id == UNTOUCHED);
            CHECK(now_ms() - start >= timeout - 1);
            break;
        }
        CHECK_EQ(r, 0);
        queued[count++] = id;
    }
    /* Timeout 0: one attempt, which cannot complete now. */
    uint64_t id = UNTOUCHED;
    CHECK_EQ(lunatic_networking_tcp_connect(4, LOOPBACK_V4, port, 0, 0, 0, &id), LUNATIC_TIMEOUT);
    CHECK(id == UNTOUCHED);
    for (int i = 0; i < count; i++)
        lunatic_networking_drop_tcp_stream(queued[i]);
    lunatic_networking_drop_tcp_listener(listener);
}

/* The child writes a valid buffer and one out of bounds, and traps: nothing reaches the
   peer, whose read sees the end of the stream once the child's socket closed. */
static void ciovec_trap_sends_nothing(void) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port);
    int64_t link = next_link_tag_++;
    SPAWN(link, LUNATIC_SELF_CONFIG, "t_ciovec_out_of_bounds", (int64_t)self_pid(), (int64_t)port);
    uint64_t server = ACCEPT(listener, NULL);
    int64_t tags[2] = {TAG_SURVIVED, link};
    CHECK_EQ(lunatic_message_receive(tags, 2, WAIT_MS), LUNATIC_LINK_DIED);
    EXPECT_END_OF_STREAM(server);
    lunatic_networking_drop_tcp_stream(server);
    lunatic_networking_drop_tcp_listener(listener);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    connection_round_trip(4);
    connection_round_trip(6);
    stored_timeouts();
    clones();
    connect_refused();
    connect_timeout();
    ciovec_trap_sends_nothing();

    EXPECT_TRAP("t_bind_type5");
    EXPECT_TRAP("t_connect_type5");
    EXPECT_TRAP("t_drop_listener_unknown");
    EXPECT_TRAP("t_local_addr_unknown");
    EXPECT_TRAP("t_accept_unknown");
    EXPECT_TRAP("t_peer_addr_unknown");
    EXPECT_TRAP("t_drop_stream_unknown");
    EXPECT_TRAP("t_clone_unknown");
    EXPECT_TRAP("t_write_unknown");
    EXPECT_TRAP("t_read_unknown");
    EXPECT_TRAP("t_peek_unknown");
    EXPECT_TRAP("t_set_read_unknown");
    EXPECT_TRAP("t_set_write_unknown");
    EXPECT_TRAP("t_set_peek_unknown");
    EXPECT_TRAP("t_get_read_unknown");
    EXPECT_TRAP("t_get_write_unknown");
    EXPECT_TRAP("t_get_peek_unknown");
    EXPECT_TRAP("t_flush_unknown");
    EXPECT_TRAP("t_stream_after_drop");
    EXPECT_TRAP("t_listener_after_drop");
    EXPECT_TRAP("t_ciovec_array_out_of_bounds");
    EXPECT_TRAP("t_read_buffer_out_of_bounds");

    printf("ok\n");
    return 0;
}
