/*
 * configs.c - configurations, permissions, limits and the WASI context of children.
 *
 * ABI: §2.2 (memory growth limit), §4 (per-process tables), §6 (max_fuel), §11
 * (fields, defaults, use, permission gates, WASI context), §16.1-16.3 (create_config,
 * accessors, compile_module and spawn permission), §23 (lunatic::wasi).
 *
 * Expected behaviour checked here:
 *  - create_config: ids 0, 1, ... from the caller's table (never reused after drop);
 *    defaults max_memory 4294967295, max_fuel 0, the three permissions 0; every setter
 *    round-trips through its getter (non-zero grants read back as 1); configs are
 *    independent.
 *  - A child with a fresh config: create_config returns -1, compile_module returns -1
 *    and writes nothing, spawn traps. A child with config -1 inherits the root's
 *    permissions. A child allowed to create configs and spawn (but not compile) can grant
 *    compile permission to a grandchild. A child's config table starts empty.
 *  - max_memory = (initial pages + 1) * 64 KiB: one memory.grow(1) succeeds, further
 *    growth returns -1 and the size stays; with the default limit grow(100) succeeds.
 *  - max_fuel = 1: an endless loop dies (link-died); max_fuel = 1000 lets a short loop
 *    finish normally.
 *  - Traps (in children): accessor / drop_config / spawn with a dropped id, drop twice,
 *    accessors with -1, an id only the parent has, lunatic::wasi calls with -1 or invalid
 *    UTF-8.
 *  - WASI: argv and environ of a child are exactly the config's lists (no program name),
 *    taken when spawned (later edits do not leak in, later spawns see them); a child with
 *    config -1 sees the root's argv, environ and preopens. (Preopened directories of
 *    created configs are tested in preopens.c.)
 *  - Snapshots: two children spawned from one unchanged config, and a third spawned after
 *    a permission and an argument were changed, each see exactly the config as it was at
 *    their spawn, although the config is edited again and dropped before they look.
 */
#include <wasi/api.h>

#include "check.h"

#define T_GO 90
#define T_REPORT 91
#define T_WASI 92
#define T_DONE 93

/* Garbage that is not a Wasm module. */
static const unsigned char GARBAGE[] = {0x00, 0x61, 0x73, 0x6d, 0xFF, 0xFF};

/* ---- permission reports ------------------------------------------------------------- */

/* Reports {create_config result, compile_module result, whether the out-value was written}. */
ENTRY(e_perm_report)(int64_t parent) {
    int64_t c = lunatic_process_create_config();
    uint64_t out = 0xABABABABABABABABull;
    int32_t r = lunatic_process_compile_module(GARBAGE, sizeof GARBAGE, &out);
    SEND((uint64_t)parent, T_REPORT, (uint64_t)c, (uint64_t)(int64_t)r,
         out != 0xABABABABABABABABull);
}

ENTRY(e_grandchild_compile)(int64_t root) {
    uint64_t out = 0;
    int32_t r = lunatic_process_compile_module(GARBAGE, sizeof GARBAGE, &out);
    SEND((uint64_t)root, T_REPORT, (uint64_t)(int64_t)r);
}

/* Allowed to create configs and spawn, not to compile: grants compile to a grandchild. */
ENTRY(e_grant)(int64_t root) {
    int64_t g = lunatic_process_create_config();
    CHECK_EQ(g, 0); /* its own table starts empty */
    lunatic_process_config_set_can_compile_modules(g, 1);
    SPAWN(0, g, "e_grandchild_compile", root);
}

ENTRY(t_spawn_no_permission)(int64_t parent) {
    uint64_t id;
    child_reached(parent);
    lunatic_process_spawn(0, LUNATIC_SELF_CONFIG, LUNATIC_SELF_MODULE, "e_perm_report", 13, 0, 0,
                          &id);
    child_survived(parent);
}

/* ---- limits ------------------------------------------------------------------------- */

