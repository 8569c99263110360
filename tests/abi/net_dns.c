/*
 * net_dns.c - lunatic::networking resolve, resolve_next, drop_dns_iterator.
 *
 * ABI: §3.3 (status 1 + error id), §4 (ids), §5 (timeouts), §13.2 (iterators), §13.3 (name
 * syntax), §20.1.
 *
 * Expected behaviour checked here:
 *  - IP literals ("127.0.0.1:80", "[::1]:443") need no lookup: one address each, with the
 *    given port; IPv4 leaves flow_info and scope_id untouched, IPv6 writes them (0).
 *  - "localhost:80" (the hosts file) gives addresses that all carry port 80, 127.0.0.1
 *    among them, in one iterator.
 *  - An exhausted iterator returns 1 and writes nothing, again and again; drop frees it.
 *  - A missing port, a bad port, an empty host and an unknown name ("nonexistent.invalid")
 *    return 1 with an error id whose text says what is wrong.
 *  - Timeout 0 on a name that needs a lookup: either an answer (0 and an iterator) or 9027
 *    with the value 0 written at the id pointer; nothing about timing is assumed.
 *  - Traps (in children): resolve_next and drop of an unknown iterator, drop twice, invalid
 *    UTF-8 in the name, a name out of bounds, resolve_next writing out of bounds.
 */
#include "net_tcp_util.h"

static int32_t resolve(const char* name, int64_t timeout, uint64_t* id) {
    return lunatic_networking_resolve(name, (uint32_t)strlen(name), timeout, id);
}

/* The one address `name` resolves to. */
static net_address resolve_one(const char* name) {
    uint64_t iter = UNTOUCHED;
    CHECK_EQ(resolve(name, LUNATIC_NO_TIMEOUT, &iter), 0);
    CHECK(iter != UNTOUCHED);
    return ONLY_ADDRESS(iter);
}

/* resolve fails with status 1 and an error text containing `needle`. */
static void expect_resolve_error(const char* name, const char* needle) {
    uint64_t err = UNTOUCHED;
    int32_t r = resolve(name, LUNATIC_NO_TIMEOUT, &err);
    if (r != 1) fprintf(stderr, "resolve '%s' returned %d\n", name, (int)r);
    CHECK_EQ(r, 1);
    CHECK(err != UNTOUCHED);
    EXPECT_ERROR_TEXT(err, needle);
}

ENTRY(t_next_unknown)(int64_t parent) {
    net_address a;
    child_reached(parent);
    lunatic_networking_resolve_next(7, &a.type, a.addr, &a.port, &a.flow_info, &a.scope_id);
    child_survived(parent);
}

ENTRY(t_drop_unknown)(int64_t parent) {
    child_reached(parent);
    lunatic_networking_drop_dns_iterator(3);
    child_survived(parent);
}

ENTRY(t_drop_twice)(int64_t parent) {
    uint64_t iter = UNTOUCHED;
    CHECK_EQ(resolve("127.0.0.1:1", LUNATIC_NO_TIMEOUT, &iter), 0);
    lunatic_networking_drop_dns_iterator(iter);
    child_reached(parent);
    lunatic_networking_drop_dns_iterator(iter);
    child_survived(parent);
}

ENTRY(t_next_after_drop)(int64_t parent) {
    uint64_t iter = UNTOUCHED;
    net_address a;
    CHECK_EQ(resolve("127.0.0.1:1", LUNATIC_NO_TIMEOUT, &iter), 0);
    lunatic_networking_drop_dns_iterator(iter);
    child_reached(parent);
    lunatic_networking_resolve_next(iter, &a.type, a.addr, &a.port, &a.flow_info, &a.scope_id);
    child_survived(parent);
}

ENTRY(t_invalid_utf8)(int64_t parent) {
    static const char name[] = "\xff\xfe:80";
    uint64_t id = 0;
    child_reached(parent);
    lunatic_networking_resolve(name, sizeof name - 1, LUNATIC_NO_TIMEOUT, &id);
    child_survived(parent);
}

ENTRY(t_name_out_of_bounds)(int64_t parent) {
    uint64_t id = 0;
    child_reached(parent);
    lunatic_networking_resolve((const char*)0xFFFFFFF0u, 64, LUNATIC_NO_TIMEOUT, &id);
    child_survived(parent);
}

