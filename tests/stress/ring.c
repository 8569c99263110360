/*
 * A ring of 10,000 processes passes a token around 10 times. Each member learns its
 * successor from its first message, then forwards every token it gets; the root counts
 * the hops the token made.
 */
#include "check.h"

#define MEMBERS 10000
#define LAPS 10

static uint64_t members[MEMBERS];

__attribute__((export_name("member"))) void member(void) {
    CHECK_EQ(lunatic_receive_any(LUNATIC_NO_TIMEOUT), LUNATIC_DATA_MESSAGE);
    uint64_t next = 0;
    CHECK_EQ(lunatic_message_read_data(&next, 8), 8);
    for (;;) {
        CHECK_EQ(lunatic_receive_any(LUNATIC_NO_TIMEOUT), LUNATIC_DATA_MESSAGE);
        uint64_t hops = 0;
        CHECK_EQ(lunatic_message_read_data(&hops, 8), 8);
        ++hops;
        lunatic_send_bytes(next, 0, &hops, 8);
        if (hops >= (uint64_t)MEMBERS * LAPS) return;
    }
}

int main(void) {
    const uint64_t self = lunatic_process_process_id();
    for (int i = 0; i < MEMBERS; ++i)
        CHECK_EQ(lunatic_spawn_simple(0, "member", 0, 0, &members[i]), 0);
    /* Member i forwards to i+1; the last one hands the token back to the root. */
    for (int i = 0; i < MEMBERS; ++i) {
        uint64_t next = i + 1 < MEMBERS ? members[i + 1] : self;
        lunatic_send_bytes(members[i], 0, &next, 8);
    }
    uint64_t hops = 0;
    for (int lap = 0; lap < LAPS; ++lap) {
        lunatic_send_bytes(members[0], 0, &hops, 8);
        CHECK_EQ(lunatic_receive_any(60000), LUNATIC_DATA_MESSAGE);
        CHECK_EQ(lunatic_message_read_data(&hops, 8), 8);
        CHECK_EQ(hops, (uint64_t)MEMBERS * (lap + 1));
    }
    printf("ok\n");
    return 0;
}