ENTRY(e_memory_probe)(int64_t parent) {
    SEND((uint64_t)parent, T_REPORT, (uint64_t)__builtin_wasm_memory_size(0));
}

ENTRY(e_grow)(int64_t parent) {
    int64_t s0 = (int64_t)(int32_t)__builtin_wasm_memory_size(0);
    int64_t g1 = (int64_t)(int32_t)__builtin_wasm_memory_grow(0, 1);
    int64_t g2 = (int64_t)(int32_t)__builtin_wasm_memory_grow(0, 1);
    int64_t g3 = (int64_t)(int32_t)__builtin_wasm_memory_grow(0, 100);
    int64_t s1 = (int64_t)(int32_t)__builtin_wasm_memory_size(0);
    SEND((uint64_t)parent, T_REPORT, (uint64_t)s0, (uint64_t)g1, (uint64_t)g2, (uint64_t)g3,
         (uint64_t)s1);
}

ENTRY(t_spin)(int64_t parent) {
    child_reached(parent);
    volatile uint64_t n = 0;
    for (;;)
        n++;
}

ENTRY(e_short_loop)(int64_t parent) {
    volatile uint64_t n = 0;
    for (int i = 0; i < 2000000; i++)
        n++;
    SEND((uint64_t)parent, T_DONE, n);
}

/* ---- trap scenarios ----------------------------------------------------------------- */

ENTRY(t_use_dropped)(int64_t parent) {
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    lunatic_process_drop_config(c);
    child_reached(parent);
    lunatic_process_config_get_max_memory(c);
    child_survived(parent);
}

ENTRY(t_drop_twice)(int64_t parent) {
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    lunatic_process_drop_config(c);
    child_reached(parent);
    lunatic_process_drop_config(c);
    child_survived(parent);
}

ENTRY(t_spawn_dropped)(int64_t parent) {
    uint64_t id;
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    lunatic_process_drop_config(c);
    child_reached(parent);
    lunatic_process_spawn(0, c, LUNATIC_SELF_MODULE, "e_memory_probe", 14, 0, 0, &id);
    child_survived(parent);
}

ENTRY(t_get_minus_one)(int64_t parent) {
    child_reached(parent);
    lunatic_process_config_get_max_fuel(-1);
    child_survived(parent);
}

ENTRY(t_set_minus_one)(int64_t parent) {
    child_reached(parent);
    lunatic_process_config_set_can_spawn_processes(-1, 1);
    child_survived(parent);
}

ENTRY(t_drop_minus_one)(int64_t parent) {
    child_reached(parent);
    lunatic_process_drop_config(-1);
    child_survived(parent);
}

/* Id 0 exists in the root's table, but the child's table starts empty. */
ENTRY(t_config_not_inherited)(int64_t parent) {
    child_reached(parent);
    lunatic_process_config_can_compile_modules(0);
    child_survived(parent);
}

ENTRY(t_wasi_arg_minus_one)(int64_t parent) {
    child_reached(parent);
    lunatic_wasi_config_add_command_line_argument(-1, "x", 1);
    child_survived(parent);
}

ENTRY(t_wasi_env_minus_one)(int64_t parent) {
    child_reached(parent);
    lunatic_wasi_config_add_environment_variable(-1, "K", 1, "V", 1);
    child_survived(parent);
}

ENTRY(t_wasi_preopen_minus_one)(int64_t parent) {
    child_reached(parent);
    lunatic_wasi_config_preopen_dir(-1, ".", 1);
    child_survived(parent);
}

ENTRY(t_wasi_arg_utf8)(int64_t parent) {
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    child_reached(parent);
    lunatic_wasi_config_add_command_line_argument(c, "\xff", 1);
    child_survived(parent);
}

ENTRY(t_wasi_env_utf8)(int64_t parent) {
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    child_reached(parent);
    lunatic_wasi_config_add_environment_variable(c, "K", 1, "\xc3", 1);
    child_survived(parent);
}

/* ---- WASI context ------------------------------------------------------------------- */

