/*
 * registry.c - lunatic::registry and lunatic::process::get_or_spawn.
 *
 * ABI: §12 (registry), §11.3 (spawn permission), §16.3 (get_or_spawn), §19.
 *
 * Expected behaviour checked here:
 *  - get of a missing name returns 1 and writes nothing (sentinels unchanged); put stores
 *    any (node, pid) without validation, put again overwrites, remove deletes (also
 *    harmless when absent). Names are exact (ptr, len) byte strings: prefixes do not
 *    match; the empty name and non-ASCII UTF-8 names work.
 *  - The registry is shared with children (both directions), and an entry stays after the
 *    registered process has ended.
 *  - get_or_spawn: the first call spawns (0, node 0, the child's pid, which the child
 *    confirms) and registers the name; later calls return 2 with the stored (node, pid)
 *    without spawning and without examining the other arguments (bad entry name, bad
 *    params length); after put they return the new values; after remove they spawn
 *    again. A failed spawn (initial memory above the config's max_memory) returns 1,
 *    node id 0 and an error id, and registers that error id (§12 quirk). A module whose
 *    start function traps is spawned (status 0): the start function runs in the child.
 *  - get_or_spawn of a registered name needs no permission; of a new name without
 *    can_spawn_processes it traps (in a child with a fresh config).
 *  - Invalid UTF-8 names trap in put, get, remove and get_or_spawn; an out-of-bounds name
 *    traps (in linked children).
 */
#include "check.h"

#define T_PEER 70
#define T_HELLO 71
#define T_REPORT 72
#define SENTINEL 0x5E5E5E5E5E5E5E5Eull

static const char BAD_NAME[] = "bad\xc3\x28name";

/*
 * (module
 *   (func $start unreachable)
 *   (start $start)
 *   (func (export "entry")))
 */
static const unsigned char START_TRAPS[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03,
    0x03, 0x02, 0x00, 0x00, 0x07, 0x09, 0x01, 0x05, 0x65, 0x6e, 0x74, 0x72, 0x79, 0x00, 0x01,
    0x08, 0x01, 0x00, 0x0a, 0x08, 0x02, 0x03, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x0b,
};

ENTRY(e_registry_peer)(int64_t parent) {
    uint64_t node = SENTINEL, pid = SENTINEL;
    int32_t r = lunatic_registry_get_str("from-root", &node, &pid);
    lunatic_registry_put_str("from-child", 0, self_pid());
    SEND((uint64_t)parent, T_PEER, (uint64_t)r, node, pid);
}

/* Registered service: says hello with its pid, then waits to be told to stop. */
ENTRY(e_svc)(int64_t parent) {
    SEND((uint64_t)parent, T_HELLO, self_pid());
    lunatic_receive_any(WAIT_MS);
}

ENTRY(t_put_utf8)(int64_t parent) {
    child_reached(parent);
    lunatic_registry_put(BAD_NAME, sizeof BAD_NAME - 1, 0, 1);
    child_survived(parent);
}

ENTRY(t_get_utf8)(int64_t parent) {
    uint64_t node, pid;
    child_reached(parent);
    lunatic_registry_get(BAD_NAME, sizeof BAD_NAME - 1, &node, &pid);
    child_survived(parent);
}

ENTRY(t_remove_utf8)(int64_t parent) {
    child_reached(parent);
    lunatic_registry_remove(BAD_NAME, sizeof BAD_NAME - 1);
    child_survived(parent);
}

ENTRY(t_get_or_spawn_utf8)(int64_t parent) {
    uint64_t node, pid;
    child_reached(parent);
    lunatic_process_get_or_spawn(BAD_NAME, sizeof BAD_NAME - 1, 0, -1, -1, "e_svc", 5, 0, 0, &node,
                                 &pid);
    child_survived(parent);
}

ENTRY(t_get_oob)(int64_t parent) {
    uint64_t node, pid;
    child_reached(parent);
    lunatic_registry_get((const char*)0xFFFFFF00u, 0x200, &node, &pid);
    child_survived(parent);
}

