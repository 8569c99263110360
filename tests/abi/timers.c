/*
 * timers.c - lunatic::timer and lunatic::process::sleep_ms.
 *
 * ABI: §4 (per-process tables: ids from 0, never reused), §5 (plain ms durations),
 * §10.2 (send_after empties the slot), §16.4 (sleep_ms), §18 (send_after, cancel_timer).
 *
 * Timing checks allow 1 ms of slack for timers with millisecond granularity.
 * Expected behaviour checked here:
 *  - send_after(self, 50) delivers the message (tag and bytes intact) after >= 50 ms;
 *    delay 0 is allowed; two timers fire in deadline order (20 ms before 200 ms).
 *  - Timer ids come from the caller's own table: 0, 1, 2, ... in creation order.
 *  - cancel_timer of a pending timer returns 1 and the message never arrives; cancelling
 *    it again returns 0; an unknown id returns 0; another process cannot cancel our timer
 *    (its table is separate: 0) and the timer still fires.
 *  - A timer still fires after the process that started it has ended.
 *  - send_after to a pid that does not exist returns an id and does not trap.
 *  - sleep_ms(30) sleeps >= 30 ms, also with a message waiting; sleep_ms(0) returns.
 *  - Traps (in children): send_after with an empty slot; the slot is empty after
 *    send_after.
 */
#include "check.h"

#define T_ID 80

ENTRY(e_cancel_foreign)(int64_t parent, int64_t id) {
    SEND((uint64_t)parent, T_ID, (uint64_t)lunatic_timer_cancel_timer((uint64_t)id));
}

ENTRY(e_timer_then_return)(int64_t parent) {
    lunatic_message_create_data(13, 0);
    lunatic_message_write_data("late", 4);
    lunatic_timer_send_after((uint64_t)parent, 300);
}

ENTRY(t_send_after_empty)(int64_t parent) {
    child_reached(parent);
    lunatic_timer_send_after((uint64_t)parent, 0);
    child_survived(parent);
}

ENTRY(t_slot_empty_after_send_after)(int64_t parent) {
    lunatic_message_create_data(0, 0);
    lunatic_timer_send_after(NO_SUCH_PID, 0);
    child_reached(parent);
    lunatic_message_get_tag();
    child_survived(parent);
}

static uint64_t timer_to_self(int64_t tag, uint64_t delay) {
    lunatic_message_create_data(tag, 0);
    lunatic_message_write_data(&tag, sizeof tag);
    return lunatic_timer_send_after(self_pid(), delay);
}

static void expect_timer_msg(int64_t tag) {
    CHECK_EQ(lunatic_receive_tag(tag, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_get_tag(), tag);
    CHECK_EQ(lunatic_message_data_size(), 8);
    CHECK_EQ(READ_U64(), (uint64_t)tag);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);
    uint64_t self = self_pid();

    /* Delivery after >= 50 ms; the first timer id is 0. */
    int64_t start = now_us();
    CHECK_EQ(timer_to_self(11, 50), 0);
    expect_timer_msg(11);
    CHECK(now_us() - start >= 49000);

    /* Cancel a pending timer. */
    uint64_t id = timer_to_self(12, 100);
    CHECK_EQ(id, 1);
    CHECK_EQ(lunatic_timer_cancel_timer(id), 1);
    CHECK_EQ(lunatic_receive_tag(12, 250), LUNATIC_TIMEOUT);
    CHECK_EQ(lunatic_timer_cancel_timer(id), 0);
    CHECK_EQ(lunatic_timer_cancel_timer(999999), 0);

    /* Delay 0; ids keep counting. */
    CHECK_EQ(timer_to_self(14, 0), 2);
    expect_timer_msg(14);

    /* Deadline order. */
    CHECK_EQ(timer_to_self(15, 200), 3);
    CHECK_EQ(timer_to_self(16, 20), 4);
    int64_t both[2] = {15, 16};
    CHECK_EQ(lunatic_message_receive(both, 2, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_get_tag(), 16);
    CHECK_EQ(lunatic_message_receive(both, 2, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_get_tag(), 15);

    /* Another process cannot cancel our timer. */
    id = timer_to_self(17, 150);
    SPAWN_HELPER("e_cancel_foreign", (int64_t)id);
    EXPECT_MSG(T_ID);
    CHECK_EQ(READ_U64(), 0);
    expect_timer_msg(17);

    /* A timer outlives the process that started it. */
    uint64_t c = SPAWN_HELPER("e_timer_then_return");
    WAIT_GONE(c);
    CHECK_EQ(lunatic_receive_tag(13, WAIT_MS), LUNATIC_DATA_MESSAGE);
    char buf[8] = {0};
    CHECK_EQ(lunatic_message_read_data(buf, sizeof buf), 4);
    CHECK(memcmp(buf, "late", 4) == 0);

    /* Target that does not exist. */
    lunatic_message_create_data(18, 0);
    lunatic_timer_send_after(NO_SUCH_PID, 10);

    /* sleep_ms. */
    start = now_us();
    lunatic_process_sleep_ms(30);
    CHECK(now_us() - start >= 29000);
    lunatic_process_sleep_ms(0);
    SEND(self, 19, 0); /* a waiting message does not cut the sleep short */
    start = now_us();
    lunatic_process_sleep_ms(30);
    CHECK(now_us() - start >= 29000);
    CHECK_EQ(lunatic_receive_tag(19, WAIT_MS), LUNATIC_DATA_MESSAGE);

    EXPECT_TRAP("t_send_after_empty");
    EXPECT_TRAP("t_slot_empty_after_send_after");

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