/* Serialises argv, environ and preopen fd 3 of the calling process into a message body:
   u64 argc, u64 argv bytes, argv strings; u64 envc, u64 environ bytes, environ strings;
   u64 errno of fd_prestat_get(3), u64 name length, name. */
static void write_wasi_context(void) {
    __wasi_size_t count = 0, size = 0;
    CHECK_EQ(__wasi_args_sizes_get(&count, &size), 0);
    uint8_t** ptrs = malloc((count + 1) * sizeof *ptrs);
    uint8_t* buf = malloc(size + 1);
    CHECK(ptrs && buf);
    CHECK_EQ(__wasi_args_get(ptrs, buf), 0);
    uint64_t v[2] = {count, size};
    lunatic_message_write_data(v, sizeof v);
    lunatic_message_write_data(buf, size);
    free(ptrs);
    free(buf);

    CHECK_EQ(__wasi_environ_sizes_get(&count, &size), 0);
    ptrs = malloc((count + 1) * sizeof *ptrs);
    buf = malloc(size + 1);
    CHECK(ptrs && buf);
    CHECK_EQ(__wasi_environ_get(ptrs, buf), 0);
    v[0] = count;
    v[1] = size;
    lunatic_message_write_data(v, sizeof v);
    lunatic_message_write_data(buf, size);
    free(ptrs);
    free(buf);

    __wasi_prestat_t ps;
    memset(&ps, 0, sizeof ps);
    __wasi_errno_t e = __wasi_fd_prestat_get(3, &ps);
    char name[256];
    uint64_t name_len = 0;
    if (e == 0 && ps.u.dir.pr_name_len < sizeof name) {
        name_len = ps.u.dir.pr_name_len;
        CHECK_EQ(__wasi_fd_prestat_dir_name(3, (uint8_t*)name, (__wasi_size_t)name_len), 0);
    }
    v[0] = e;
    v[1] = name_len;
    lunatic_message_write_data(v, sizeof v);
    lunatic_message_write_data(name, (uint32_t)name_len);
}

ENTRY(e_wasi_report)(int64_t parent) {
    CHECK_EQ(lunatic_receive_tag(T_GO, WAIT_MS), LUNATIC_DATA_MESSAGE);
    lunatic_message_create_data(T_WASI, 0);
    write_wasi_context();
    lunatic_message_send((uint64_t)parent);
}

/* Waits for T_GO, then reports {create_config result, argc}. */
ENTRY(e_late_report)(int64_t parent) {
    CHECK_EQ(lunatic_receive_tag(T_GO, WAIT_MS), LUNATIC_DATA_MESSAGE);
    __wasi_size_t count = 0, size = 0;
    CHECK_EQ(__wasi_args_sizes_get(&count, &size), 0);
    int64_t c = lunatic_process_create_config();
    SEND((uint64_t)parent, T_REPORT, (uint64_t)c, (uint64_t)count);
}

/* Builds the expected context body into a message to self and returns it in a buffer. */
static unsigned char* own_context(uint64_t* len) {
    lunatic_message_create_data(0, 0);
    write_wasi_context();
    *len = lunatic_message_data_size();
    unsigned char* buf = malloc(*len);
    CHECK(buf != NULL);
    lunatic_message_seek_data(0);
    CHECK_EQ(lunatic_message_read_data(buf, (uint32_t)*len), *len);
    return buf;
}

static void expect_bytes(const void* want, uint32_t len) {
    unsigned char got[256];
    CHECK(len <= sizeof got);
    CHECK_EQ(lunatic_message_read_data(got, len), len);
    CHECK(memcmp(got, want, len) == 0);
}

static uint64_t spawn_wasi_report(int64_t config) {
    return SPAWN(HELPER_LINK, config, "e_wasi_report", (int64_t)self_pid());
}

