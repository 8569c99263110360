/*
 * catch.c - lunatic::trap::catch.
 *
 * ABI: §9 (the _lunatic_catch_trap export), §24 (catch).
 *
 * The guest exports _lunatic_catch_trap(i32 function, i32 arg) -> i32, which calls entry
 * `function` of the indirect function table with `arg` (the pattern of the Rust library).
 * Expected behaviour checked here:
 *  - A function that returns normally: catch returns its result (also negative ones).
 *  - A function that traps (unreachable, out-of-bounds store, division by zero, an
 *    indirect call with the wrong signature, a trapping host call): catch returns 0 and
 *    the process keeps running; 100 caught traps in a row are fine.
 *  - Nothing is rolled back: a global written before the trap and bytes written to the
 *    scratch message before the trap stay.
 *  - Nested catch: an inner trap is caught by the inner catch, the outer call returns
 *    normally.
 *  - A kill delivered while the process runs inside catch still terminates it (child).
 * The trapping functions deliberately use no stack memory: a trap does not restore the
 * C stack pointer global.
 */
#include "check.h"

#define T_SPINNING 100

typedef int32_t (*fn_t)(int32_t);

__attribute__((export_name("_lunatic_catch_trap"))) int32_t catch_trap(int32_t fn, int32_t arg) {
    return ((fn_t)(uintptr_t)fn)(arg);
}

static volatile int32_t side_effect;
static volatile int32_t zero;

__attribute__((noinline)) static int32_t ok_fn(int32_t x) {
    return x * 2 + 1;
}

__attribute__((noinline)) static int32_t trap_fn(int32_t x) {
    side_effect = x;
    __builtin_trap();
}

__attribute__((noinline)) static int32_t oob_fn(int32_t x) {
    *(volatile int32_t*)0xFFFFFFF0u = x;
    return 1;
}

__attribute__((noinline)) static int32_t div_fn(int32_t x) {
    return x / zero;
}

__attribute__((noinline)) static void void_fn(void) {
    side_effect = -1;
}

__attribute__((noinline)) static int32_t host_trap_fn(int32_t x) {
    return (int32_t)lunatic_process_config_get_max_memory(-1) + x; /* -1 is never a config */
}

__attribute__((noinline)) static int32_t write_then_trap_fn(int32_t x) {
    (void)x;
    lunatic_message_write_data("abc", 3);
    __builtin_trap();
}

__attribute__((noinline)) static int32_t nested_fn(int32_t x) {
    int32_t inner = lunatic_trap_catch((int32_t)(uintptr_t)&trap_fn, x);
    return inner == 0 ? 77 : -77;
}

__attribute__((noinline)) static int32_t spin_fn(int32_t x) {
    side_effect = x;
    for (;;)
        side_effect++;
}

static int32_t catch_fn(fn_t f, int32_t arg) {
    return lunatic_trap_catch((int32_t)(uintptr_t)f, arg);
}

ENTRY(e_catch_spin)(int64_t parent) {
    SEND((uint64_t)parent, T_SPINNING, 0);
    lunatic_trap_catch((int32_t)(uintptr_t)&spin_fn, 0);
    child_survived(parent);
}

int main(void) {
    CHECK_EQ(catch_fn(ok_fn, 20), 41);
    CHECK_EQ(catch_fn(ok_fn, -5), -9);

    side_effect = 0;
    CHECK_EQ(catch_fn(trap_fn, 1234), 0);
    CHECK_EQ(side_effect, 1234); /* not rolled back */

    CHECK_EQ(catch_fn(oob_fn, 1), 0);
    CHECK_EQ(catch_fn(div_fn, 1), 0);
    side_effect = 0;
    CHECK_EQ(catch_fn((fn_t)(uintptr_t)&void_fn, 1), 0); /* signature mismatch */
    CHECK_EQ(side_effect, 0);
    CHECK_EQ(catch_fn(host_trap_fn, 1), 0);

    for (int i = 0; i < 100; i++)
        CHECK_EQ(catch_fn(trap_fn, i), 0);
    CHECK_EQ(catch_fn(ok_fn, 1), 3); /* still fine */

    lunatic_message_create_data(5, 0);
    CHECK_EQ(catch_fn(write_then_trap_fn, 0), 0);
    CHECK_EQ(lunatic_message_get_tag(), 5);
    CHECK_EQ(lunatic_message_data_size(), 3);

    CHECK_EQ(catch_fn(nested_fn, 9), 77);
    CHECK_EQ(side_effect, 9);

    /* kill inside catch */
    uint64_t c = SPAWN(0, LUNATIC_SELF_CONFIG, "e_catch_spin", (int64_t)self_pid());
    CHECK_EQ(lunatic_receive_tag(T_SPINNING, WAIT_MS), LUNATIC_DATA_MESSAGE);
    lunatic_process_monitor(c);
    lunatic_process_kill(c);
    int32_t r = lunatic_receive_any(WAIT_MS);
    CHECK_EQ(r, LUNATIC_PROCESS_DIED);
    CHECK_EQ(lunatic_message_get_process_id(), c);

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