/* Runs with a fresh config (no permissions). */
ENTRY(t_get_or_spawn_no_permission)(int64_t parent) {
    uint64_t node = SENTINEL, pid = SENTINEL;
    int32_t r = lunatic_process_get_or_spawn("svc2", 4, 0, -1, -1, "e_svc", 5, 0, 0, &node, &pid);
    SEND((uint64_t)parent, T_REPORT, (uint64_t)r, node, pid);
    child_reached(parent);
    uint8_t rec[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(rec, parent);
    lunatic_process_get_or_spawn("a-new-name", 10, 0, -1, -1, "e_svc", 5, rec, sizeof rec, &node,
                                 &pid);
    child_survived(parent);
}

static int32_t get_or_spawn_svc(const char* name, uint64_t* node, uint64_t* pid) {
    uint8_t rec[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(rec, (int64_t)self_pid());
    return lunatic_process_get_or_spawn(name, (uint32_t)strlen(name), HELPER_LINK, -1, -1, "e_svc",
                                        5, rec, sizeof rec, node, pid);
}

static void expect_absent(const char* name, uint32_t len) {
    uint64_t node = SENTINEL, pid = SENTINEL;
    CHECK_EQ(lunatic_registry_get(name, len, &node, &pid), 1);
    CHECK(node == SENTINEL && pid == SENTINEL);
}

static void expect_entry(const char* name, uint32_t len, uint64_t want_node, uint64_t want_pid) {
    uint64_t node = SENTINEL, pid = SENTINEL;
    CHECK_EQ(lunatic_registry_get(name, len, &node, &pid), 0);
    CHECK_EQ(node, want_node);
    CHECK_EQ(pid, want_pid);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);
    uint64_t self = self_pid();

    /* put / get / remove. */
    expect_absent("a", 1);
    lunatic_registry_put("a", 1, 7, 123);
    expect_entry("a", 1, 7, 123);
    lunatic_registry_put("a", 1, 0, self);
    expect_entry("a", 1, 0, self);
    lunatic_registry_put("big", 3, UINT64_MAX, UINT64_MAX - 1); /* no validation */
    expect_entry("big", 3, UINT64_MAX, UINT64_MAX - 1);
    lunatic_registry_remove("a", 1);
    expect_absent("a", 1);
    lunatic_registry_remove("a", 1);
    lunatic_registry_remove("never-there", 11);

    /* Exact byte strings. */
    lunatic_registry_put("ab", 2, 0, 5);
    expect_absent("a", 1);
    expect_absent("abc", 3);
    expect_entry("abc", 2, 0, 5);
    lunatic_registry_put("", 0, 0, 6);
    expect_entry("", 0, 0, 6);
    static const char utf8[] = "h\xc3\xa4"
                               "agen/\xe5\x90\x8d\xe5\x89\x8d";
    lunatic_registry_put(utf8, sizeof utf8 - 1, 1, 8);
    expect_entry(utf8, sizeof utf8 - 1, 1, 8);
    expect_entry("ab", 2, 0, 5);
    expect_entry("", 0, 0, 6);

    /* Shared with children; entries outlive their process. */
    lunatic_registry_put_str("from-root", 0, self);
    uint64_t peer = SPAWN_HELPER("e_registry_peer");
    EXPECT_MSG(T_PEER);
    CHECK_EQ(READ_U64(), 0);
    CHECK_EQ(READ_U64(), 0);
    CHECK_EQ(READ_U64(), self);
    WAIT_GONE(peer);
    expect_entry("from-child", 10, 0, peer);

    /* get_or_spawn: spawns once. */
    uint64_t node = SENTINEL, svc = SENTINEL;
    CHECK_EQ(get_or_spawn_svc("svc", &node, &svc), 0);
    CHECK_EQ(node, 0);
    CHECK(svc != SENTINEL && svc != 0 && svc != self);
    EXPECT_MSG(T_HELLO);
    CHECK_EQ(READ_U64(), svc);
    expect_entry("svc", 3, 0, svc);

    node = SENTINEL;
    uint64_t again = SENTINEL;
    CHECK_EQ(get_or_spawn_svc("svc", &node, &again), 2);
    CHECK_EQ(node, 0);
    CHECK_EQ(again, svc);
    /* The remaining arguments are not examined when the name exists. */
    node = again = SENTINEL;
    CHECK_EQ(lunatic_process_get_or_spawn("svc", 3, 1, 4242, 4242, "no_such_entry", 13, "garbage",
                                          5, &node, &again),
             2);
    CHECK_EQ(node, 0);
    CHECK_EQ(again, svc);
    CHECK_EQ(lunatic_receive_tag(T_HELLO, QUIET_MS), LUNATIC_TIMEOUT); /* no second spawn */

    lunatic_registry_put("svc", 3, 3, 4444);
    node = again = SENTINEL;
    CHECK_EQ(get_or_spawn_svc("svc", &node, &again), 2);
    CHECK_EQ(node, 3);
    CHECK_EQ(again, 4444);

    lunatic_registry_remove("svc", 3);
    uint64_t svc2 = SENTINEL;
    CHECK_EQ(get_or_spawn_svc("svc", &node, &svc2), 0);
    CHECK(svc2 != svc && svc2 != SENTINEL);
    EXPECT_MSG(T_HELLO);
    CHECK_EQ(READ_U64(), svc2);
    expect_entry("svc", 3, 0, svc2);
    SEND(svc, 0, 0);
    SEND(svc2, 0, 0);

    /* A module whose start function traps: the child is spawned and registered (status
       0, node id 0), then fails on its own. */
    uint64_t module = SENTINEL;
    CHECK_EQ(lunatic_process_compile_module(START_TRAPS, sizeof START_TRAPS, &module), 0);
    uint64_t failing = SENTINEL;
    node = SENTINEL;
    CHECK_EQ(lunatic_process_get_or_spawn("svc-fail", 8, 0, -1, (int64_t)module, "entry", 5, 0, 0,
                                          &node, &failing),
             0);
    CHECK_EQ(node, 0);
    CHECK(failing != SENTINEL);
    WAIT_GONE(failing);
    lunatic_process_drop_module((int64_t)module);

    /* A spawn that fails: status 1, node id 0, and the error id is what gets registered. */
    int64_t tiny = lunatic_process_create_config();
    CHECK(tiny >= 0);
    lunatic_process_config_set_max_memory(tiny, 65536);
    uint64_t err = SENTINEL;
    node = SENTINEL;
    CHECK_EQ(lunatic_process_get_or_spawn("svc-err", 7, 0, tiny, -1, "entry", 5, 0, 0, &node, &err),
             1);
    CHECK_EQ(node, 0);
    uint64_t stored = SENTINEL;
    CHECK_EQ(lunatic_registry_get_str("svc-err", &node, &stored), 0);
    CHECK_EQ(stored, err);
    check_error_text_and_drop(err);
    lunatic_registry_remove_str("svc-err");
    lunatic_process_drop_config(tiny);

    /* Permissions: none needed for a registered name, a trap for a new one. */
    lunatic_registry_put("svc2", 4, 0, 777);
    int64_t bare = lunatic_process_create_config();
    CHECK(bare >= 0);
    EXPECT_TRAP_CFG("t_get_or_spawn_no_permission", bare);
    CHECK_EQ(lunatic_receive_tag(T_REPORT, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(READ_U64(), 2);
    CHECK_EQ(READ_U64(), 0);
    CHECK_EQ(READ_U64(), 777);
    expect_absent("a-new-name", 10);
    lunatic_process_drop_config(bare);

    /* Traps. */
    EXPECT_TRAP("t_put_utf8");
    EXPECT_TRAP("t_get_utf8");
    EXPECT_TRAP("t_remove_utf8");
    EXPECT_TRAP("t_get_or_spawn_utf8");
    EXPECT_TRAP("t_get_oob");

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