static void wasi_context(void) {
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    lunatic_wasi_config_add_command_line_argument(c, "alpha", 5);
    lunatic_wasi_config_add_command_line_argument(c, "beta gamma", 10);
    lunatic_wasi_config_add_command_line_argument(c, "", 0);
    lunatic_wasi_config_add_environment_variable(c, "K1", 2, "v1", 2);
    lunatic_wasi_config_add_environment_variable(c, "K2", 2, "", 0);
    lunatic_wasi_config_add_environment_variable(c, "K3", 2, "a=b", 3);
    uint64_t child = spawn_wasi_report(c);
    /* Edits after the spawn do not reach the running child. */
    lunatic_wasi_config_add_command_line_argument(c, "late", 4);
    lunatic_wasi_config_add_environment_variable(c, "LATE", 4, "1", 1);
    SEND(child, T_GO, 0);
    EXPECT_MSG(T_WASI);
    static const char argv_blob[] = "alpha\0beta gamma\0"; /* + final "" -> "\0" */
    static const char env_blob[] = "K1=v1\0K2=\0K3=a=b";   /* + terminating NUL */
    CHECK_EQ(READ_U64(), 3);
    CHECK_EQ(READ_U64(), sizeof argv_blob);
    expect_bytes(argv_blob, sizeof argv_blob);
    CHECK_EQ(READ_U64(), 3);
    CHECK_EQ(READ_U64(), sizeof env_blob);
    expect_bytes(env_blob, sizeof env_blob);
    CHECK_EQ(READ_U64(), __WASI_ERRNO_BADF); /* no preopens */
    CHECK_EQ(READ_U64(), 0);

    /* A later spawn with the same config sees the late additions. */
    child = spawn_wasi_report(c);
    SEND(child, T_GO, 0);
    EXPECT_MSG(T_WASI);
    static const char argv_blob2[] = "alpha\0beta gamma\0\0late";
    static const char env_blob2[] = "K1=v1\0K2=\0K3=a=b\0LATE=1";
    CHECK_EQ(READ_U64(), 4);
    CHECK_EQ(READ_U64(), sizeof argv_blob2);
    expect_bytes(argv_blob2, sizeof argv_blob2);
    CHECK_EQ(READ_U64(), 4);
    CHECK_EQ(READ_U64(), sizeof env_blob2);
    expect_bytes(env_blob2, sizeof env_blob2);
    CHECK_EQ(READ_U64(), __WASI_ERRNO_BADF);
    CHECK_EQ(READ_U64(), 0);
    lunatic_process_drop_config(c);

    /* Config -1: the root's own argv, environ and preopens. */
    uint64_t len = 0;
    unsigned char* want = own_context(&len);
    child = spawn_wasi_report(LUNATIC_SELF_CONFIG);
    SEND(child, T_GO, 0);
    EXPECT_MSG(T_WASI);
    CHECK_EQ(lunatic_message_data_size(), len);
    unsigned char* got = malloc(len);
    CHECK(got != NULL);
    CHECK_EQ(lunatic_message_read_data(got, (uint32_t)len), len);
    CHECK(memcmp(got, want, len) == 0);
    free(got);
    free(want);
}

static void expect_late_report(uint64_t child, uint64_t config_result, uint64_t argc) {
    SEND(child, T_GO, 0);
    EXPECT_MSG(T_REPORT);
    CHECK_EQ(READ_U64(), config_result);
    CHECK_EQ(READ_U64(), argc);
}

static void snapshots(void) {
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    lunatic_process_config_set_can_create_configs(c, 1);
    lunatic_wasi_config_add_command_line_argument(c, "a", 1);
    uint64_t first = SPAWN(HELPER_LINK, c, "e_late_report", (int64_t)self_pid());
    uint64_t second = SPAWN(HELPER_LINK, c, "e_late_report", (int64_t)self_pid());
    lunatic_process_config_set_can_create_configs(c, 0);
    lunatic_wasi_config_add_command_line_argument(c, "b", 1);
    uint64_t third = SPAWN(HELPER_LINK, c, "e_late_report", (int64_t)self_pid());
    lunatic_wasi_config_add_command_line_argument(c, "c", 1);
    lunatic_process_config_set_can_create_configs(c, 1);
    lunatic_process_drop_config(c);
    expect_late_report(first, 0, 1);
    expect_late_report(second, 0, 1);
    expect_late_report(third, (uint64_t)-1, 2);
}

