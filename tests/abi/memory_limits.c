/*
 * memory_limits.c - host memory a guest makes Tycho allocate is bounded by its max_memory.
 *
 * Tycho's rule (README, "Limits"): linear memory is held to a process's max_memory as in
 * Lunatic; the host memory its calls allocate (tables, the message being written, configs
 * and their strings, compiled modules, error texts, delayed messages) is held to the same
 * amount, counted separately. Past it the host call traps (table.grow returns -1), and
 * everything else goes on.
 *
 * Expected behaviour checked here, each in a child with a small max_memory:
 *  - write_data in a loop traps once the message would exceed max_memory.
 *  - config_add_environment_variable in a loop traps.
 *  - create_config in a loop (never dropped) traps; dropped configs give their memory back.
 *  - compile_module of bad bytes in a loop, never dropping the error ids, traps.
 *  - tables: growth stops at max_memory (modules/many_tables.wat: 5 growths of 90,000
 *    elements fit in 4 MiB, the sixth returns -1), and no table reaches 100,000 elements
 *    even with room to spare (19 growths fit in 64 MiB).
 *  - send_after in a loop with far deadlines traps (each pending timer holds its message);
 *    cancelled timers give their memory back.
 *  - A message sent leaves the sender's account: the same child can write many messages
 *    of close to max_memory one after another.
 */
#include "check.h"

#include "modules/many_tables.h"

#define SMALL_MEMORY (1024 * 1024)
#define LOOP_LIMIT 10000000

static int64_t small_config(uint64_t max_memory) {
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    lunatic_process_config_set_max_memory(c, max_memory);
    lunatic_process_config_set_can_create_configs(c, 1);
    lunatic_process_config_set_can_compile_modules(c, 1);
    return c;
}

ENTRY(t_write_data_forever)(int64_t parent) {
    child_reached(parent);
    static const char chunk[4096];
    lunatic_message_create_data(1, 0);
    for (int i = 0; i < LOOP_LIMIT; i++)
        lunatic_message_write_data(chunk, sizeof chunk);
    child_survived(parent);
}

ENTRY(t_env_strings_forever)(int64_t parent) {
    int64_t c = lunatic_process_create_config();
    CHECK(c >= 0);
    child_reached(parent);
    static char value[1024];
    memset(value, 'v', sizeof value);
    for (int i = 0; i < LOOP_LIMIT; i++)
        lunatic_wasi_config_add_environment_variable(c, "K", 1, value, sizeof value);
    child_survived(parent);
}

ENTRY(t_configs_forever)(int64_t parent) {
    /* Dropped configs give their memory back: far more than fit at once. */
    for (int i = 0; i < 100000; i++) {
        int64_t c = lunatic_process_create_config();
        CHECK(c >= 0);
        lunatic_process_drop_config(c);
    }
    child_reached(parent);
    for (int i = 0; i < LOOP_LIMIT; i++)
        lunatic_process_create_config();
    child_survived(parent);
}

ENTRY(t_errors_forever)(int64_t parent) {
    static const unsigned char not_wasm[4] = {1, 2, 3, 4};
    child_reached(parent);
    for (int i = 0; i < LOOP_LIMIT; i++) {
        uint64_t err = 0;
        lunatic_process_compile_module(not_wasm, sizeof not_wasm, &err);
    }
    child_survived(parent);
}

ENTRY(t_timers_forever)(int64_t parent) {
    static char chunk[64 * 1024];
    /* Cancelled timers give their memory back: many more than fit at once. */
    for (int i = 0; i < 100; i++) {
        lunatic_message_create_data(5, 0);
        CHECK_EQ(lunatic_message_write_data(chunk, sizeof chunk), sizeof chunk);
        CHECK_EQ(lunatic_timer_cancel_timer(lunatic_timer_send_after(self_pid(), 3600000)), 1);
    }
    child_reached(parent);
    for (int i = 0; i < LOOP_LIMIT; i++) {
        lunatic_message_create_data(5, 0);
        lunatic_message_write_data(chunk, sizeof chunk);
        lunatic_timer_send_after(self_pid(), 3600000);
    }
    child_survived(parent);
}

ENTRY(e_big_messages)(int64_t parent) {
    /* Each message is close to the whole budget, and each leaves it when sent. */
    static char chunk[64 * 1024];
    for (int m = 0; m < 50; m++) {
        lunatic_message_create_data(77, 0);
        for (int i = 0; i < 12; i++)
            CHECK_EQ(lunatic_message_write_data(chunk, sizeof chunk), sizeof chunk);
        CHECK_EQ(lunatic_message_send(self_pid()), 0);
        CHECK_EQ(lunatic_receive_tag(77, WAIT_MS), LUNATIC_DATA_MESSAGE);
    }
    SEND((uint64_t)parent, 78, 0);
}

static void expect_table_growths(uint64_t max_memory, int64_t tag) {
    uint64_t module = 0;
    CHECK_EQ(lunatic_process_compile_module(MANY_TABLES_WASM, sizeof MANY_TABLES_WASM, &module), 0);
    uint8_t params[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(params, (int64_t)self_pid());
    uint64_t id = 0;
    int64_t config = small_config(max_memory);
    CHECK_EQ(lunatic_process_spawn(HELPER_LINK, config, (int64_t)module, "entry", 5, params,
                                   sizeof params, &id),
             0);
    EXPECT_MSG(tag);
    lunatic_process_drop_config(config);
    lunatic_process_drop_module((int64_t)module);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);
    int64_t small = small_config(SMALL_MEMORY);

    EXPECT_TRAP_CFG("t_write_data_forever", small);
    EXPECT_TRAP_CFG("t_env_strings_forever", small);
    EXPECT_TRAP_CFG("t_configs_forever", small);
    EXPECT_TRAP_CFG("t_errors_forever", small);
    EXPECT_TRAP_CFG("t_timers_forever", small);

    SPAWN(HELPER_LINK, small, "e_big_messages", (int64_t)self_pid());
    EXPECT_MSG(78);

    expect_table_growths(4 * 1024 * 1024, 905);
    expect_table_growths(64 * 1024 * 1024, 919);

    puts("ok");
    return 0;
}
