/*
 * Records known metrics and runs known process and message traffic, then prints "ready" and
 * waits for a line on stdin, so that tests/cli/metrics.sh can scrape the exporter while it
 * runs (the end of stdin does as well as a line). What it leaves behind, for that script:
 *   guest metrics: requests_total 7, echoes_total 3, temperature 22.25, queue_length 4,
 *     guest_tycho_fake_total 1, latency (count 3, sum 3.5: 0.25 and 0.25 in le="0.25",
 *     3 in le="5");
 *   processes: 5 spawned (the root, 3 echo children, 1 that traps), 1 failed, 1 alive;
 *   messages: 7 sent and 7 received (3 requests, 3 replies, 1 send_after to itself).
 */
#include <lunatic.h>

#include <stdio.h>
#include <string.h>

#define STR(s) (s), (uint32_t)(sizeof(s) - 1)
#define TAG_REQUEST 1
#define TAG_REPLY 2
#define TAG_TIMER 3
#define CHILDREN 3

__attribute__((export_name("echo"))) void echo(int64_t parent) {
    if (lunatic_receive_any(LUNATIC_NO_TIMEOUT) != LUNATIC_DATA_MESSAGE) return;
    lunatic_metrics_increment_counter(STR("echoes"));
    lunatic_send_bytes((uint64_t)parent, TAG_REPLY, "pong", 4);
}

__attribute__((export_name("crash"))) void crash(void) {
    __builtin_trap();
}

static int spawn(const char* entry, int with_parent, uint64_t* pid) {
    uint8_t params[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(params, (int64_t)lunatic_process_process_id());
    return lunatic_spawn_simple(0, entry, params, with_parent ? 1 : 0, pid);
}

static void wait_gone(uint64_t pid) {
    while (lunatic_process_exists(pid))
        lunatic_process_sleep_ms(1);
}

int main(void) {
    lunatic_metrics_counter(STR("requests"), 5);
    lunatic_metrics_increment_counter(STR("requests"));
    lunatic_metrics_increment_counter(STR("requests"));
    lunatic_metrics_gauge(STR("temperature"), 20.5);
    lunatic_metrics_increment_gauge(STR("temperature"), 2);
    lunatic_metrics_decrement_gauge(STR("temperature"), 0.25);
    lunatic_metrics_gauge(STR("queue.length"), 4);
    lunatic_metrics_increment_counter(STR("tycho_fake"));
    lunatic_metrics_histogram(STR("latency"), 0.25);
    lunatic_metrics_histogram(STR("latency"), 0.25);
    lunatic_metrics_histogram(STR("latency"), 3);

    uint64_t children[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        if (spawn("echo", 1, &children[i]) != 0) return 1;
        lunatic_send_bytes(children[i], TAG_REQUEST, "ping", 4);
    }
    for (int i = 0; i < CHILDREN; i++) {
        int64_t tags[] = {TAG_REPLY};
        if (lunatic_message_receive(tags, 1, 5000) != LUNATIC_DATA_MESSAGE) return 2;
    }
    lunatic_message_create_data(TAG_TIMER, 0);
    lunatic_timer_send_after(lunatic_process_process_id(), 0);
    int64_t timer_tag[] = {TAG_TIMER};
    if (lunatic_message_receive(timer_tag, 1, 5000) != LUNATIC_DATA_MESSAGE) return 3;

    uint64_t crasher;
    if (spawn("crash", 0, &crasher) != 0) return 4;
    wait_gone(crasher);
    for (int i = 0; i < CHILDREN; i++)
        wait_gone(children[i]);

    puts("ready");
    fflush(stdout);
    char line[16];
    (void)fgets(line, sizeof line, stdin); /* a line, or the end of the input */
    puts("done");
    return 0;
}