/* ---- root --------------------------------------------------------------------------- */

static void accessors(void) {
    int64_t c0 = lunatic_process_create_config();
    int64_t c1 = lunatic_process_create_config();
    CHECK_EQ(c0, 0);
    CHECK_EQ(c1, 1);
    for (int64_t c = c0; c <= c1; c++) {
        CHECK_EQ(lunatic_process_config_get_max_memory(c), 4294967295u);
        CHECK_EQ(lunatic_process_config_get_max_fuel(c), 0);
        CHECK_EQ(lunatic_process_config_can_compile_modules(c), 0);
        CHECK_EQ(lunatic_process_config_can_create_configs(c), 0);
        CHECK_EQ(lunatic_process_config_can_spawn_processes(c), 0);
    }
    lunatic_process_config_set_max_memory(c0, 123456789012ull);
    CHECK_EQ(lunatic_process_config_get_max_memory(c0), 123456789012ull);
    lunatic_process_config_set_max_memory(c0, 65536);
    CHECK_EQ(lunatic_process_config_get_max_memory(c0), 65536);
    lunatic_process_config_set_max_fuel(c0, 7);
    CHECK_EQ(lunatic_process_config_get_max_fuel(c0), 7);
    lunatic_process_config_set_max_fuel(c0, 0);
    CHECK_EQ(lunatic_process_config_get_max_fuel(c0), 0);

    lunatic_process_config_set_can_compile_modules(c0, 1);
    CHECK_EQ(lunatic_process_config_can_compile_modules(c0), 1);
    lunatic_process_config_set_can_compile_modules(c0, 5);
    CHECK_EQ(lunatic_process_config_can_compile_modules(c0), 1);
    lunatic_process_config_set_can_create_configs(c0, -1);
    CHECK_EQ(lunatic_process_config_can_create_configs(c0), 1);
    lunatic_process_config_set_can_spawn_processes(c0, 1);
    CHECK_EQ(lunatic_process_config_can_spawn_processes(c0), 1);
    /* c1 untouched */
    CHECK_EQ(lunatic_process_config_get_max_memory(c1), 4294967295u);
    CHECK_EQ(lunatic_process_config_can_compile_modules(c1), 0);
    CHECK_EQ(lunatic_process_config_can_create_configs(c1), 0);
    CHECK_EQ(lunatic_process_config_can_spawn_processes(c1), 0);
    lunatic_process_config_set_can_compile_modules(c0, 0);
    CHECK_EQ(lunatic_process_config_can_compile_modules(c0), 0);
    lunatic_process_config_set_can_create_configs(c0, 0);
    CHECK_EQ(lunatic_process_config_can_create_configs(c0), 0);
    lunatic_process_config_set_can_spawn_processes(c0, 0);
    CHECK_EQ(lunatic_process_config_can_spawn_processes(c0), 0);

    lunatic_process_drop_config(c1);
    CHECK_EQ(lunatic_process_create_config(), 2); /* ids are not reused */
    lunatic_process_drop_config(2);
    lunatic_process_drop_config(c0);
}

