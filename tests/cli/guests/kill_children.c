/* Spawns N idle children (argv[1], default 1000), waits until each is parked in receive,
   kills them all, waits until each is gone (a monitor's message) and prints
   "N children killed". A kill is deliberate: at the default log level it prints nothing. */
#include <lunatic.h>
#include <stdio.h>
#include <stdlib.h>

#define TAG_READY 1
#define WAIT_MS 10000

__attribute__((export_name("idle"))) void idle(int64_t parent) {
    lunatic_send_bytes((uint64_t)parent, TAG_READY, "", 0);
    lunatic_receive_any(LUNATIC_NO_TIMEOUT);
    fprintf(stderr, "an idle child was not killed\n");
}

static void fail(const char* what) {
    fprintf(stderr, "kill_children: %s\n", what);
    exit(2);
}

int main(int argc, char** argv) {
    const int count = argc > 1 ? atoi(argv[1]) : 1000;
    uint64_t* children = malloc(sizeof(uint64_t) * (size_t)count);
    if (children == NULL) fail("out of memory");
    uint8_t param[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(param, (int64_t)lunatic_process_process_id());
    for (int i = 0; i < count; ++i)
        if (lunatic_spawn_simple(0, "idle", param, 1, &children[i]) != 0) fail("spawn failed");
    for (int i = 0; i < count; ++i)
        if (lunatic_receive_tag(TAG_READY, WAIT_MS) != LUNATIC_DATA_MESSAGE)
            fail("a child did not report ready");
    for (int i = 0; i < count; ++i) {
        lunatic_process_monitor(children[i]);
        lunatic_process_kill(children[i]);
    }
    for (int i = 0; i < count; ++i)
        if (lunatic_receive_any(WAIT_MS) != LUNATIC_PROCESS_DIED) fail("a child did not die");
    printf("%d children killed\n", count);
    return 0;
}
