/*
 * skip_search.c - lunatic::message::send_receive_skip_search.
 *
 * ABI: §10.2 (slot effects), §10.7 (request/reply without searching), §17.
 *
 * Expected behaviour checked here:
 *  - The scratch message is sent to the target; the call then returns 0 with the first
 *    message tagged wait_on_tag that arrives after the call started. A message with the
 *    same tag that was already in the mailbox is not taken and stays queued; messages
 *    with other tags that arrive meanwhile stay queued too.
 *  - A message the caller sends to itself counts as arriving after the call started.
 *  - No reply: 9027 after the timeout (>= 100 ms); the slot is empty afterwards (checked
 *    in a child: get_tag traps).
 *  - wait_on_tag 0 never matches (9027, the untagged reply stays in the mailbox); a
 *    target that does not exist just drops the message (9027).
 *  - A link-died message carrying the awaited tag also ends the wait: result 0, get_tag
 *    is the link tag, get_process_id is 0.
 *  - An empty slot at entry traps (in a child).
 */
#include "check.h"

#define NO_REPLY 0xFFFF
#define STOP 0xFFFE

/* Echo child. Each request: [reply tag, decoy tag, value]. It first sends a decoy
   message {value} tagged `decoy tag` (unless 0), then the reply {value} tagged
   `reply tag` (unless NO_REPLY). STOP ends it. */
ENTRY(e_echo)(int64_t parent) {
    for (;;) {
        CHECK_EQ(lunatic_receive_any(WAIT_MS), LUNATIC_DATA_MESSAGE);
        uint64_t reply = READ_U64();
        if (reply == STOP) return;
        uint64_t decoy = READ_U64();
        uint64_t value = READ_U64();
        if (decoy != 0) SEND((uint64_t)parent, (int64_t)decoy, value);
        if (reply != NO_REPLY) SEND((uint64_t)parent, (int64_t)reply, value);
    }
}

ENTRY(e_trap_on_msg)(int64_t parent) {
    (void)parent;
    lunatic_receive_any(WAIT_MS);
    __builtin_trap();
}

ENTRY(t_skip_empty_slot)(int64_t parent) {
    child_reached(parent);
    lunatic_message_send_receive_skip_search((uint64_t)parent, 5, 10);
    child_survived(parent);
}

ENTRY(t_skip_timeout_slot_empty)(int64_t parent) {
    lunatic_message_create_data(0, 0);
    CHECK_EQ(lunatic_message_send_receive_skip_search(NO_SUCH_PID, 5, 10), LUNATIC_TIMEOUT);
    child_reached(parent);
    lunatic_message_get_tag(); /* the slot is empty after a timeout */
    child_survived(parent);
}

static void request(uint64_t reply, uint64_t decoy, uint64_t value) {
    uint64_t v[3] = {reply, decoy, value};
    lunatic_message_create_data(0, 0);
    lunatic_message_write_data(v, sizeof v);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);
    uint64_t echo = SPAWN_HELPER("e_echo");

    /* An old message tagged 300 sits in the mailbox (the marker 301, sent after it, has
       been received, so 300 has been moved into the mailbox). */
    SEND(self_pid(), 300, 1);
    SEND(self_pid(), 301, 0);
    CHECK_EQ(lunatic_receive_tag(301, WAIT_MS), LUNATIC_DATA_MESSAGE);

    request(300, 0, 2);
    CHECK_EQ(lunatic_message_send_receive_skip_search(echo, 300, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_get_tag(), 300);
    CHECK_EQ(READ_U64(), 2); /* the new reply, not the old message */
    CHECK_EQ(lunatic_receive_tag(300, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(READ_U64(), 1); /* the old one is still queued */

    /* A decoy with another tag arrives before the reply: it stays in the mailbox. */
    request(310, 306, 3);
    CHECK_EQ(lunatic_message_send_receive_skip_search(echo, 310, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_get_tag(), 310);
    CHECK_EQ(READ_U64(), 3);
    CHECK_EQ(lunatic_receive_tag(306, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(READ_U64(), 3);

    /* Sending to itself: the message arrives after the call started. */
    lunatic_message_create_data(330, 0);
    lunatic_message_write_data(&(uint64_t){7}, 8);
    CHECK_EQ(lunatic_message_send_receive_skip_search(self_pid(), 330, WAIT_MS), 0);
    CHECK_EQ(lunatic_message_get_tag(), 330);
    CHECK_EQ(READ_U64(), 7);

    /* No reply: timeout. */
    request(NO_REPLY, 0, 4);
    int64_t start = now_us();
    CHECK_EQ(lunatic_message_send_receive_skip_search(echo, 320, 100), LUNATIC_TIMEOUT);
    CHECK(now_us() - start >= 99000);

    /* wait_on_tag 0 never matches; the untagged reply stays queued. */
    request(0, 0, 5);
    CHECK_EQ(lunatic_message_send_receive_skip_search(echo, 0, 150), LUNATIC_TIMEOUT);
    CHECK_EQ(lunatic_receive_any(WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_get_tag(), 0);
    CHECK_EQ(READ_U64(), 5);

    /* Target does not exist: the message is dropped, the wait times out. */
    request(0, 0, 6);
    CHECK_EQ(lunatic_message_send_receive_skip_search(NO_SUCH_PID, 5, 50), LUNATIC_TIMEOUT);

    /* A link-died message with the awaited tag ends the wait with 0. */
    uint64_t doomed = SPAWN(400, LUNATIC_SELF_CONFIG, "e_trap_on_msg", (int64_t)self_pid());
    lunatic_message_create_data(0, 0);
    CHECK_EQ(lunatic_message_send_receive_skip_search(doomed, 400, WAIT_MS), 0);
    CHECK_EQ(lunatic_message_get_tag(), 400);
    CHECK_EQ(lunatic_message_get_process_id(), 0);

    EXPECT_TRAP("t_skip_empty_slot");
    EXPECT_TRAP("t_skip_timeout_slot_empty");

    SEND(echo, 0, STOP);
    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
