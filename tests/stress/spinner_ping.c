/*
 * Preemption: processes that spin forever (never calling the host) must not starve a ping
 * responder. With as many spinners as workers, 200 pings must each be answered well within
 * a second; then the spinners are killed.
 */
#include "check.h"

#define SPINNERS 4
#define PINGS 200

__attribute__((export_name("spinner"))) void spinner(void) {
    volatile uint64_t x = 0;
    for (;;)
        x = x * 6364136223846793005ull + 1;
}

__attribute__((export_name("responder"))) void responder(void) {
    for (;;) {
        CHECK_EQ(lunatic_receive_any(LUNATIC_NO_TIMEOUT), LUNATIC_DATA_MESSAGE);
        uint64_t from = 0;
        CHECK_EQ(lunatic_message_read_data(&from, 8), 8);
        lunatic_send_bytes(from, 5, 0, 0);
    }
}

int main(void) {
    const uint64_t self = lunatic_process_process_id();
    uint64_t spinners[SPINNERS], resp = 0;
    for (int i = 0; i < SPINNERS; ++i)
        CHECK_EQ(lunatic_spawn_simple(0, "spinner", 0, 0, &spinners[i]), 0);
    CHECK_EQ(lunatic_spawn_simple(0, "responder", 0, 0, &resp), 0);
    for (int i = 0; i < PINGS; ++i) {
        lunatic_message_create_data(0, 8);
        lunatic_message_write_data(&self, 8);
        CHECK_EQ(lunatic_message_send_receive_skip_search(resp, 5, 1000), 0);
    }
    for (int i = 0; i < SPINNERS; ++i) {
        lunatic_process_monitor(spinners[i]);
        lunatic_process_kill(spinners[i]);
    }
    for (int i = 0; i < SPINNERS; ++i)
        CHECK_EQ(lunatic_receive_any(5000), LUNATIC_PROCESS_DIED);
    lunatic_process_kill(resp);
    printf("ok\n");
    return 0;
}
