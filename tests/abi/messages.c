/*
 * messages.c - data messages, the scratch slot, tags, selective receive, timeouts and
 * per-sender ordering.
 *
 * ABI: §5 (timeouts), §10.1-10.3 (kinds, scratch slot, data buffer), §10.5 (send),
 * §10.6 (receive and tags), §10.8 (ordering), §17 (lunatic::message).
 *
 * Expected behaviour checked here:
 *  - write_data appends and returns its length; data_size is the total length; read_data
 *    copies min(len, size - pos), advances, returns 0 at the end; seek_data repositions
 *    (also past the end without trapping); create_data replaces the slot.
 *  - A message is delivered with the read position it had when sent; tag and bytes arrive
 *    unchanged, also for a 300 000-byte message.
 *  - Tags 5,6,7,0,8 sent to self: receive{8,6} takes 6 (tag_len counts tags); a filter
 *    {0} matches nothing; receive{7} takes 7; untagged receives then return 5, the
 *    untagged one and 8, in order.
 *  - receive with timeout 0 on an empty mailbox returns 9027 and leaves the slot as it
 *    was; timeout 50 returns 9027 after >= 50 ms; tag_len 0 never reads tag_ptr.
 *  - Two children each send 1000 numbered messages: each sender's sequence arrives in
 *    order.
 *  - send to a pid that does not exist returns 0 and empties the slot; get_process_id of
 *    a data message is 0.
 *  - Traps (in linked children): get_tag/get_process_id/write_data/read_data/seek_data/
 *    data_size/send with an empty slot; data_size and write_data on a process-died
 *    message; read_data with the read position beyond the end; tag array, write range
 *    and read destination out of bounds.
 */
#include "check.h"

#define TAG_SEQ 20
#define TAG_MARK 99
#define SEQ_COUNT 1000

/* ---- helpers children -------------------------------------------------------------- */

ENTRY(e_counter)(int64_t parent, int64_t sender, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        SEND((uint64_t)parent, TAG_SEQ, (uint64_t)sender, (uint64_t)i);
}

ENTRY(e_wait_return)(int64_t parent) {
    (void)parent;
    lunatic_receive_any(WAIT_MS);
}

/* ---- trap scenarios ---------------------------------------------------------------- */

ENTRY(t_get_tag_empty)(int64_t parent) {
    child_reached(parent);
    lunatic_message_get_tag();
    child_survived(parent);
}

ENTRY(t_get_process_id_empty)(int64_t parent) {
    child_reached(parent);
    lunatic_message_get_process_id();
    child_survived(parent);
}

ENTRY(t_write_empty)(int64_t parent) {
    child_reached(parent);
    lunatic_message_write_data("x", 1);
    child_survived(parent);
}

ENTRY(t_read_empty)(int64_t parent) {
    char b[4];
    child_reached(parent);
    lunatic_message_read_data(b, sizeof b);
    child_survived(parent);
}

ENTRY(t_seek_empty)(int64_t parent) {
    child_reached(parent);
    lunatic_message_seek_data(0);
    child_survived(parent);
}

ENTRY(t_size_empty)(int64_t parent) {
    child_reached(parent);
    lunatic_message_data_size();
    child_survived(parent);
}

ENTRY(t_send_empty)(int64_t parent) {
    child_reached(parent);
    lunatic_message_send((uint64_t)parent); /* must trap: nothing to send */
    child_survived(parent);
}

ENTRY(t_slot_empty_after_send)(int64_t parent) {
    lunatic_message_create_data(3, 0);
    CHECK_EQ(lunatic_message_send(NO_SUCH_PID), 0);
    child_reached(parent);
    lunatic_message_data_size(); /* the send emptied the slot */
    child_survived(parent);
}

