/*
 * kill_exists.c - process ids, environment id, exists and kill.
 *
 * ABI: §4 (process ids: per-environment counter from 1; environment 1 under `run`),
 * §6 (kill takes effect at the next yield or suspension point), §7.1 (kill = failure),
 * §7.4 (kill and exists), §14.1 (root process id 1), §16.4.
 *
 * Expected behaviour checked here:
 *  - The root's process_id() is 1 and environment_id() is 1; children report their own
 *    distinct pid (equal to what spawn wrote) and environment 1; exists(self) is 1;
 *    exists(0) and exists(unknown) are 0; a child sees exists(root) == 1.
 *  - exists(child) is 1 while the child waits; kill() ends a child blocked in receive,
 *    in sleep_ms, or spinning in a loop: a monitor receives the process-died message and
 *    exists turns 0.
 *  - A killed linked child counts as failed: link-died message with the link tag.
 *  - kill of a non-existent or already ended pid is harmless.
 *  - A process may kill itself: it dies at its next suspension point.
 */
#include "check.h"

#define T_IDS 60
#define T_SPINNING 61
#define T_BLOCKING 62

ENTRY(e_report_ids)(int64_t parent) {
    SEND((uint64_t)parent, T_IDS, self_pid(), lunatic_process_environment_id(),
         (uint64_t)lunatic_process_exists((uint64_t)parent),
         (uint64_t)lunatic_process_exists(self_pid()));
}

ENTRY(e_wait_forever)(int64_t parent) {
    SEND((uint64_t)parent, T_BLOCKING, 0);
    lunatic_receive_any(LUNATIC_NO_TIMEOUT);
    child_survived(parent);
}

ENTRY(e_sleep)(int64_t parent) {
    SEND((uint64_t)parent, T_BLOCKING, 0);
    lunatic_process_sleep_ms(60000);
    child_survived(parent);
}

ENTRY(e_spin)(int64_t parent) {
    SEND((uint64_t)parent, T_SPINNING, 0);
    volatile uint64_t n = 0;
    for (;;)
        n++;
}

ENTRY(t_kill_self)(int64_t parent) {
    child_reached(parent);
    lunatic_process_kill(self_pid());
    lunatic_process_sleep_ms(1000);
    child_survived(parent);
}

/* Kills c once it has told us that it is about to block (or spin). Whether the kill
   arrives before c parks or while it is parked, the blocking call is what handles it (c
   runs no other host call after telling us), so both orders test the same thing. */
static void kill_and_observe(uint64_t c, int64_t ready_tag) {
    EXPECT_MSG(ready_tag);
    CHECK_EQ(lunatic_process_exists(c), 1);
    lunatic_process_monitor(c);
    lunatic_process_kill(c);
    int32_t r = lunatic_receive_any(WAIT_MS);
    if (r == LUNATIC_DATA_MESSAGE) fprintf(stderr, "a killed child survived\n");
    CHECK_EQ(r, LUNATIC_PROCESS_DIED);
    CHECK_EQ(lunatic_message_get_process_id(), c);
    WAIT_GONE(c);
    CHECK_EQ(lunatic_process_exists(c), 0);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);
    uint64_t self = self_pid();

    CHECK_EQ(self, 1);
    CHECK_EQ(lunatic_process_environment_id(), 1);
    CHECK_EQ(lunatic_process_exists(self), 1);
    CHECK_EQ(lunatic_process_exists(0), 0);
    CHECK_EQ(lunatic_process_exists(NO_SUCH_PID), 0);

    /* Children: distinct ids, environment 1, they see the root. */
    enum { N = 10 };
    uint64_t kids[N];
    for (int i = 0; i < N; i++) {
        kids[i] = SPAWN_HELPER("e_report_ids");
        CHECK(kids[i] != self);
        for (int k = 0; k < i; k++)
            CHECK(kids[k] != kids[i]);
        EXPECT_MSG(T_IDS);
        CHECK_EQ(READ_U64(), kids[i]);
        CHECK_EQ(READ_U64(), 1); /* environment */
        CHECK_EQ(READ_U64(), 1); /* exists(root) */
        CHECK_EQ(READ_U64(), 1); /* exists(self) */
    }
    for (int i = 0; i < N; i++)
        WAIT_GONE(kids[i]); /* ended normally */

    /* kill: blocked in receive, sleeping, spinning. */
    kill_and_observe(SPAWN(0, LUNATIC_SELF_CONFIG, "e_wait_forever", (int64_t)self), T_BLOCKING);
    kill_and_observe(SPAWN(0, LUNATIC_SELF_CONFIG, "e_sleep", (int64_t)self), T_BLOCKING);
    uint64_t spinner = SPAWN(0, LUNATIC_SELF_CONFIG, "e_spin", (int64_t)self);
    kill_and_observe(spinner, T_SPINNING);

    /* A killed linked child counts as failed. */
    uint64_t c = SPAWN(9, LUNATIC_SELF_CONFIG, "e_wait_forever", (int64_t)self);
    EXPECT_MSG(T_BLOCKING);
    lunatic_process_kill(c);
    CHECK_EQ(lunatic_receive_tag(9, WAIT_MS), LUNATIC_LINK_DIED);
    CHECK_EQ(lunatic_message_get_tag(), 9);
    CHECK_EQ(lunatic_message_get_process_id(), 0);
    WAIT_GONE(c);

    /* Harmless kills. */
    lunatic_process_kill(NO_SUCH_PID);
    lunatic_process_kill(c);
    lunatic_process_kill(spinner);
    EXPECT_NOTHING();

    /* Killing oneself. */
    EXPECT_TRAP("t_kill_self");

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
