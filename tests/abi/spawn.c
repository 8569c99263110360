/*
 * spawn.c - lunatic::process::spawn, parameter records and entry calls.
 *
 * ABI: §2.2 (initial memory above max_memory), §2.4-2.5 (instantiation, entry call),
 * §4 (process ids), §7.4 (exists), §8.1-8.2 (entry name, 17-byte records), §16.3 (spawn),
 * §21 (error ids).
 *
 * Expected behaviour checked here:
 *  - spawn returns 0 and writes a fresh, increasing, non-zero pid; the child exists
 *    while it waits; entries with no params, one i32, one i64 and (i32, i64, i32)
 *    receive exactly the encoded values.
 *  - i32/i64 records use only the low 32/64 bits: sign-extended, zero-extended and
 *    garbage upper bytes are all accepted.
 *  - A missing entry export, a non-function export ("memory") or an entry whose
 *    parameter list does not match the records: spawn still returns 0, the child fails
 *    at once (linked parent gets a link-died message) and never runs.
 *  - Traps in the caller of spawn (observed in a linked child): type id 0x7D / 0x7C /
 *    0x00, params_len not a multiple of 17, invalid UTF-8 entry name, entry name out of
 *    bounds, unknown config id, unknown module id.
 *  - A config whose max_memory (1 page) is below the module's initial memory makes
 *    instantiation fail: spawn returns 1 with an error id whose text can be read and
 *    dropped.
 * v128 records (0x7B) are not tested: Tycho's engine has no SIMD.
 */
#include "check.h"

#define TAG_GOT 10
#define TAG_REPLY_TO 11
#define TAG_RAN 12

static const char ROOT_NAME[] = "abi.spawn/root";

/* A child whose params do not carry the parent pid gets it in its first message. */
static uint64_t reply_to(void) {
    CHECK_EQ(lunatic_receive_tag(TAG_REPLY_TO, WAIT_MS), LUNATIC_DATA_MESSAGE);
    return READ_U64();
}

ENTRY(e_none)(void) {
    uint64_t parent = reply_to();
    SEND(parent, TAG_GOT, 0xAB, self_pid());
}

ENTRY(e_i32)(int32_t a) {
    uint64_t parent = reply_to();
    SEND(parent, TAG_GOT, (uint64_t)(int64_t)a);
}

ENTRY(e_i64)(int64_t a) {
    uint64_t parent = reply_to();
    SEND(parent, TAG_GOT, (uint64_t)a);
}

ENTRY(e_mixed)(int32_t a, int64_t parent, int32_t b) {
    SEND((uint64_t)parent, TAG_GOT, (uint64_t)(int64_t)a, (uint64_t)(int64_t)b, self_pid());
}

/* Entries used to prove that a mismatching entry is never run: they tell the root
   (found through the registry) that they ran. */
static void report_ran(void) {
    uint64_t node = 0, root = 0;
    CHECK_EQ(lunatic_registry_get_str(ROOT_NAME, &node, &root), 0);
    SEND(root, TAG_RAN, self_pid());
}
ENTRY(e_ran_void)(void) {
    report_ran();
}
ENTRY(e_ran_i32)(int32_t a) {
    (void)a;
    report_ran();
}

/* A record with an arbitrary type id, low 64 bits and filler for bytes 9..16. */
static uint8_t* raw_rec(uint8_t* rec, uint8_t type, uint64_t low, uint8_t fill) {
    rec[0] = type;
    for (int i = 0; i < 8; i++)
        rec[1 + i] = (uint8_t)(low >> (8 * i));
    for (int i = 9; i < LUNATIC_PARAM_SIZE; i++)
        rec[i] = fill;
    return rec + LUNATIC_PARAM_SIZE;
}

static uint64_t last_pid;

static int32_t spawn_raw(int64_t link, const char* entry, const void* params, uint32_t len,
                         uint64_t* id) {
    return lunatic_process_spawn(link, LUNATIC_SELF_CONFIG, LUNATIC_SELF_MODULE, entry,
                                 (uint32_t)strlen(entry), params, len, id);
}

/* Spawns an entry that waits for TAG_REPLY_TO, checks the pid, tells it where to reply
   and leaves its TAG_GOT answer in the slot. */
static uint64_t spawn_and_ask(const char* entry, const void* params, uint32_t len) {
    uint64_t id = 0;
    CHECK_EQ(spawn_raw(HELPER_LINK, entry, params, len, &id), 0);
    CHECK(id != 0);
    CHECK(id != self_pid());
    CHECK(id > last_pid); /* per-environment counter, never reused (§4) */
    last_pid = id;
    CHECK_EQ(lunatic_process_exists(id), 1); /* it is waiting for our message */
    SEND(id, TAG_REPLY_TO, self_pid());
    EXPECT_MSG(TAG_GOT);
    return id;
}

static void check_i32(const uint8_t rec[LUNATIC_PARAM_SIZE], int32_t expected) {
    spawn_and_ask("e_i32", rec, LUNATIC_PARAM_SIZE);
    CHECK_EQ(READ_U64(), (uint64_t)(int64_t)expected);
}