ENTRY(t_read_beyond_end)(int64_t parent) {
    char b[4];
    lunatic_message_create_data(0, 0);
    lunatic_message_write_data("abcd", 4);
    lunatic_message_seek_data(100); /* no check here */
    child_reached(parent);
    lunatic_message_read_data(b, 1); /* position beyond the end: trap */
    child_survived(parent);
}

/* Puts a process-died message into the slot. */
static void receive_process_died(int64_t parent) {
    uint64_t other = SPAWN(0, LUNATIC_SELF_CONFIG, "e_wait_return", parent);
    lunatic_process_monitor(other);
    lunatic_message_create_data(0, 0);
    lunatic_message_send(other);
    CHECK_EQ(lunatic_receive_any(WAIT_MS), LUNATIC_PROCESS_DIED);
}

ENTRY(t_size_on_process_died)(int64_t parent) {
    receive_process_died(parent);
    child_reached(parent);
    lunatic_message_data_size();
    child_survived(parent);
}

ENTRY(t_write_on_process_died)(int64_t parent) {
    receive_process_died(parent);
    CHECK_EQ(lunatic_message_get_tag(), 0); /* get_tag works on any kind */
    child_reached(parent);
    lunatic_message_write_data("x", 1);
    child_survived(parent);
}

ENTRY(t_receive_tags_oob)(int64_t parent) {
    child_reached(parent);
    lunatic_message_receive((const int64_t*)0xFFFFFFF0u, 4, 0);
    child_survived(parent);
}

ENTRY(t_write_oob)(int64_t parent) {
    lunatic_message_create_data(0, 0);
    child_reached(parent);
    lunatic_message_write_data((const void*)0xFFFFFF00u, 0x200);
    child_survived(parent);
}

ENTRY(t_read_oob)(int64_t parent) {
    lunatic_message_create_data(0, 0);
    lunatic_message_write_data("abcdefgh", 8);
    child_reached(parent);
    lunatic_message_read_data((void*)0xFFFFFFF8u, 8);
    child_survived(parent);
}

/* ---- root -------------------------------------------------------------------------- */

static void read_exact(void* buf, uint32_t len) {
    CHECK_EQ(lunatic_message_read_data(buf, len), len);
}

static void buffer_semantics(void) {
    char buf[64];
    lunatic_message_create_data(0, 0);
    CHECK_EQ(lunatic_message_get_tag(), 0);
    CHECK_EQ(lunatic_message_get_process_id(), 0);
    CHECK_EQ(lunatic_message_data_size(), 0);
    CHECK_EQ(lunatic_message_read_data(buf, sizeof buf), 0);
    CHECK_EQ(lunatic_message_write_data("hello", 5), 5);
    CHECK_EQ(lunatic_message_write_data(" world", 6), 6);
    CHECK_EQ(lunatic_message_write_data("", 0), 0);
    CHECK_EQ(lunatic_message_data_size(), 11);

    memset(buf, 0, sizeof buf);
    CHECK_EQ(lunatic_message_read_data(buf, 4), 4);
    CHECK(memcmp(buf, "hell", 4) == 0);
    CHECK_EQ(lunatic_message_read_data(buf, 0), 0);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(lunatic_message_read_data(buf, sizeof buf), 7);
    CHECK(memcmp(buf, "o world", 7) == 0);
    CHECK_EQ(lunatic_message_read_data(buf, sizeof buf), 0); /* at the end */
    CHECK_EQ(lunatic_message_data_size(), 11);               /* total, not remaining */

    lunatic_message_seek_data(6);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(lunatic_message_read_data(buf, sizeof buf), 5);
    CHECK(memcmp(buf, "world", 5) == 0);

    /* write_data appends at the end whatever the read position. */
    lunatic_message_seek_data(2);
    CHECK_EQ(lunatic_message_write_data("!", 1), 1);
    CHECK_EQ(lunatic_message_data_size(), 12);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(lunatic_message_read_data(buf, sizeof buf), 10);
    CHECK(memcmp(buf, "llo world!", 10) == 0);

    /* seek to exactly the end: reads return 0; seeking past the end does not trap. */
    lunatic_message_seek_data(12);
    CHECK_EQ(lunatic_message_read_data(buf, 1), 0);
    lunatic_message_seek_data(1000);
    lunatic_message_seek_data(0);
    CHECK_EQ(lunatic_message_read_data(buf, 1), 1);
    CHECK_EQ(buf[0], 'h');

    /* create_data replaces the slot. */
    lunatic_message_create_data(42, 1000);
    CHECK_EQ(lunatic_message_get_tag(), 42);
    CHECK_EQ(lunatic_message_data_size(), 0);
    lunatic_message_create_data(-3, 0);
    CHECK_EQ(lunatic_message_get_tag(), -3);
}

