/*
 * links.c - links, link tags, die_when_link_dies and death reasons.
 *
 * ABI: §7.1 (death reasons), §7.2 (links), §16.3 (spawn with link), §16.4 (link, unlink,
 * die_when_link_dies), §10.1 (link-died messages), §23 (proc_exit).
 *
 * Expected behaviour checked here (the root runs with die_when_link_dies(0)):
 *  - A linked child that returns or calls exit(0) ends normally: no link message (only the
 *    monitor's process-died message arrives).
 *  - A linked child that fails (exit(3), unreachable, out-of-bounds access, division by
 *    zero, a host-function trap) produces a link-died message: receive returns 1, get_tag
 *    is the spawn's link tag (also a negative one), get_process_id is 0; exists is 0.
 *  - A child that traps at once is still noticed (the link exists before the entry runs).
 *  - link(tag, pid) with a pid that does not exist: link-died message with that tag.
 *  - Explicit link(tag, child): the child's failure reports that tag; linking again
 *    replaces the tag.
 *  - unlink before the failure: no link message.
 *  - die_when_link_dies is on by default (and again after any non-zero value): a middle
 *    process linked to a failing child dies too (seen through a monitor).
 *  - The link is bidirectional: when a parent fails, its linked child is told with tag 0
 *    (child in die_when_link_dies(0) mode), or dies (default mode).
 */
#include "check.h"

#define T_GO 40
#define T_CPID 41
#define T_READY 42
#define T_RESULT 43

enum { END_RETURN, END_EXIT0, END_EXIT3, END_TRAP, END_OOB, END_DIV0, END_HOST_TRAP };

/* Waits for one message, then ends the way `how` says. */
ENTRY(e_end_on_msg)(int64_t parent, int64_t how) {
    (void)parent;
    lunatic_receive_any(WAIT_MS);
    volatile int zero = 0, seven = 7;
    switch (how) {
    case END_RETURN: return;
    case END_EXIT0: exit(0);
    case END_EXIT3: exit(3);
    case END_TRAP: __builtin_trap();
    case END_OOB: *(volatile int*)0xFFFFFFF0u = 1; break;
    case END_DIV0: zero = seven / zero; break;
    case END_HOST_TRAP: lunatic_process_config_get_max_memory(-1); break;
    }
}

ENTRY(e_trap)(int64_t parent) {
    (void)parent;
    __builtin_trap();
}

/* Spawns a linked child that fails, then waits: with die_when_link_dies on it dies. */
ENTRY(e_middle)(int64_t root, int64_t toggle) {
    CHECK_EQ(lunatic_receive_tag(T_GO, WAIT_MS), LUNATIC_DATA_MESSAGE);
    if (toggle) {
        lunatic_process_die_when_link_dies(0);
        lunatic_process_die_when_link_dies(7); /* any non-zero value switches back */
    }
    uint64_t child = SPAWN(88, LUNATIC_SELF_CONFIG, "e_end_on_msg", root, END_TRAP);
    SEND(child, 0, 0);
    lunatic_receive_any(WAIT_MS);
    child_survived(root);
}

/* Linked child of e_parent_fails. `mode` 0: die_when_link_dies(0), reports what it got;
   mode 1: default mode, should die with its parent. */
ENTRY(e_linked_child)(int64_t root, int64_t mode) {
    if (mode == 0) lunatic_process_die_when_link_dies(0);
    SEND((uint64_t)root, T_READY, (uint64_t)mode);
    int32_t r = lunatic_receive_any(WAIT_MS);
    if (r == LUNATIC_TIMEOUT) {
        SEND((uint64_t)root, T_RESULT, (uint64_t)mode, (uint64_t)r, 0, 0);
        return;
    }
    SEND((uint64_t)root, T_RESULT, (uint64_t)mode, (uint64_t)r, (uint64_t)lunatic_message_get_tag(),
         lunatic_message_get_process_id());
}

ENTRY(e_parent_fails)(int64_t root) {
    uint64_t a = SPAWN(5, LUNATIC_SELF_CONFIG, "e_linked_child", root, 0);
    uint64_t b = SPAWN(6, LUNATIC_SELF_CONFIG, "e_linked_child", root, 1);
    SEND((uint64_t)root, T_CPID, a, b);
    CHECK_EQ(lunatic_receive_tag(T_GO, WAIT_MS), LUNATIC_DATA_MESSAGE);
    __builtin_trap();
}

static uint64_t spawn_end(int64_t link, int64_t how) {
    return SPAWN(link, LUNATIC_SELF_CONFIG, "e_end_on_msg", (int64_t)self_pid(), how);
}

static void go(uint64_t pid) {
    SEND(pid, T_GO, 0);
}

/* Receives a process-died message for pid. */
static void expect_died(uint64_t pid) {
    CHECK_EQ(lunatic_receive_any(WAIT_MS), LUNATIC_PROCESS_DIED);
    CHECK_EQ(lunatic_message_get_process_id(), pid);
    CHECK_EQ(lunatic_message_get_tag(), 0);
}

