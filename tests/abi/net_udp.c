/*
 * net_udp.c - lunatic::networking UDP: binding, addresses, datagrams, connecting, clones,
 * sockets travelling in messages, the two socket options, and every trap.
 *
 * ABI: §3.3 (status 1 and an error id; udp_peer_addr's 1 and 2), §4 (ids per table, from 0),
 * §5 (a timeout of 0 still makes its one attempt), §10.4 (push/take of UDP sockets),
 * §13 (addresses in, and out as DNS iterators), §20.4 (UDP).
 *
 * All traffic stays on 127.0.0.1 and ::1. Expected behaviour checked here:
 *  - udp_bind gives ids 0, 1, ... in the process's socket table; udp_local_addr gives a
 *    one-address iterator (type 4, 127.0.0.1, the port the system chose), exhausted after it
 *    (resolve_next returns 1 and writes nothing). IPv6 likewise (type 6, ::1, flow info and
 *    scope id 0).
 *  - Bind errors are status 1 with an error id naming the call and the address: a port in
 *    use (os error 98), an address that is not local (192.0.2.1, os error 99).
 *  - udp_peer_addr of a socket that is not connected: 1 with "not connected" (os error 107);
 *    udp_send without a peer: 1 with "Destination address required" (os error 89).
 *  - udp_send_to writes the byte count; udp_receive_from gets the datagram, its length and
 *    the sender as a one-address iterator; an empty datagram arrives as length 0.
 *  - A datagram longer than the buffer is truncated: the buffer holds its start, the byte
 *    after the buffer is untouched, the rest is lost (the next receive gets the next one).
 *  - A datagram too long for UDP (70,000 bytes), and one to an IPv6 address from an IPv4
 *    socket, are status 1 with an error id.
 *  - udp_connect (timeouts 0 and none) returns 0 and writes 0; then udp_peer_addr names the
 *    peer, udp_send reaches it, and the socket receives only from its peer (udp_receive and
 *    udp_receive_from).
 *  - Sending to a port nobody listens on from a connected socket: the next udp_receive_from
 *    is status 1 "Connection refused" and leaves the sender pointer untouched; so is the next
 *    udp_receive after another send (in a child, so a missing error fails within WAIT_MS).
 *  - clone_udp_socket gives a new id for the same socket (same port, receives what is sent
 *    to it); the port stays in use until the last reference is dropped, then binds again.
 *  - A socket pushed into a message and taken by another process works there (it is that
 *    process's socket 0 and echoes a datagram back); a message with an untaken socket that
 *    is discarded closes it; a process killed while it waits in udp_receive ends, and its
 *    socket closes.
 *  - Receives park only the calling process (abi.net_udp.one_worker runs all of this with
 *    one worker: a receive that held the thread would hang the test).
 *  - Broadcast: 0 at first, set to any non-zero value reads 1, back to 0. TTL: set 9 and 255
 *    read back, on IPv4 and IPv6 sockets.
 *  - Traps (children): an unknown id in each of the 13 functions that take one, a socket
 *    dropped twice, a socket used after it was pushed into a message, addr_type 5 in
 *    udp_bind and udp_connect and 0 in udp_send_to, receive and send buffers and out-pointers
 *    out of bounds, a TTL of 0 (the OS refuses it).
 */
#include "check.h"

#define T_SOCKET 150
#define T_RESULT 151
#define T_PORT 152
#define FILLER 0xEEEEEEEEEEEEEEEEull
#define NO_SUCH_SOCKET 12345

static const uint8_t LOOPBACK[4] = {127, 0, 0, 1};
static const uint8_t LOOPBACK6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t NOT_LOCAL[4] = {192, 0, 2, 1}; /* a documentation address */

/* ---- helpers ---------------------------------------------------------------------------- */

/* The text of error `err`, which is dropped; in a static buffer. */
static const char* error_text(uint64_t err) {
    static char text[1024];
    uint32_t size = lunatic_error_string_size(err);
    CHECK(size > 0 && size < sizeof text);
    lunatic_error_to_string(err, text);
    text[size] = 0;
    lunatic_error_drop(err);
    return text;
}

/* Status 1 with an error (read from *err once the call has written it) whose text contains
   each of `parts` (a NULL-ended list). */
