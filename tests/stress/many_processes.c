/*
 * 100,000 processes alive at once: each waits in receive until the root has spawned all of
 * them, then answers one message. Every answer must arrive (nothing is lost) and every
 * process must have been alive concurrently (each checks in before any is released).
 */
#include "check.h"

#define COUNT 100000

static uint64_t children[COUNT];

__attribute__((export_name("sleeper"))) void sleeper(int64_t root) {
    /* Check in, then wait for the release and answer with our index. */
    lunatic_send_bytes((uint64_t)root, 1, 0, 0);
    CHECK_EQ(lunatic_receive_any(LUNATIC_NO_TIMEOUT), LUNATIC_DATA_MESSAGE);
    uint32_t index = 0;
    CHECK_EQ(lunatic_message_read_data(&index, 4), 4);
    lunatic_send_bytes((uint64_t)root, 2, &index, 4);
}

int main(void) {
    const uint64_t self = lunatic_process_process_id();
    uint8_t param[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(param, (int64_t)self);
    for (uint32_t i = 0; i < COUNT; ++i)
        CHECK_EQ(lunatic_spawn_simple(0, "sleeper", param, 1, &children[i]), 0);
    for (uint32_t i = 0; i < COUNT; ++i)
        CHECK_EQ(lunatic_receive_tag(1, 60000), 0);
    /* All have checked in and are blocked in receive now. */
    for (uint32_t i = 0; i < COUNT; ++i)
        CHECK(lunatic_process_exists(children[i]));
    for (uint32_t i = 0; i < COUNT; ++i)
        lunatic_send_bytes(children[i], 0, &i, 4);
    static uint8_t seen[COUNT];
    for (uint32_t i = 0; i < COUNT; ++i) {
        CHECK_EQ(lunatic_receive_tag(2, 60000), 0);
        uint32_t index = 0;
        CHECK_EQ(lunatic_message_read_data(&index, 4), 4);
        CHECK(index < COUNT && !seen[index]);
        seen[index] = 1;
    }
    printf("ok\n");
    return 0;
}