static void expect_link_died(int64_t tag) {
    CHECK_EQ(lunatic_receive_tag(tag, WAIT_MS), LUNATIC_LINK_DIED);
    CHECK_EQ(lunatic_message_get_tag(), tag);
    CHECK_EQ(lunatic_message_get_process_id(), 0);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    /* Normal ends: only the monitor reports, no link message. */
    for (int how = END_RETURN; how <= END_EXIT0; how++) {
        uint64_t c = spawn_end(10, how);
        lunatic_process_monitor(c);
        go(c);
        expect_died(c);
        EXPECT_NOTHING();
    }

    /* Failures: link-died (tag 11) and process-died, in either order. */
    for (int how = END_EXIT3; how <= END_HOST_TRAP; how++) {
        uint64_t c = spawn_end(11, how);
        lunatic_process_monitor(c);
        go(c);
        int seen_link = 0, seen_monitor = 0;
        for (int i = 0; i < 2; i++) {
            int32_t r = lunatic_receive_any(WAIT_MS);
            if (r == LUNATIC_LINK_DIED) {
                CHECK_EQ(lunatic_message_get_tag(), 11);
                CHECK_EQ(lunatic_message_get_process_id(), 0);
                seen_link++;
            } else {
                CHECK_EQ(r, LUNATIC_PROCESS_DIED);
                CHECK_EQ(lunatic_message_get_process_id(), c);
                seen_monitor++;
            }
        }
        CHECK(seen_link == 1 && seen_monitor == 1);
        CHECK_EQ(lunatic_process_exists(c), 0);
        EXPECT_NOTHING();
    }

    /* A child that traps at once; a negative link tag. */
    uint64_t c = SPAWN(12, LUNATIC_SELF_CONFIG, "e_trap", (int64_t)self_pid());
    expect_link_died(12);
    CHECK_EQ(lunatic_process_exists(c), 0);
    SPAWN(-7, LUNATIC_SELF_CONFIG, "e_trap", (int64_t)self_pid());
    expect_link_died(-7);

    /* link() to a process that does not exist. */
    lunatic_process_link(55, NO_SUCH_PID);
    expect_link_died(55);

    /* Explicit link; relinking replaces the tag. */
    c = spawn_end(0, END_TRAP);
    lunatic_process_link(66, c);
    go(c);
    expect_link_died(66);
    c = spawn_end(0, END_TRAP);
    lunatic_process_link(67, c);
    lunatic_process_link(68, c);
    go(c);
    int64_t both[2] = {67, 68};
    CHECK_EQ(lunatic_message_receive(both, 2, WAIT_MS), LUNATIC_LINK_DIED);
    CHECK_EQ(lunatic_message_get_tag(), 68);
    EXPECT_NOTHING();

    /* unlink before the failure: nothing but the monitor message. */
    c = spawn_end(77, END_TRAP);
    lunatic_process_monitor(c);
    lunatic_process_unlink(c);
    go(c);
    expect_died(c);
    EXPECT_NOTHING();
    c = spawn_end(0, END_TRAP);
    lunatic_process_link(78, c);
    lunatic_process_unlink(c);
    lunatic_process_monitor(c);
    go(c);
    expect_died(c);
    EXPECT_NOTHING();

    /* die_when_link_dies on by default (toggle 0) and after die_when_link_dies(7). */
    for (int toggle = 0; toggle <= 1; toggle++) {
        uint64_t middle = SPAWN(0, LUNATIC_SELF_CONFIG, "e_middle", (int64_t)self_pid(), toggle);
        lunatic_process_monitor(middle);
        go(middle);
        int32_t r = lunatic_receive_any(WAIT_MS);
        if (r == LUNATIC_DATA_MESSAGE) fprintf(stderr, "the middle process survived\n");
        CHECK_EQ(r, LUNATIC_PROCESS_DIED);
        CHECK_EQ(lunatic_message_get_process_id(), middle);
        CHECK_EQ(lunatic_process_exists(middle), 0);
        EXPECT_NOTHING();
    }

    /* Parent failure reaches its linked children: tag 0, or death in default mode. */
    uint64_t parent = SPAWN(0, LUNATIC_SELF_CONFIG, "e_parent_fails", (int64_t)self_pid());
    CHECK_EQ(lunatic_receive_tag(T_CPID, WAIT_MS), LUNATIC_DATA_MESSAGE);
    uint64_t quiet_child = READ_U64();
    uint64_t default_child = READ_U64();
    for (int i = 0; i < 2; i++)
        CHECK_EQ(lunatic_receive_tag(T_READY, WAIT_MS), LUNATIC_DATA_MESSAGE);
    lunatic_process_monitor(parent);
    lunatic_process_monitor(default_child);
    go(parent);
    int seen_result = 0, seen_parent = 0, seen_default = 0;
    for (int i = 0; i < 3; i++) {
        int32_t r = lunatic_receive_any(WAIT_MS);
        if (r == LUNATIC_DATA_MESSAGE) {
            CHECK_EQ(lunatic_message_get_tag(), T_RESULT);
            CHECK_EQ(READ_U64(), 0);                 /* from the quiet child */
            CHECK_EQ(READ_U64(), LUNATIC_LINK_DIED); /* it got a link-died message */
            CHECK_EQ(READ_U64(), 0);                 /* with tag 0 (parent side: no tag) */
            CHECK_EQ(READ_U64(), 0);                 /* and process id 0 */
            seen_result++;
        } else {
            CHECK_EQ(r, LUNATIC_PROCESS_DIED);
            uint64_t who = lunatic_message_get_process_id();
            if (who == parent)
                seen_parent++;
            else if (who == default_child)
                seen_default++;
            else
                CHECK(!"unexpected process-died message");
        }
    }
    CHECK(seen_result == 1 && seen_parent == 1 && seen_default == 1);
    WAIT_GONE(quiet_child);
    EXPECT_NOTHING();

    printf("ok\n");
    return 0;
}