static void expect_error_at(int32_t status, const uint64_t* err, const char* const* parts,
                            const char* file, int line) {
    if (status != 1) fprintf(stderr, "status %d, wanted 1\n", (int)status);
    CHECK_AT(status == 1, file, line);
    const char* text = error_text(*err);
    for (; *parts; parts++) {
        if (!strstr(text, *parts)) fprintf(stderr, "error '%s' lacks '%s'\n", text, *parts);
        CHECK_AT(strstr(text, *parts) != NULL, file, line);
    }
}
#define EXPECT_ERROR(status, err, ...)                                                             \
    expect_error_at((status), &(err), (const char* const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)

static int32_t bind_v4(const uint8_t ip[4], uint16_t port, uint64_t* id) {
    *id = FILLER;
    return lunatic_networking_udp_bind(4, ip, port, 0, 0, id);
}

static uint64_t bind_at(int v6, uint16_t port, const char* file, int line) {
    uint64_t id = FILLER;
    int32_t r = v6 ? lunatic_networking_udp_bind(6, LOOPBACK6, port, 0, 0, &id)
                   : lunatic_networking_udp_bind(4, LOOPBACK, port, 0, 0, &id);
    if (r == 1) fprintf(stderr, "udp_bind: %s\n", error_text(id));
    CHECK_AT(r == 0, file, line);
    return id;
}
#define BIND4(port) bind_at(0, (port), __FILE__, __LINE__)
#define BIND6(port) bind_at(1, (port), __FILE__, __LINE__)

typedef struct {
    uint32_t type;
    uint8_t ip[16];
    uint16_t port;
    uint32_t flow_info, scope_id;
} address_t;

/* The one address of iterator `it`, which must be exhausted after it; drops it. */
static address_t only_address_at(uint64_t it, const char* file, int line) {
    address_t a;
    memset(&a, 0xEE, sizeof a);
    CHECK_AT(
        lunatic_networking_resolve_next(it, &a.type, a.ip, &a.port, &a.flow_info, &a.scope_id) == 0,
        file, line);
    address_t after = a;
    CHECK_AT(lunatic_networking_resolve_next(it, &after.type, after.ip, &after.port,
                                             &after.flow_info, &after.scope_id) == 1,
             file, line);
    CHECK_AT(memcmp(&after, &a, sizeof a) == 0, file, line);
    lunatic_networking_drop_dns_iterator(it);
    return a;
}
#define ONLY_ADDRESS(it) only_address_at((it), __FILE__, __LINE__)

static address_t local_address_at(uint64_t sock, const char* file, int line) {
    uint64_t it = FILLER;
    CHECK_AT(lunatic_networking_udp_local_addr(sock, &it) == 0, file, line);
    return only_address_at(it, file, line);
}
#define LOCAL_ADDRESS(sock) local_address_at((sock), __FILE__, __LINE__)

static void expect_loopback_at(const address_t* a, int v6, uint16_t port, const char* file,
                               int line) {
    CHECK_AT(a->type == (v6 ? 6u : 4u), file, line);
    CHECK_AT(memcmp(a->ip, v6 ? LOOPBACK6 : LOOPBACK, v6 ? 16 : 4) == 0, file, line);
    if (!v6) CHECK_AT(a->ip[4] == 0xEE, file, line); /* the rest of the buffer untouched */
    CHECK_AT(a->port == port, file, line);
    CHECK_AT(a->flow_info == (v6 ? 0 : 0xEEEEEEEEu), file, line);
    CHECK_AT(a->scope_id == (v6 ? 0 : 0xEEEEEEEEu), file, line);
}
#define EXPECT_LOOPBACK(a, v6, port) expect_loopback_at(&(a), (v6), (port), __FILE__, __LINE__)

static uint16_t port_of(uint64_t sock) {
    return LOCAL_ADDRESS(sock).port;
}

static void send_to_at(uint64_t sock, const char* text, int v6, uint16_t port, const char* file,
                       int line) {
    uint64_t n = FILLER;
    uint32_t len = (uint32_t)strlen(text);
    int32_t r = v6 ? lunatic_networking_udp_send_to(sock, text, len, 6, LOOPBACK6, port, 0, 0, &n)
                   : lunatic_networking_udp_send_to(sock, text, len, 4, LOOPBACK, port, 0, 0, &n);
    CHECK_AT(r == 0, file, line);
    CHECK_AT(n == len, file, line);
}
#define SEND_TO(sock, text, port) send_to_at((sock), (text), 0, (port), __FILE__, __LINE__)
#define SEND_TO6(sock, text, port) send_to_at((sock), (text), 1, (port), __FILE__, __LINE__)

/* Receives one datagram that must be `text`: with udp_receive, or with udp_receive_from
   (then returns the sender). */
static address_t receive_at(uint64_t sock, const char* text, int from, const char* file, int line) {
    char buf[256];
    uint64_t n = FILLER, it = FILLER;
    int32_t r = from ? lunatic_networking_udp_receive_from(sock, buf, sizeof buf, &n, &it)
                     : lunatic_networking_udp_receive(sock, buf, sizeof buf, &n);
    if (r == 1) fprintf(stderr, "receive: %s\n", error_text(n));
    CHECK_AT(r == 0, file, line);
    CHECK_AT(n == strlen(text) && memcmp(buf, text, n) == 0, file, line);
    address_t sender;
    memset(&sender, 0, sizeof sender);
    if (from)
        sender = only_address_at(it, file, line);
    else
        CHECK_AT(it == FILLER, file, line);
    return sender;
}
#define RECEIVE(sock, text) (void)receive_at((sock), (text), 0, __FILE__, __LINE__)
#define RECEIVE_FROM(sock, text) receive_at((sock), (text), 1, __FILE__, __LINE__)

/* Binds 127.0.0.1:port, retrying for WAIT_MS while a socket that is closing holds it. */
static uint64_t bind_when_free_at(uint16_t port, const char* file, int line) {
    int64_t start = now_ms();
    for (;;) {
        uint64_t id;
        int32_t r = bind_v4(LOOPBACK, port, &id);
        if (r == 0) return id;
        CHECK_AT(r == 1, file, line);
        lunatic_error_drop(id);
        if (now_ms() - start > WAIT_MS) fprintf(stderr, "port %u stays in use\n", port);
        CHECK_AT(now_ms() - start <= WAIT_MS, file, line);
        lunatic_process_sleep_ms(5);
    }
}
#define BIND_WHEN_FREE(port) bind_when_free_at((port), __FILE__, __LINE__)

/* A port nobody listens on: bound, then closed. */
static uint16_t closed_port(void) {
    uint64_t s = BIND4(0);
    uint16_t port = port_of(s);
    lunatic_networking_drop_udp_socket(s);
    return port;
}

/* ---- children ---------------------------------------------------------------------------- */

/* Takes the socket of a T_SOCKET message [index, port], checks its port, echoes one
   datagram back to its sender and reports the id the socket got here. */
ENTRY(e_echo)(int64_t parent) {
    CHECK_EQ(lunatic_receive_tag(T_SOCKET, WAIT_MS), LUNATIC_DATA_MESSAGE);
    uint64_t index = READ_U64();
    uint64_t port = READ_U64();
    uint64_t sock = lunatic_message_take_udp_socket(index);
    CHECK_EQ(port_of(sock), port);
    char buf[64];
    uint64_t n = FILLER, it = FILLER;
    CHECK_EQ(lunatic_networking_udp_receive_from(sock, buf, sizeof buf, &n, &it), 0);
    address_t from = ONLY_ADDRESS(it);
    CHECK_EQ(from.type, 4);
    uint64_t sent = FILLER;
    CHECK_EQ(
        lunatic_networking_udp_send_to(sock, buf, (uint32_t)n, 4, from.ip, from.port, 0, 0, &sent),
        0);
    CHECK_EQ(sent, n);
    SEND((uint64_t)parent, T_RESULT, sock);
}

/* Binds a socket, tells the parent its port and waits in udp_receive for good. */
ENTRY(e_wait_forever)(int64_t parent) {
    uint64_t sock = BIND4(0);
    SEND((uint64_t)parent, T_PORT, port_of(sock));
    char buf[8];
    uint64_t n;
    lunatic_networking_udp_receive(sock, buf, sizeof buf, &n);
    CHECK(0); /* nobody sends to it */
}

/* Connects to a closed port (the parameter) and sends: the receives then report the
   refusal. */
ENTRY(e_refused)(int64_t parent, int64_t port) {
    uint64_t sock = BIND4(0);
    uint64_t err = FILLER;
    CHECK_EQ(lunatic_networking_udp_connect(sock, 4, LOOPBACK, (uint32_t)port, 0, 0,
                                            LUNATIC_NO_TIMEOUT, &err),
             0);
    uint64_t n = FILLER, it = FILLER;
    CHECK_EQ(lunatic_networking_udp_send(sock, "x", 1, &n), 0);
    char buf[8];
    EXPECT_ERROR(lunatic_networking_udp_receive_from(sock, buf, sizeof buf, &n, &it), n,
                 "udp_receive_from: ", "Connection refused (os error 111)");
    CHECK(it == FILLER);
    CHECK_EQ(lunatic_networking_udp_send(sock, "y", 1, &n), 0);
    EXPECT_ERROR(lunatic_networking_udp_receive(sock, buf, sizeof buf, &n), n,
                 "udp_receive: Connection refused (os error 111)");
    SEND((uint64_t)parent, T_RESULT, 0);
}

/* ---- trap scenarios --------------------------------------------------------------------- */

static uint64_t out;
static char buf[64];

#define TRAP_ENTRY(name, ...)                                                                      \
    ENTRY(name)(int64_t parent) {                                                                  \
        child_reached(parent);                                                                     \
        __VA_ARGS__;                                                                               \
        child_survived(parent);                                                                    \
    }

TRAP_ENTRY(t_local_addr_unknown, lunatic_networking_udp_local_addr(NO_SUCH_SOCKET, &out))
TRAP_ENTRY(t_peer_addr_unknown, lunatic_networking_udp_peer_addr(NO_SUCH_SOCKET, &out))
TRAP_ENTRY(t_drop_unknown, lunatic_networking_drop_udp_socket(NO_SUCH_SOCKET))
TRAP_ENTRY(t_receive_unknown, lunatic_networking_udp_receive(NO_SUCH_SOCKET, buf, sizeof buf, &out))
TRAP_ENTRY(t_receive_from_unknown,
           lunatic_networking_udp_receive_from(NO_SUCH_SOCKET, buf, sizeof buf, &out, &out))
TRAP_ENTRY(t_connect_unknown, lunatic_networking_udp_connect(NO_SUCH_SOCKET, 4, LOOPBACK, 9, 0, 0,
                                                             LUNATIC_NO_TIMEOUT, &out))
TRAP_ENTRY(t_clone_unknown, lunatic_networking_clone_udp_socket(NO_SUCH_SOCKET))
TRAP_ENTRY(t_set_broadcast_unknown, lunatic_networking_set_udp_socket_broadcast(NO_SUCH_SOCKET, 1))
TRAP_ENTRY(t_get_broadcast_unknown, lunatic_networking_get_udp_socket_broadcast(NO_SUCH_SOCKET))
TRAP_ENTRY(t_set_ttl_unknown, lunatic_networking_set_udp_socket_ttl(NO_SUCH_SOCKET, 9))
TRAP_ENTRY(t_get_ttl_unknown, lunatic_networking_get_udp_socket_ttl(NO_SUCH_SOCKET))
TRAP_ENTRY(t_send_to_unknown,
           lunatic_networking_udp_send_to(NO_SUCH_SOCKET, "x", 1, 4, LOOPBACK, 9, 0, 0, &out))
TRAP_ENTRY(t_send_unknown, lunatic_networking_udp_send(NO_SUCH_SOCKET, "x", 1, &out))
TRAP_ENTRY(t_bind_addr_type_5, lunatic_networking_udp_bind(5, LOOPBACK, 0, 0, 0, &out))
TRAP_ENTRY(t_bind_id_out_of_bounds,
           lunatic_networking_udp_bind(4, LOOPBACK, 0, 0, 0, (uint64_t*)0xFFFFFFFC))

ENTRY(t_drop_twice)(int64_t parent) {
    uint64_t sock = BIND4(0);
    lunatic_networking_drop_udp_socket(sock);
    child_reached(parent);
    lunatic_networking_drop_udp_socket(sock);
    child_survived(parent);
}

ENTRY(t_used_after_push)(int64_t parent) {
    uint64_t sock = BIND4(0);
    lunatic_message_create_data(0, 0);
    CHECK_EQ(lunatic_message_push_udp_socket(sock), 0);
    child_reached(parent);
    lunatic_networking_udp_send_to(sock, "x", 1, 4, LOOPBACK, 9, 0, 0, &out);
    child_survived(parent);
}

/* The same, with a bound socket `sock` to use. */
#define TRAP_ENTRY_WITH_SOCKET(name, ...)                                                          \
    ENTRY(name)(int64_t parent) {                                                                  \
        uint64_t sock = BIND4(0);                                                                  \
        child_reached(parent);                                                                     \
        __VA_ARGS__;                                                                               \
        child_survived(parent);                                                                    \
    }

TRAP_ENTRY_WITH_SOCKET(t_connect_addr_type_5,
                       lunatic_networking_udp_connect(sock, 5, LOOPBACK, 9, 0, 0, 0, &out))
TRAP_ENTRY_WITH_SOCKET(t_send_to_addr_type_0,
                       lunatic_networking_udp_send_to(sock, "x", 1, 0, LOOPBACK, 9, 0, 0, &out))
TRAP_ENTRY_WITH_SOCKET(t_receive_buffer_out_of_bounds,
                       lunatic_networking_udp_receive(sock, (void*)0xFFFFFFF0, 0x20, &out))
TRAP_ENTRY_WITH_SOCKET(t_send_buffer_out_of_bounds,
                       lunatic_networking_udp_send_to(sock, (void*)0xFFFFFFF0, 0x20, 4, LOOPBACK, 9,
                                                      0, 0, &out))
TRAP_ENTRY_WITH_SOCKET(t_send_count_out_of_bounds,
                       lunatic_networking_udp_send_to(sock, "x", 1, 4, LOOPBACK, 9, 0, 0,
                                                      (uint64_t*)0xFFFFFFFC))
TRAP_ENTRY_WITH_SOCKET(t_set_ttl_zero, lunatic_networking_set_udp_socket_ttl(sock, 0))

ENTRY(t_receive_from_sender_out_of_bounds)(int64_t parent) {
    uint64_t sock = BIND4(0);
    SEND_TO(sock, "x", port_of(sock)); /* a datagram is waiting: the check comes first */
    child_reached(parent);
    lunatic_networking_udp_receive_from(sock, buf, sizeof buf, &out, (uint64_t*)0xFFFFFFFC);
    child_survived(parent);
}

/* ---- root ------------------------------------------------------------------------------- */

static char big[70000];

static void check_binding_and_addresses(void) {
    uint64_t a = BIND4(0), b = BIND4(0);
    CHECK_EQ(a, 0);
    CHECK_EQ(b, 1);
    address_t local = LOCAL_ADDRESS(a);
    CHECK(local.port != 0);
    EXPECT_LOOPBACK(local, 0, local.port);

    /* A port in use, an address that is not local. */
    uint64_t err;
    EXPECT_ERROR(bind_v4(LOOPBACK, local.port, &err), err,
                 "udp_bind on 127.0.0.1:", "(os error 98)");
    EXPECT_ERROR(bind_v4(NOT_LOCAL, 0, &err), err, "udp_bind on 192.0.2.1:0: ", "(os error 99)");

    /* Not connected. */
    err = FILLER;
    EXPECT_ERROR(lunatic_networking_udp_peer_addr(a, &err), err,
                 "udp_peer_addr: ", "not connected (os error 107)");
    uint64_t n = FILLER;
    EXPECT_ERROR(lunatic_networking_udp_send(a, "x", 1, &n), n,
                 "udp_send: Destination address required (os error 89)");

    lunatic_networking_drop_udp_socket(a);
    lunatic_networking_drop_udp_socket(b);
    CHECK_EQ(BIND4(0), 2); /* ids are not reused */
    lunatic_networking_drop_udp_socket(2);
}

static void check_datagrams(void) {
    uint64_t a = BIND4(0), b = BIND4(0);
    uint16_t pa = port_of(a), pb = port_of(b);

    SEND_TO(a, "hello", pb);
    address_t sender = RECEIVE_FROM(b, "hello");
    EXPECT_LOOPBACK(sender, 0, pa);
    SEND_TO(a, "", pb);
    RECEIVE(b, "");

    /* Truncation: the start fits, the rest is lost. */
    SEND_TO(a, "0123456789", pb);
    SEND_TO(a, "next", pb);
    memset(buf, '#', sizeof buf);
    uint64_t n = FILLER;
    CHECK_EQ(lunatic_networking_udp_receive(b, buf, 4, &n), 0);
    CHECK_EQ(n, 4);
    CHECK(memcmp(buf, "0123#", 5) == 0);
    RECEIVE(b, "next");

    /* Datagrams UDP cannot carry, or this socket cannot send. */
    n = FILLER;
    EXPECT_ERROR(lunatic_networking_udp_send_to(a, big, sizeof big, 4, LOOPBACK, pb, 0, 0, &n), n,
                 "udp_send_to 127.0.0.1:", "Message too long (os error 90)");
    EXPECT_ERROR(lunatic_networking_udp_send_to(a, "x", 1, 6, LOOPBACK6, pb, 0, 0, &n), n,
                 "udp_send_to [::1]:", "(os error ");

    /* IPv6. */
    uint64_t x = BIND6(0), y = BIND6(0);
    address_t local6 = LOCAL_ADDRESS(x);
    EXPECT_LOOPBACK(local6, 1, local6.port);
    SEND_TO6(x, "over six", port_of(y));
    sender = RECEIVE_FROM(y, "over six");
    EXPECT_LOOPBACK(sender, 1, local6.port);

    lunatic_networking_drop_udp_socket(a);
    lunatic_networking_drop_udp_socket(b);
    lunatic_networking_drop_udp_socket(x);
    lunatic_networking_drop_udp_socket(y);
}

static void check_connect(void) {
    uint64_t a = BIND4(0), b = BIND4(0), c = BIND4(0);
    uint16_t pa = port_of(a), pb = port_of(b);

    uint64_t written = FILLER;
    CHECK_EQ(lunatic_networking_udp_connect(a, 4, LOOPBACK, pb, 0, 0, 0, &written), 0);
    CHECK_EQ(written, 0);
    written = FILLER;
    CHECK_EQ(lunatic_networking_udp_connect(b, 4, LOOPBACK, pa, 0, 0, LUNATIC_NO_TIMEOUT, &written),
             0);
    CHECK_EQ(written, 0);
    uint64_t it = FILLER;
    CHECK_EQ(lunatic_networking_udp_peer_addr(a, &it), 0);
    address_t peer = ONLY_ADDRESS(it);
    EXPECT_LOOPBACK(peer, 0, pb);

    uint64_t n = FILLER;
    CHECK_EQ(lunatic_networking_udp_send(a, "to the peer", 11, &n), 0);
    CHECK_EQ(n, 11);
    RECEIVE(b, "to the peer");
    /* b hears only a. */
    SEND_TO(c, "from c", pb);
    SEND_TO(a, "from a", pb);
    RECEIVE(b, "from a");
    SEND_TO(c, "from c again", pb);
    CHECK_EQ(lunatic_networking_udp_send(a, "a again", 7, &n), 0);
    address_t sender = RECEIVE_FROM(b, "a again");
    EXPECT_LOOPBACK(sender, 0, pa);

    lunatic_networking_drop_udp_socket(a);
    lunatic_networking_drop_udp_socket(b);
    lunatic_networking_drop_udp_socket(c);

    /* The refusal of a closed port comes back on the next receives. */
    SPAWN_HELPER("e_refused", closed_port());
    EXPECT_MSG(T_RESULT);
}

static void check_clones(void) {
    uint64_t a = BIND4(0), sender = BIND4(0);
    uint16_t pa = port_of(a);
    uint64_t clone = lunatic_networking_clone_udp_socket(a);
    CHECK_EQ(clone, sender + 1);
    CHECK_EQ(port_of(clone), pa);
    SEND_TO(sender, "one", pa);
    RECEIVE(clone, "one");
    SEND_TO(sender, "two", pa);
    RECEIVE(a, "two");

    /* Open until the last reference goes. */
    lunatic_networking_drop_udp_socket(a);
    uint64_t err;
    EXPECT_ERROR(bind_v4(LOOPBACK, pa, &err), err, "(os error 98)");
    SEND_TO(sender, "three", pa);
    RECEIVE(clone, "three");
    lunatic_networking_drop_udp_socket(clone);
    lunatic_networking_drop_udp_socket(BIND_WHEN_FREE(pa));
    lunatic_networking_drop_udp_socket(sender);
}

static void check_transfer(void) {
    /* Another process takes the socket and echoes through it. */
    uint64_t moving = BIND4(0), here = BIND4(0);
    uint16_t port = port_of(moving);
    uint64_t child = SPAWN_HELPER("e_echo");
    lunatic_message_create_data(T_SOCKET, 0);
    uint64_t index = lunatic_message_push_udp_socket(moving);
    CHECK_EQ(index, 0);
    uint64_t data[2] = {index, port};
    CHECK_EQ(lunatic_message_write_data(data, sizeof data), sizeof data);
    CHECK_EQ(lunatic_message_send(child), 0);
    SEND_TO(here, "echo me", port);
    address_t from = RECEIVE_FROM(here, "echo me");
    EXPECT_LOOPBACK(from, 0, port);
    EXPECT_MSG(T_RESULT);
    CHECK_EQ(READ_U64(), 0); /* the child's first UDP socket */
    lunatic_networking_drop_udp_socket(here);

    /* A message nobody takes the socket from closes it. */
    uint64_t lost = BIND4(0);
    port = port_of(lost);
    lunatic_message_create_data(T_SOCKET, 0);
    lunatic_message_push_udp_socket(lost);
    CHECK_EQ(lunatic_message_send(NO_SUCH_PID), 0);
    lunatic_networking_drop_udp_socket(BIND_WHEN_FREE(port));

    /* A process killed while it waits for a datagram ends, and its socket closes. */
    uint64_t waiting = SPAWN(0, LUNATIC_SELF_CONFIG, "e_wait_forever", (int64_t)self_pid());
    CHECK_EQ(lunatic_receive_tag(T_PORT, WAIT_MS), LUNATIC_DATA_MESSAGE);
    port = (uint16_t)READ_U64();
    lunatic_process_kill(waiting);
    WAIT_GONE(waiting);
    lunatic_networking_drop_udp_socket(BIND_WHEN_FREE(port));
}

static void check_options(void) {
    uint64_t a = BIND4(0), v6 = BIND6(0);
    CHECK_EQ(lunatic_networking_get_udp_socket_broadcast(a), 0);
    static const uint32_t broadcast[][2] = {{7, 1}, {0, 0}, {1, 1}}; /* set, read back */
    for (int i = 0; i < 3; i++) {
        lunatic_networking_set_udp_socket_broadcast(a, broadcast[i][0]);
        CHECK_EQ(lunatic_networking_get_udp_socket_broadcast(a), broadcast[i][1]);
    }
    CHECK(lunatic_networking_get_udp_socket_ttl(a) > 0);
    static const uint32_t ttl[] = {9, 255, 17};
    for (int i = 0; i < 3; i++) {
        uint64_t sock = i < 2 ? a : v6;
        lunatic_networking_set_udp_socket_ttl(sock, ttl[i]);
        CHECK_EQ(lunatic_networking_get_udp_socket_ttl(sock), ttl[i]);
    }
    lunatic_networking_drop_udp_socket(a);
    lunatic_networking_drop_udp_socket(v6);
}

static void check_traps(void) {
    static const char* const entries[] = {
        "t_local_addr_unknown",
        "t_peer_addr_unknown",
        "t_drop_unknown",
        "t_receive_unknown",
        "t_receive_from_unknown",
        "t_connect_unknown",
        "t_clone_unknown",
        "t_set_broadcast_unknown",
        "t_get_broadcast_unknown",
        "t_set_ttl_unknown",
        "t_get_ttl_unknown",
        "t_send_to_unknown",
        "t_send_unknown",
        "t_bind_addr_type_5",
        "t_bind_id_out_of_bounds",
        "t_drop_twice",
        "t_used_after_push",
        "t_connect_addr_type_5",
        "t_send_to_addr_type_0",
        "t_receive_buffer_out_of_bounds",
        "t_receive_from_sender_out_of_bounds",
        "t_send_buffer_out_of_bounds",
        "t_send_count_out_of_bounds",
        "t_set_ttl_zero",
    };
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        EXPECT_TRAP(entries[i]);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);
    check_binding_and_addresses();
    check_datagrams();
    check_connect();
    check_clones();
    check_transfer();
    check_options();
    check_traps();
    puts("ok");
    return 0;
}