static void read_position_travels(void) {
    char buf[16];
    lunatic_message_create_data(31, 0);
    lunatic_message_write_data("abcdef", 6);
    read_exact(buf, 3);
    CHECK_EQ(lunatic_message_send(self_pid()), 0);
    CHECK_EQ(lunatic_receive_tag(31, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_data_size(), 6);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(lunatic_message_read_data(buf, sizeof buf), 3);
    CHECK(memcmp(buf, "def", 3) == 0);
    lunatic_message_seek_data(0);
    CHECK_EQ(lunatic_message_read_data(buf, sizeof buf), 6);
    CHECK(memcmp(buf, "abcdef", 6) == 0);
}

static void big_message(void) {
    const uint32_t size = 300000;
    unsigned char* out = malloc(size);
    unsigned char* in = malloc(size);
    CHECK(out && in);
    for (uint32_t i = 0; i < size; i++)
        out[i] = (unsigned char)(i * 7 + (i >> 9));
    lunatic_message_create_data(32, 16);
    /* in two pieces, to also append to a non-empty buffer */
    CHECK_EQ(lunatic_message_write_data(out, 1000), 1000);
    CHECK_EQ(lunatic_message_write_data(out + 1000, size - 1000), size - 1000);
    CHECK_EQ(lunatic_message_send(self_pid()), 0);
    CHECK_EQ(lunatic_receive_tag(32, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_data_size(), size);
    memset(in, 0, size);
    read_exact(in, size);
    CHECK(memcmp(in, out, size) == 0);
    free(out);
    free(in);
}

static void selective_receive(void) {
    static const int64_t sent[] = {5, 6, 7, 0, 8};
    for (int i = 0; i < 5; i++)
        SEND(self_pid(), sent[i], (uint64_t)sent[i], 100 + (uint64_t)i);
    /* A marker sent last: once it is received, everything before it is in the mailbox. */
    SEND(self_pid(), TAG_MARK, 0);
    CHECK_EQ(lunatic_receive_tag(TAG_MARK, WAIT_MS), LUNATIC_DATA_MESSAGE);

    int64_t two[2] = {8, 6};
    CHECK_EQ(lunatic_message_receive(two, 2, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_get_tag(), 6); /* the oldest match, not the first listed */
    CHECK_EQ(READ_U64(), 6);

    int64_t zero = 0;
    CHECK_EQ(lunatic_message_receive(&zero, 1, 100), LUNATIC_TIMEOUT); /* 0 matches nothing */
    int64_t absent[2] = {1234, 4321};
    CHECK_EQ(lunatic_message_receive(absent, 2, 0), LUNATIC_TIMEOUT);

    CHECK_EQ(lunatic_receive_tag(7, WAIT_MS), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_get_tag(), 7);
    CHECK_EQ(READ_U64(), 7);

    /* The rest in arrival order. */
    static const int64_t rest[] = {5, 0, 8};
    static const uint64_t seq[] = {100, 103, 104};
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(lunatic_receive_any(WAIT_MS), LUNATIC_DATA_MESSAGE);
        CHECK_EQ(lunatic_message_get_tag(), rest[i]);
        CHECK_EQ(READ_U64(), (uint64_t)rest[i]);
        CHECK_EQ(READ_U64(), seq[i]);
    }
    CHECK_EQ(lunatic_receive_any(0), LUNATIC_TIMEOUT);
}

static void timeouts(void) {
    /* Timeout 0, empty mailbox: 9027 and the slot is unchanged. */
    lunatic_message_create_data(77, 0);
    lunatic_message_write_data("abc", 3);
    CHECK_EQ(lunatic_receive_any(0), LUNATIC_TIMEOUT);
    CHECK_EQ(lunatic_message_get_tag(), 77);
    CHECK_EQ(lunatic_message_data_size(), 3);
    char buf[4] = {0};
    CHECK_EQ(lunatic_message_read_data(buf, sizeof buf), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);

    /* tag_len 0: tag_ptr is not read, even when it is out of bounds. */
    CHECK_EQ(lunatic_message_receive((const int64_t*)0xFFFFFFF0u, 0, 0), LUNATIC_TIMEOUT);

    /* Timeout 50 ms. (1 ms of slack for runtimes whose timers have ms granularity.) */
    int64_t start = now_us();
    CHECK_EQ(lunatic_receive_any(50), LUNATIC_TIMEOUT);
    int64_t elapsed = now_us() - start;
    CHECK(elapsed >= 49000);
    CHECK(elapsed < WAIT_MS * 1000);
    CHECK_EQ(lunatic_message_get_tag(), 77); /* still unchanged */

    int64_t t = 12345;
    start = now_us();
    CHECK_EQ(lunatic_message_receive(&t, 1, 50), LUNATIC_TIMEOUT);
    CHECK(now_us() - start >= 49000);
}

static void per_sender_order(void) {
    uint64_t a = SPAWN_HELPER("e_counter", 0, SEQ_COUNT);
    uint64_t b = SPAWN_HELPER("e_counter", 1, SEQ_COUNT);
    CHECK(a != b);
    uint64_t next[2] = {0, 0};
    for (int i = 0; i < 2 * SEQ_COUNT; i++) {
        EXPECT_MSG(TAG_SEQ);
        CHECK_EQ(lunatic_message_get_process_id(), 0);
        uint64_t sender = READ_U64();
        uint64_t n = READ_U64();
        CHECK(sender < 2);
        CHECK_EQ(n, next[sender]);
        next[sender]++;
    }
    CHECK_EQ(next[0], SEQ_COUNT);
    CHECK_EQ(next[1], SEQ_COUNT);
}

static void send_to_nobody(void) {
    lunatic_message_create_data(33, 0);
    lunatic_message_write_data("lost", 4);
    CHECK_EQ(lunatic_message_send(NO_SUCH_PID), 0);
    CHECK_EQ(lunatic_process_exists(NO_SUCH_PID), 0);
    int64_t t = 33;
    CHECK_EQ(lunatic_message_receive(&t, 1, 0), LUNATIC_TIMEOUT);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    buffer_semantics();
    read_position_travels();
    big_message();
    selective_receive();
    timeouts();
    per_sender_order();
    send_to_nobody();

    EXPECT_TRAP("t_get_tag_empty");
    EXPECT_TRAP("t_get_process_id_empty");
    EXPECT_TRAP("t_write_empty");
    EXPECT_TRAP("t_read_empty");
    EXPECT_TRAP("t_seek_empty");
    EXPECT_TRAP("t_size_empty");
    EXPECT_TRAP("t_send_empty");
    EXPECT_TRAP("t_slot_empty_after_send");
    EXPECT_TRAP("t_read_beyond_end");
    EXPECT_TRAP("t_size_on_process_died");
    EXPECT_TRAP("t_write_on_process_died");
    EXPECT_TRAP("t_receive_tags_oob");
    EXPECT_TRAP("t_write_oob");
    EXPECT_TRAP("t_read_oob");

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