static void permissions(void) {
    /* Fresh config: nothing allowed. */
    int64_t bare = lunatic_process_create_config();
    CHECK(bare >= 0);
    SPAWN(HELPER_LINK, bare, "e_perm_report", (int64_t)self_pid());
    EXPECT_MSG(T_REPORT);
    CHECK_EQ(READ_U64(), (uint64_t)-1); /* create_config */
    CHECK_EQ(READ_U64(), (uint64_t)-1); /* compile_module */
    CHECK_EQ(READ_U64(), 0);            /* nothing written */
    EXPECT_TRAP_CFG("t_spawn_no_permission", bare);

    /* Config -1: the root's permissions. */
    SPAWN_HELPER("e_perm_report");
    EXPECT_MSG(T_REPORT);
    CHECK_EQ(READ_U64(), 0); /* the child's first config id */
    CHECK_EQ(READ_U64(), 1); /* allowed, but GARBAGE is not a module */
    CHECK_EQ(READ_U64(), 1); /* an error id was written */

    /* Granting a permission one does not have. */
    int64_t granter = lunatic_process_create_config();
    CHECK(granter >= 0);
    lunatic_process_config_set_can_create_configs(granter, 1);
    lunatic_process_config_set_can_spawn_processes(granter, 1);
    SPAWN(HELPER_LINK, granter, "e_grant", (int64_t)self_pid());
    EXPECT_MSG(T_REPORT);
    CHECK_EQ(READ_U64(), 1);
    lunatic_process_drop_config(granter);
    lunatic_process_drop_config(bare);
}

static void limits(void) {
    /* Memory. */
    int64_t probe_config = lunatic_process_create_config();
    SPAWN(HELPER_LINK, probe_config, "e_memory_probe", (int64_t)self_pid());
    EXPECT_MSG(T_REPORT);
    uint64_t pages = READ_U64();
    CHECK(pages >= 2);

    SPAWN(HELPER_LINK, probe_config, "e_grow", (int64_t)self_pid());
    EXPECT_MSG(T_REPORT);
    CHECK_EQ(READ_U64(), pages);       /* size at entry */
    CHECK_EQ(READ_U64(), pages);       /* grow(1) */
    CHECK_EQ(READ_U64(), pages + 1);   /* grow(1) */
    CHECK_EQ(READ_U64(), pages + 2);   /* grow(100) */
    CHECK_EQ(READ_U64(), pages + 102); /* final size */

    int64_t small = lunatic_process_create_config();
    lunatic_process_config_set_max_memory(small, (pages + 1) * 65536);
    SPAWN(HELPER_LINK, small, "e_grow", (int64_t)self_pid());
    EXPECT_MSG(T_REPORT);
    CHECK_EQ(READ_U64(), pages);
    CHECK_EQ(READ_U64(), pages);        /* up to the limit: fine */
    CHECK_EQ(READ_U64(), (uint64_t)-1); /* beyond: -1, no trap */
    CHECK_EQ(READ_U64(), (uint64_t)-1);
    CHECK_EQ(READ_U64(), pages + 1);
    lunatic_process_drop_config(small);
    lunatic_process_drop_config(probe_config);

    /* Fuel. */
    int64_t fuel = lunatic_process_create_config();
    lunatic_process_config_set_max_fuel(fuel, 1);
    EXPECT_TRAP_CFG("t_spin", fuel);
    lunatic_process_config_set_max_fuel(fuel, 1000);
    SPAWN(HELPER_LINK, fuel, "e_short_loop", (int64_t)self_pid());
    EXPECT_MSG(T_DONE);
    CHECK_EQ(READ_U64(), 2000000);
    lunatic_process_drop_config(fuel);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    accessors();
    permissions();
    limits();
    wasi_context();
    snapshots();

    EXPECT_TRAP("t_use_dropped");
    EXPECT_TRAP("t_drop_twice");
    EXPECT_TRAP("t_spawn_dropped");
    EXPECT_TRAP("t_get_minus_one");
    EXPECT_TRAP("t_set_minus_one");
    EXPECT_TRAP("t_drop_minus_one");
    EXPECT_TRAP("t_config_not_inherited");
    EXPECT_TRAP("t_wasi_arg_minus_one");
    EXPECT_TRAP("t_wasi_env_minus_one");
    EXPECT_TRAP("t_wasi_preopen_minus_one");
    EXPECT_TRAP("t_wasi_arg_utf8");
    EXPECT_TRAP("t_wasi_env_utf8");

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
