/*
 * version_error.c - lunatic::version and lunatic::error.
 *
 * ABI: §3.3 (status 1 + error id), §4 (per-process tables: ids from 0, never reused),
 * §16.1 (compile_module), §21 (lunatic::error), §22 (lunatic::version).
 *
 * Expected behaviour checked here:
 *  - The host reports version 0.13.2.
 *  - compile_module of bytes that are not a module (garbage, and an empty range) returns
 *    1 and writes an error id: the root's first error id is 0, the next 1 (not reused
 *    after drop). string_size > 0; to_string writes exactly that many bytes of UTF-8 and
 *    nothing after them; the size does not change when read twice; drop frees it.
 *  - Traps (in children): string_size, to_string and drop of a dropped id; drop twice;
 *    an id that was never created; to_string to an out-of-bounds pointer.
 */
#include "check.h"

static const unsigned char GARBAGE[] = {'n', 'o', 't', ' ', 'w', 'a', 's', 'm'};

static uint64_t make_error(void) {
    uint64_t err = 0xEEEEEEEEEEEEEEEEull;
    CHECK_EQ(lunatic_process_compile_module(GARBAGE, sizeof GARBAGE, &err), 1);
    CHECK(err != 0xEEEEEEEEEEEEEEEEull);
    return err;
}

ENTRY(t_size_after_drop)(int64_t parent) {
    uint64_t err = make_error();
    lunatic_error_drop(err);
    child_reached(parent);
    lunatic_error_string_size(err);
    child_survived(parent);
}

ENTRY(t_to_string_after_drop)(int64_t parent) {
    static char buf[4096];
    uint64_t err = make_error();
    lunatic_error_drop(err);
    child_reached(parent);
    lunatic_error_to_string(err, buf);
    child_survived(parent);
}

ENTRY(t_drop_twice)(int64_t parent) {
    uint64_t err = make_error();
    lunatic_error_drop(err);
    child_reached(parent);
    lunatic_error_drop(err);
    child_survived(parent);
}

ENTRY(t_never_created)(int64_t parent) {
    child_reached(parent);
    lunatic_error_string_size(0); /* this process has no errors; 0 is the root's */
    child_survived(parent);
}

ENTRY(t_to_string_oob)(int64_t parent) {
    uint64_t err = make_error();
    child_reached(parent);
    lunatic_error_to_string(err, (char*)0xFFFFFFF0u);
    child_survived(parent);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    CHECK_EQ(lunatic_version_major(), 0);
    CHECK_EQ(lunatic_version_minor(), 13);
    CHECK_EQ(lunatic_version_patch(), 2);

    uint64_t e0 = make_error();
    CHECK_EQ(e0, 0);
    uint32_t size = lunatic_error_string_size(e0);
    CHECK(size > 0);
    CHECK_EQ(check_error_text_and_drop(e0), size);

    uint64_t e1 = 0xEEEEEEEEEEEEEEEEull;
    CHECK_EQ(lunatic_process_compile_module(GARBAGE, 0, &e1), 1); /* empty: not a module */
    CHECK_EQ(e1, 1);
    uint64_t e2 = make_error();
    CHECK_EQ(e2, 2);
    check_error_text_and_drop(e2);
    check_error_text_and_drop(e1);

    EXPECT_TRAP("t_size_after_drop");
    EXPECT_TRAP("t_to_string_after_drop");
    EXPECT_TRAP("t_drop_twice");
    EXPECT_TRAP("t_never_created");
    EXPECT_TRAP("t_to_string_oob");

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