ENTRY(t_next_writes_out_of_bounds)(int64_t parent) {
    uint64_t iter = UNTOUCHED;
    net_address a;
    CHECK_EQ(resolve("[::1]:1", LUNATIC_NO_TIMEOUT, &iter), 0);
    child_reached(parent);
    lunatic_networking_resolve_next(iter, &a.type, (uint8_t*)0xFFFFFFF8u, &a.port, &a.flow_info,
                                    &a.scope_id);
    child_survived(parent);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    /* IPv4 literal. */
    net_address v4 = resolve_one("127.0.0.1:80");
    CHECK_EQ(v4.type, 4);
    CHECK(memcmp(v4.addr, LOOPBACK_V4, 4) == 0);
    CHECK_EQ(v4.addr[4], 0xEE); /* the rest of the 16 bytes untouched */
    CHECK_EQ(v4.port, 80);
    CHECK_EQ(v4.flow_info, 0xEEEEEEEEu);
    CHECK_EQ(v4.scope_id, 0xEEEEEEEEu);

    /* IPv6 literal. */
    net_address v6 = resolve_one("[::1]:443");
    CHECK_EQ(v6.type, 6);
    CHECK(memcmp(v6.addr, LOOPBACK_V6, 16) == 0);
    CHECK_EQ(v6.port, 443);
    CHECK_EQ(v6.flow_info, 0);
    CHECK_EQ(v6.scope_id, 0);

    /* A name from the hosts file: every address carries the port; 127.0.0.1 is one. */
    uint64_t iter = UNTOUCHED;
    CHECK_EQ(resolve("localhost:80", LUNATIC_NO_TIMEOUT, &iter), 0);
    int count = 0, saw_v4_loopback = 0;
    for (;;) {
        net_address a;
        memset(&a, 0xEE, sizeof a);
        int32_t r = lunatic_networking_resolve_next(iter, &a.type, a.addr, &a.port, &a.flow_info,
                                                    &a.scope_id);
        if (r == 1) {
            CHECK_EQ(a.type, 0xEEEEEEEEu); /* nothing written */
            CHECK_EQ(a.port, 0xEEEE);
            break;
        }
        CHECK_EQ(r, 0);
        CHECK(a.type == 4 || a.type == 6);
        CHECK_EQ(a.port, 80);
        if (a.type == 4 && memcmp(a.addr, LOOPBACK_V4, 4) == 0) saw_v4_loopback = 1;
        CHECK(++count < 64);
    }
    CHECK(count >= 1);
    CHECK(saw_v4_loopback);
    /* Still exhausted. */
    net_address none;
    memset(&none, 0xEE, sizeof none);
    CHECK_EQ(lunatic_networking_resolve_next(iter, &none.type, none.addr, &none.port,
                                             &none.flow_info, &none.scope_id),
             1);
    CHECK_EQ(none.type, 0xEEEEEEEEu);
    lunatic_networking_drop_dns_iterator(iter);

    /* Names that are wrong, or unknown. */
    expect_resolve_error("localhost", "port is missing");
    expect_resolve_error("127.0.0.1", "port is missing");
    expect_resolve_error("localhost:99999", "'99999' is not a port");
    expect_resolve_error("localhost:http", "'http' is not a port");
    expect_resolve_error(":80", "host is missing");
    expect_resolve_error("[localhost]:80", "not an IPv6 address");
    expect_resolve_error("nonexistent.invalid:80", "nonexistent.invalid");

    /* Timeout 0 with a lookup: an answer or 9027 (and 0 written); either is allowed. */
    uint64_t quick = UNTOUCHED;
    int32_t r = resolve("localhost:8080", 0, &quick);
    if (r == LUNATIC_TIMEOUT) {
        CHECK_EQ(quick, 0);
    } else {
        CHECK_EQ(r, 0);
        CHECK(quick != UNTOUCHED);
        net_address first = NEXT_ADDRESS(quick);
        CHECK_EQ(first.port, 8080);
        lunatic_networking_drop_dns_iterator(quick);
    }
    /* A literal answers even with timeout 0: no lookup to wait for. */
    uint64_t literal = UNTOUCHED;
    CHECK_EQ(resolve("10.1.2.3:7", 0, &literal), 0);
    net_address ten = ONLY_ADDRESS(literal);
    CHECK_EQ(ten.type, 4);
    CHECK_EQ(ten.addr[0], 10);
    CHECK_EQ(ten.addr[3], 3);
    CHECK_EQ(ten.port, 7);

    EXPECT_TRAP("t_next_unknown");
    EXPECT_TRAP("t_drop_unknown");
    EXPECT_TRAP("t_drop_twice");
    EXPECT_TRAP("t_next_after_drop");
    EXPECT_TRAP("t_invalid_utf8");
    EXPECT_TRAP("t_name_out_of_bounds");
    EXPECT_TRAP("t_next_writes_out_of_bounds");

    printf("ok\n");
    return 0;
}
