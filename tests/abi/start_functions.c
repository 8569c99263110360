/*
 * start_functions.c - a module's start function runs inside the new process, fully set up.
 *
 * ABI: §2.4 (instantiation), §16.3 (spawn). Tycho differs from Lunatic here on purpose:
 * the child instantiates its module and runs the start function on its own fiber, after
 * spawn has returned, so nothing the start function does can stop, freeze or crash its
 * spawner or the runtime. A trap in it is the child's failure, like a trap in its entry.
 *
 * Expected behaviour checked here (run with --workers 1 too, see CMakeLists.txt):
 *  - lunatic::trap::catch works in a start function (modules/start_catch.wat).
 *  - registry calls work in a start function, and get_or_spawn of a module whose start
 *    function uses the registry returns (it used to deadlock the registry).
 *  - A start function that loops forever does not stop its spawner or anyone else, and
 *    can be killed (the kill reaches a linked spawner as a link-died message).
 *  - A start function that sleeps and receives gets messages sent to the child.
 *  - A start function that traps: spawn returns 0, the child exists at first, then fails
 *    (link-died); a start function that spawns traps (not allowed while instantiating).
 *  - An initial memory above the config's max_memory still fails the spawn itself
 *    (status 1 + error id): that is known before anything runs.
 */
#include "check.h"

#include "modules/start_catch.h"
#include "modules/start_loops.h"
#include "modules/start_registry.h"
#include "modules/start_traps.h"
#include "modules/start_waits.h"

#define SENTINEL_ID 0x5E5E5E5E5E5E5E5Eull

static int64_t compile(const unsigned char* bytes, uint32_t len) {
    uint64_t id = SENTINEL_ID;
    CHECK_EQ(lunatic_process_compile_module(bytes, len, &id), 0);
    return (int64_t)id;
}
#define COMPILE(bytes) compile((bytes), sizeof(bytes))

static uint64_t spawn_module(int64_t link, int64_t module) {
    uint8_t params[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(params, (int64_t)self_pid());
    uint64_t id = 0;
    CHECK_EQ(lunatic_process_spawn(link, LUNATIC_SELF_CONFIG, module, "entry", 5, params,
                                   sizeof params, &id),
             0);
    CHECK(id != 0);
    return id;
}

static void expect_link_died(int64_t tag) {
    int64_t tags[1] = {tag};
    CHECK_EQ(lunatic_message_receive(tags, 1, WAIT_MS), LUNATIC_LINK_DIED);
    CHECK_EQ(lunatic_message_get_tag(), tag);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    /* catch inside a start function: the handler traps, catch returns 0. */
    spawn_module(HELPER_LINK, COMPILE(START_CATCH_WASM));
    EXPECT_MSG(500);

    /* The registry from a start function, through spawn and through get_or_spawn. */
    lunatic_registry_put_str("start-probe", 0, self_pid());
    uint64_t child = spawn_module(HELPER_LINK, COMPILE(START_REGISTRY_WASM));
    EXPECT_MSG(600);
    uint64_t node = SENTINEL_ID, who = SENTINEL_ID;
    CHECK_EQ(lunatic_registry_get_str("start-put", &node, &who), 0);
    CHECK_EQ(who, child);
    lunatic_registry_remove_str("start-probe");
    uint8_t params[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(params, (int64_t)self_pid());
    uint64_t svc = SENTINEL_ID;
    CHECK_EQ(lunatic_process_get_or_spawn("start-svc", 9, HELPER_LINK, LUNATIC_SELF_CONFIG,
                                          COMPILE(START_REGISTRY_WASM), "entry", 5, params,
                                          sizeof params, &node, &svc),
             0);
    EXPECT_MSG(601); /* "start-probe" was removed before it looked */
    CHECK_EQ(lunatic_registry_get_str("start-svc", &node, &who), 0);
    CHECK_EQ(who, svc);

    /* A start function that never ends: everyone else goes on, and a kill ends it. */
    uint64_t looping = spawn_module(801, COMPILE(START_LOOPS_WASM));
    uint64_t probe = spawn_module(HELPER_LINK, COMPILE(START_CATCH_WASM));
    (void)probe;
    EXPECT_MSG(500); /* another child ran to its end meanwhile */
    CHECK_EQ(lunatic_process_exists(looping), 1);
    lunatic_process_kill(looping);
    expect_link_died(801);
    WAIT_GONE(looping);

    /* A start function that sleeps and then receives gets what is sent to the child. */
    uint64_t waiting = spawn_module(HELPER_LINK, COMPILE(START_WAITS_WASM));
    lunatic_message_create_data(42, 0);
    CHECK_EQ(lunatic_message_send(waiting), 0);
    EXPECT_MSG(742);

    /* A trapping start function is the child's failure. */
    uint64_t trapping = spawn_module(802, COMPILE(START_TRAPS_WASM));
    CHECK(trapping != 0);
    expect_link_died(802);
    WAIT_GONE(trapping);

    /* An initial memory above max_memory fails the spawn itself. */
    int64_t small = lunatic_process_create_config();
    CHECK(small >= 0);
    lunatic_process_config_set_max_memory(small, 65536);
    uint64_t err = SENTINEL_ID;
    CHECK_EQ(lunatic_process_spawn(0, small, LUNATIC_SELF_MODULE, "main", 4, 0, 0, &err), 1);
    CHECK(check_error_text_and_drop(err) > 0);

    puts("ok");
    return 0;
}