static void check_i64(const uint8_t rec[LUNATIC_PARAM_SIZE], int64_t expected) {
    spawn_and_ask("e_i64", rec, LUNATIC_PARAM_SIZE);
    CHECK_EQ(READ_U64(), (uint64_t)expected);
}

/* The spawn succeeds but the child fails before running any guest code of the entry. */
static int64_t next_fail_tag = 200;
static void expect_start_failure(const char* entry, const void* params, uint32_t len) {
    int64_t link = next_fail_tag++;
    uint64_t id = 0;
    int32_t r = spawn_raw(link, entry, params, len, &id);
    if (r != 0) fprintf(stderr, "spawn of '%s' (%u bytes) returned %d\n", entry, len, (int)r);
    CHECK_EQ(r, 0);
    CHECK(id != 0);
    int64_t tags[2] = {link, TAG_RAN};
    r = lunatic_message_receive(tags, 2, WAIT_MS);
    if (r != LUNATIC_LINK_DIED)
        fprintf(stderr, "entry '%s' with %u param bytes: expected a failing child, got %d\n", entry,
                len, (int)r);
    CHECK_EQ(r, LUNATIC_LINK_DIED);
    CHECK_EQ(lunatic_message_get_tag(), link);
    CHECK_EQ(lunatic_message_get_process_id(), 0);
}

/* ---- trap scenarios: the spawning child must die --------------------------------------- */

static void spawn_expecting_trap(int64_t parent, const char* name, uint32_t name_len,
                                 const void* params, uint32_t len) {
    uint64_t id = 0;
    child_reached(parent);
    lunatic_process_spawn(0, LUNATIC_SELF_CONFIG, LUNATIC_SELF_MODULE, name, name_len, params, len,
                          &id);
    child_survived(parent);
}

ENTRY(t_type_f32)(int64_t parent) {
    uint8_t rec[LUNATIC_PARAM_SIZE];
    raw_rec(rec, 0x7D, 1, 0);
    spawn_expecting_trap(parent, "e_ran_i32", 9, rec, sizeof rec);
}

ENTRY(t_type_f64)(int64_t parent) {
    uint8_t rec[LUNATIC_PARAM_SIZE];
    raw_rec(rec, 0x7C, 1, 0);
    spawn_expecting_trap(parent, "e_ran_i32", 9, rec, sizeof rec);
}

ENTRY(t_type_zero)(int64_t parent) {
    uint8_t rec[LUNATIC_PARAM_SIZE];
    raw_rec(rec, 0x00, 1, 0);
    spawn_expecting_trap(parent, "e_ran_i32", 9, rec, sizeof rec);
}

ENTRY(t_second_record_bad)(int64_t parent) {
    uint8_t recs[2 * LUNATIC_PARAM_SIZE];
    raw_rec(raw_rec(recs, LUNATIC_PARAM_I32, 1, 0), 0x7D, 1, 0);
    spawn_expecting_trap(parent, "e_ran_i32", 9, recs, sizeof recs);
}

ENTRY(t_len_16)(int64_t parent) {
    uint8_t rec[LUNATIC_PARAM_SIZE];
    raw_rec(rec, LUNATIC_PARAM_I32, 1, 0);
    spawn_expecting_trap(parent, "e_ran_i32", 9, rec, 16);
}

ENTRY(t_len_18)(int64_t parent) {
    uint8_t recs[2 * LUNATIC_PARAM_SIZE];
    raw_rec(raw_rec(recs, LUNATIC_PARAM_I32, 1, 0), LUNATIC_PARAM_I32, 2, 0);
    spawn_expecting_trap(parent, "e_ran_i32", 9, recs, 18);
}

ENTRY(t_name_utf8)(int64_t parent) {
    static const char bad[] = "e_none\xff\xfe";
    spawn_expecting_trap(parent, bad, sizeof bad - 1, 0, 0);
}

ENTRY(t_name_oob)(int64_t parent) {
    spawn_expecting_trap(parent, (const char*)0xFFFFFF00u, 0x80, 0, 0);
}

ENTRY(t_bad_config)(int64_t parent) {
    uint64_t id = 0;
    child_reached(parent);
    lunatic_process_spawn(0, 12345, LUNATIC_SELF_MODULE, "e_none", 6, 0, 0, &id);
    child_survived(parent);
}

ENTRY(t_bad_module)(int64_t parent) {
    uint64_t id = 0;
    child_reached(parent);
    lunatic_process_spawn(0, LUNATIC_SELF_CONFIG, 12345, "e_none", 6, 0, 0, &id);
    child_survived(parent);
}

extern char __heap_base;

