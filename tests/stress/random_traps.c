/*
 * Fault isolation under load: 500 senders each send 200 numbered messages to a collector,
 * while 500 other processes trap at pseudo-random moments (out-of-bounds, unreachable,
 * division by zero, stack exhaustion). The collector must receive every message in
 * per-sender order, and the root's monitors must see all 1,001 processes end.
 *
 * Monitoring a process that has already ended produces nothing (lunatic-abi.md §7.3), so
 * senders and trappers wait for a go message that the root sends once it monitors them.
 */
#include "check.h"

#define SENDERS 500
#define PER_SENDER 200
#define TRAPPERS 500

#define TAG_GO 8

static uint32_t next_expected[SENDERS];

static void wait_for_go(void) {
    CHECK_EQ(lunatic_receive_tag(TAG_GO, 60000), LUNATIC_DATA_MESSAGE);
}

__attribute__((export_name("collector"))) void collector(int64_t root) {
    for (int i = 0; i < SENDERS * PER_SENDER; ++i) {
        CHECK_EQ(lunatic_receive_any(60000), LUNATIC_DATA_MESSAGE);
        uint32_t msg[2];
        CHECK_EQ(lunatic_message_read_data(msg, 8), 8);
        CHECK(msg[0] < SENDERS);
        CHECK_EQ(msg[1], next_expected[msg[0]]);
        next_expected[msg[0]]++;
    }
    uint32_t total = SENDERS * PER_SENDER;
    lunatic_send_bytes((uint64_t)root, 7, &total, 4);
}

__attribute__((export_name("sender"))) void sender(int64_t collector_pid, int32_t index) {
    wait_for_go();
    for (uint32_t i = 0; i < PER_SENDER; ++i) {
        uint32_t msg[2] = {(uint32_t)index, i};
        lunatic_send_bytes((uint64_t)collector_pid, 0, msg, 8);
        if (i % 16 == 0) lunatic_process_sleep_ms(0);
    }
}

static volatile int sink;
static int recurse(int n) { return n <= 0 ? sink : recurse(n + 1) + 1; }

__attribute__((export_name("trapper"))) void trapper(int32_t seed) {
    wait_for_go();
    uint32_t x = (uint32_t)seed * 2654435761u + 1;
    /* Some work first, so traps happen at different moments. */
    for (uint32_t i = 0; i < (x % 5000); ++i) sink += (int)i;
    lunatic_process_sleep_ms(x % 20);
    switch (x % 4) {
    case 0: sink = *(volatile int*)(uintptr_t)0xFFFFFFF0u; break;
    case 1: __builtin_trap();
    case 2: sink = 1 / (sink - sink); break;
    default: sink = recurse(1); break;
    }
}

int main(void) {
    const uint64_t self = lunatic_process_process_id();
    uint8_t params[2 * LUNATIC_PARAM_SIZE];
    uint64_t collector_pid = 0;
    lunatic_param_i64(params, (int64_t)self);
    CHECK_EQ(lunatic_spawn_simple(0, "collector", params, 1, &collector_pid), 0);
    lunatic_process_monitor(collector_pid);
    for (int i = 0; i < SENDERS + TRAPPERS; ++i) {
        uint64_t pid = 0;
        if (i % 2 == 0) {
            lunatic_param_i64(params, (int64_t)collector_pid);
            lunatic_param_i32(params + LUNATIC_PARAM_SIZE, i / 2);
            CHECK_EQ(lunatic_spawn_simple(0, "sender", params, 2, &pid), 0);
        } else {
            lunatic_param_i32(params, i);
            CHECK_EQ(lunatic_spawn_simple(0, "trapper", params, 1, &pid), 0);
        }
        lunatic_process_monitor(pid);
        lunatic_send_bytes(pid, TAG_GO, NULL, 0);
    }
    int ended = 0, total_seen = 0;
    while (ended < SENDERS + TRAPPERS + 1) {
        int32_t kind = lunatic_receive_any(60000);
        CHECK(kind != LUNATIC_TIMEOUT);
        if (kind == LUNATIC_PROCESS_DIED) {
            ++ended;
        } else {
            CHECK_EQ(kind, LUNATIC_DATA_MESSAGE);
            CHECK_EQ(lunatic_message_get_tag(), 7);
            uint32_t total = 0;
            CHECK_EQ(lunatic_message_read_data(&total, 4), 4);
            CHECK_EQ(total, SENDERS * PER_SENDER);
            total_seen = 1;
        }
    }
    CHECK(total_seen);
    printf("ok\n");
    return 0;
}
