/*
 * monitors.c - monitor / stop_monitoring and process-died messages.
 *
 * ABI: §7.3 (monitors), §10.1 and §10.6 (process-died messages, filtered receive),
 * §16.4 (monitor, stop_monitoring).
 *
 * Expected behaviour checked here (the root keeps die_when_link_dies on, children are
 * not linked):
 *  - Monitoring a child that ends normally or fails: receive returns 2, get_process_id is
 *    the child's pid, get_tag is 0; the monitor itself is unaffected; exists is then 0.
 *  - Process-died messages never match a filtered receive.
 *  - stop_monitoring before the end: nothing arrives. stop_monitoring of a pid that is not
 *    monitored or does not exist is harmless.
 *  - Monitoring a pid that does not exist, or a process that already ended: nothing ever
 *    arrives.
 *  - Several monitored children: one message each. Two monitors (the root and another
 *    process) of the same child are both notified.
 */
#include "check.h"

#define T_GO 50
#define T_READY 51
#define T_RESULT 52
#define T_MARK 53

ENTRY(e_end_on_msg)(int64_t parent, int64_t trap) {
    (void)parent;
    lunatic_receive_any(WAIT_MS);
    if (trap) __builtin_trap();
}

ENTRY(e_monitor_reporter)(int64_t root, int64_t target) {
    lunatic_process_monitor((uint64_t)target);
    SEND((uint64_t)root, T_READY, 0);
    int32_t r = lunatic_receive_any(WAIT_MS);
    SEND((uint64_t)root, T_RESULT, (uint64_t)r,
         r == LUNATIC_TIMEOUT ? 0 : lunatic_message_get_process_id());
}

static uint64_t spawn_end(int trap) {
    return SPAWN(0, LUNATIC_SELF_CONFIG, "e_end_on_msg", (int64_t)self_pid(), trap);
}

static void go(uint64_t pid) {
    SEND(pid, T_GO, 0);
}

static void expect_died(uint64_t pid) {
    CHECK_EQ(lunatic_receive_any(WAIT_MS), LUNATIC_PROCESS_DIED);
    CHECK_EQ(lunatic_message_get_process_id(), pid);
    CHECK_EQ(lunatic_message_get_tag(), 0);
}

int main(void) {
    /* Normal end and failure both give a process-died message. */
    for (int trap = 0; trap <= 1; trap++) {
        uint64_t c = spawn_end(trap);
        lunatic_process_monitor(c);
        go(c);
        expect_died(c);
        CHECK_EQ(lunatic_process_exists(c), 0);
        EXPECT_NOTHING();
    }

    /* A process-died message does not match a filtered receive. To have it certainly in
       the mailbox when the filtered receive runs, the notification is received, forwarded
       to ourselves (send moves a message of any kind, §10.2) and followed by a marker from
       us: the receive must skip the process-died message, take the marker and leave the
       process-died message in place. */
    uint64_t c = spawn_end(0);
    lunatic_process_monitor(c);
    go(c);
    expect_died(c);
    CHECK_EQ(lunatic_message_send(self_pid()), 0);
    SEND(self_pid(), T_MARK, 0);
    int64_t tags[3] = {1234, (int64_t)c, T_MARK};
    CHECK_EQ(lunatic_message_receive(tags, 3, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_get_tag(), T_MARK);
    expect_died(c);

    /* stop_monitoring before the end. */
    c = spawn_end(0);
    lunatic_process_monitor(c);
    lunatic_process_stop_monitoring(c);
    go(c);
    WAIT_GONE(c);
    EXPECT_NOTHING();
    c = spawn_end(1);
    lunatic_process_monitor(c);
    lunatic_process_stop_monitoring(c);
    go(c);
    WAIT_GONE(c);
    EXPECT_NOTHING();
    lunatic_process_stop_monitoring(c);           /* already gone */
    lunatic_process_stop_monitoring(NO_SUCH_PID); /* never existed */

    /* Monitoring something that does not exist (any more). */
    lunatic_process_monitor(NO_SUCH_PID);
    lunatic_process_monitor(c);
    EXPECT_NOTHING();

    /* Several monitored children. */
    enum { N = 5 };
    uint64_t kids[N];
    int seen[N] = {0};
    for (int i = 0; i < N; i++) {
        kids[i] = spawn_end(i & 1);
        lunatic_process_monitor(kids[i]);
    }
    for (int i = 0; i < N; i++)
        go(kids[i]);
    for (int i = 0; i < N; i++) {
        CHECK_EQ(lunatic_receive_any(WAIT_MS), LUNATIC_PROCESS_DIED);
        uint64_t who = lunatic_message_get_process_id();
        int found = 0;
        for (int k = 0; k < N; k++)
            if (kids[k] == who) {
                seen[k]++;
                found = 1;
            }
        CHECK(found);
    }
    for (int k = 0; k < N; k++)
        CHECK_EQ(seen[k], 1);
    EXPECT_NOTHING();

    /* Two monitors of the same process. */
    c = spawn_end(1);
    SPAWN_HELPER("e_monitor_reporter", (int64_t)c);
    EXPECT_MSG(T_READY);
    lunatic_process_monitor(c);
    go(c);
    EXPECT_MSG(T_RESULT);
    CHECK_EQ(READ_U64(), LUNATIC_PROCESS_DIED);
    CHECK_EQ(READ_U64(), c);
    expect_died(c);
    EXPECT_NOTHING();

    printf("ok\n");
    return 0;
}