int main(void) {
    lunatic_process_die_when_link_dies(0);
    lunatic_registry_put_str(ROOT_NAME, 0, self_pid());
    uint8_t recs[4 * LUNATIC_PARAM_SIZE];
    uint8_t* p;

    /* No parameters (params_len 0, pointer not read). */
    uint64_t id = spawn_and_ask("e_none", 0, 0);
    CHECK_EQ(READ_U64(), 0xAB);
    CHECK_EQ(READ_U64(), id); /* the child's process_id() equals the written pid */

    /* One i32: sign-extended, zero-extended and garbage upper bytes. */
    raw_rec(recs, LUNATIC_PARAM_I32, 0x7FFFFFFF, 0x00);
    check_i32(recs, 0x7FFFFFFF);
    lunatic_param_i32(recs, -1);
    check_i32(recs, -1);
    raw_rec(recs, LUNATIC_PARAM_I32, 0xFFFE1DC0u, 0x00); /* -123456, upper bytes zero */
    check_i32(recs, -123456);
    raw_rec(recs, LUNATIC_PARAM_I32, 0x5A5A5A5A00000007ull, 0x5A); /* garbage above bit 31 */
    check_i32(recs, 7);

    /* One i64. */
    lunatic_param_i64(recs, 0x0123456789ABCDEFll);
    check_i64(recs, 0x0123456789ABCDEFll);
    lunatic_param_i64(recs, -2); /* sign-extended to 128 bits */
    check_i64(recs, -2);
    raw_rec(recs, LUNATIC_PARAM_I64, (uint64_t)-2, 0x00); /* upper 8 bytes zero */
    check_i64(recs, -2);
    raw_rec(recs, LUNATIC_PARAM_I64, (uint64_t)INT64_MIN, 0xA5);
    check_i64(recs, INT64_MIN);

    /* Mixed (i32, i64, i32). */
    p = lunatic_param_i32(recs, -5);
    p = lunatic_param_i64(p, (int64_t)self_pid());
    lunatic_param_i32(p, 0x12345678);
    CHECK_EQ(spawn_raw(HELPER_LINK, "e_mixed", recs, 3 * LUNATIC_PARAM_SIZE, &id), 0);
    CHECK(id > last_pid);
    last_pid = id;
    EXPECT_MSG(TAG_GOT);
    CHECK_EQ(READ_U64(), (uint64_t)-5);
    CHECK_EQ(READ_U64(), 0x12345678);
    CHECK_EQ(READ_U64(), id);

    /* The detection used below works: a matching entry does run. */
    lunatic_param_i32(recs, 3);
    CHECK_EQ(spawn_raw(HELPER_LINK, "e_ran_i32", recs, LUNATIC_PARAM_SIZE, &id), 0);
    EXPECT_MSG(TAG_RAN);
    CHECK_EQ(READ_U64(), id);

    /* Missing, non-function and mismatching entries: spawn returns 0, the child fails. */
    expect_start_failure("no_such_entry", 0, 0);
    expect_start_failure("memory", 0, 0);
    expect_start_failure("e_ran_i32", 0, 0); /* too few */
    lunatic_param_i32(recs, 1);
    expect_start_failure("e_ran_void", recs, LUNATIC_PARAM_SIZE); /* too many */
    lunatic_param_i64(recs, 1);
    expect_start_failure("e_ran_i32", recs, LUNATIC_PARAM_SIZE); /* wrong type */
    lunatic_param_i32(lunatic_param_i32(recs, 1), 2);
    expect_start_failure("e_ran_i32", recs, 2 * LUNATIC_PARAM_SIZE); /* too many */
    lunatic_param_i64(lunatic_param_i32(recs, 1), 2);
    expect_start_failure("e_mixed", recs, 2 * LUNATIC_PARAM_SIZE); /* too few */

    /* Traps of the spawning process. */
    EXPECT_TRAP("t_type_f32");
    EXPECT_TRAP("t_type_f64");
    EXPECT_TRAP("t_type_zero");
    EXPECT_TRAP("t_second_record_bad");
    EXPECT_TRAP("t_len_16");
    EXPECT_TRAP("t_len_18");
    EXPECT_TRAP("t_name_utf8");
    EXPECT_TRAP("t_name_oob");
    EXPECT_TRAP("t_bad_config");
    EXPECT_TRAP("t_bad_module");

    /* Instantiation failure: initial memory (at least __heap_base, which is above one
       page) exceeds max_memory = 1 page -> status 1 and an error id. */
    CHECK((uintptr_t)&__heap_base > 65536);
    int64_t config = lunatic_process_create_config();
    CHECK(config >= 0);
    lunatic_process_config_set_max_memory(config, 65536);
    uint64_t err = 0xDEADBEEFDEADBEEFull;
    CHECK_EQ(lunatic_process_spawn(0, config, LUNATIC_SELF_MODULE, "e_none", 6, 0, 0, &err), 1);
    CHECK(err != 0xDEADBEEFDEADBEEFull);
    check_error_text_and_drop(err);
    /* The same config with the default limit works. */
    lunatic_process_config_set_max_memory(config, 4294967295u);
    lunatic_param_i32(recs, 9);
    CHECK_EQ(lunatic_process_spawn(HELPER_LINK, config, LUNATIC_SELF_MODULE, "e_ran_i32", 9, recs,
                                   LUNATIC_PARAM_SIZE, &id),
             0);
    EXPECT_MSG(TAG_RAN);
    CHECK_EQ(READ_U64(), id);
    lunatic_process_drop_config(config);

    /* Nothing unexpected is left over (no stray TAG_RAN, no helper failure). */
    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
