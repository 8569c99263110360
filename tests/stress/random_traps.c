/*
 * Fault isolation under load: 500 senders each send 200 numbered messages to a collector,
 * while 500 other processes trap at pseudo-random moments (out-of-bounds, unreachable,
 * division by zero, stack exhaustion). The collector must receive every message in
 * per-sender order, and the root's monitors must see all 1,001 processes end.
 *
 * How each one ended is checked too: the root turns die_when_link_dies off and links every
 * child with its own tag (LINK_BASE + spawn index), so a child that fails sends it a
 * link-died message with that tag, and one that ends normally sends none (lunatic-abi.md
 * §7.2). A dying process sends its link-died notifications before its process-died ones,
 * and the root handles one sender's signals in order (§7.1, §10.8): when a trapper's
 * process-died message arrives, its link-died message must have come first, or the trapper
 * ended normally. A trapper that survives its trap also says so with a TAG_TRAPPER_SURVIVED
 * message. Senders and the collector must not fail.
 *
 * Monitoring a process that has already ended produces nothing (lunatic-abi.md §7.3), so
 * senders and trappers wait for a go message that the root sends once it monitors them.
 */
#include "check.h"

#define SENDERS 500
#define PER_SENDER 200
#define TRAPPERS 500
#define CHILDREN (SENDERS + TRAPPERS)

#define TAG_TOTAL 7
#define TAG_GO 8
#define TAG_TRAPPER_SURVIVED 9
#define LINK_COLLECTOR 100
#define LINK_BASE 1000 /* + spawn index: never 0 (no tag) */

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
    lunatic_send_bytes((uint64_t)root, TAG_TOTAL, &total, 4);
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
static volatile int zero;
/* Called through a volatile pointer, so that the compiler can neither see the recursion
   nor turn it into a loop (with a direct call it made a loop that never ends). */
static int recurse(int n);
static int (*volatile recurse_through)(int) = recurse;
static int recurse(int n) {
    return n <= 0 ? sink : recurse_through(n + 1) + 1;
}

__attribute__((export_name("trapper"))) void trapper(int64_t root, int32_t seed) {
    wait_for_go();
    uint32_t x = (uint32_t)seed * 2654435761u + 1;
    /* Some work first, so traps happen at different moments. */
    for (uint32_t i = 0; i < (x % 5000); ++i)
        sink += (int)i;
    lunatic_process_sleep_ms(x % 20);
    /* Not x % 4: x is always even here, which left out two of the four kinds. */
    switch ((x >> 8) % 4) {
    case 0: sink = *(volatile int*)(uintptr_t)0xFFFFFFF0u; break;
    case 1: __builtin_trap();
    /* Not 1 / x: the compiler may turn that into a select, which never traps. */
    case 2: sink = sink / zero; break;
    default: sink = recurse(1); break;
    }
    int32_t survivor = seed;
    lunatic_send_bytes((uint64_t)root, TAG_TRAPPER_SURVIVED, &survivor, 4);
}

static uint64_t pids[CHILDREN];
static uint8_t link_died[CHILDREN];
static uint8_t ended[CHILDREN];

static int child_index(uint64_t pid) {
    for (int i = 0; i < CHILDREN; ++i)
        if (pids[i] == pid) return i;
    return -1;
}

static int is_trapper(int index) {
    return index % 2 == 1;
}

int main(void) {
    const uint64_t self = lunatic_process_process_id();
    lunatic_process_die_when_link_dies(0);
    uint8_t params[2 * LUNATIC_PARAM_SIZE];
    uint64_t collector_pid = 0;
    lunatic_param_i64(params, (int64_t)self);
    CHECK_EQ(lunatic_spawn_simple(LINK_COLLECTOR, "collector", params, 1, &collector_pid), 0);
    lunatic_process_monitor(collector_pid);
    for (int i = 0; i < CHILDREN; ++i) {
        uint64_t pid = 0;
        if (!is_trapper(i)) {
            lunatic_param_i64(params, (int64_t)collector_pid);
            lunatic_param_i32(params + LUNATIC_PARAM_SIZE, i / 2);
            CHECK_EQ(lunatic_spawn_simple(LINK_BASE + i, "sender", params, 2, &pid), 0);
        } else {
            lunatic_param_i64(params, (int64_t)self);
            lunatic_param_i32(params + LUNATIC_PARAM_SIZE, i);
            CHECK_EQ(lunatic_spawn_simple(LINK_BASE + i, "trapper", params, 2, &pid), 0);
        }
        pids[i] = pid;
        lunatic_process_monitor(pid);
        lunatic_send_bytes(pid, TAG_GO, NULL, 0);
    }
    int ended_count = 0, trapped = 0, collector_ended = 0, total_seen = 0;
    while (ended_count < CHILDREN || !collector_ended) {
        int32_t kind = lunatic_receive_any(60000);
        CHECK(kind != LUNATIC_TIMEOUT);
        if (kind == LUNATIC_LINK_DIED) {
            int64_t tag = lunatic_message_get_tag();
            if (tag == LINK_COLLECTOR) fprintf(stderr, "the collector failed\n");
            CHECK(tag >= LINK_BASE && tag < LINK_BASE + CHILDREN);
            int index = (int)(tag - LINK_BASE);
            if (!is_trapper(index)) fprintf(stderr, "sender %d failed\n", index / 2);
            CHECK(is_trapper(index));
            CHECK(!link_died[index] && !ended[index]);
            link_died[index] = 1;
            ++trapped;
        } else if (kind == LUNATIC_PROCESS_DIED) {
            uint64_t pid = lunatic_message_get_process_id();
            if (pid == collector_pid) {
                CHECK(!collector_ended);
                collector_ended = 1;
                continue;
            }
            int index = child_index(pid);
            CHECK(index >= 0);
            CHECK(!ended[index]);
            if (is_trapper(index) && !link_died[index])
                fprintf(stderr, "trapper %d (pid %llu) ended without failing\n", index,
                        (unsigned long long)pid);
            CHECK(!is_trapper(index) || link_died[index]);
            ended[index] = 1;
            ++ended_count;
        } else {
            CHECK_EQ(kind, LUNATIC_DATA_MESSAGE);
            int64_t tag = lunatic_message_get_tag();
            if (tag == TAG_TRAPPER_SURVIVED) {
                int32_t index = -1;
                lunatic_message_read_data(&index, 4);
                fprintf(stderr, "trapper %d survived its trap\n", (int)index);
            }
            CHECK_EQ(tag, TAG_TOTAL);
            uint32_t total = 0;
            CHECK_EQ(lunatic_message_read_data(&total, 4), 4);
            CHECK_EQ(total, SENDERS * PER_SENDER);
            total_seen = 1;
        }
    }
    CHECK_EQ(trapped, TRAPPERS);
    CHECK(total_seen);
    printf("ok\n");
    return 0;
}
