/*
 * The smallest C guest the process benchmarks spawn: no libc, no data, a 2 KiB shadow
 * stack, so that its whole linear memory a process touches is one 4 KiB page. It shows
 * the runtime's own cost per process; process_bench.c's children, which carry wasi-libc
 * and the benchmark's strings, touch three pages of linear memory each.
 *
 * process_bench.wasm embeds this module and spawns its children from it when run with
 * SMALL_GUEST=1 (see bench/process/README.md). Tags are those of process_bench.c.
 */
#include <lunatic.h>

#define EXPORT(name) __attribute__((export_name(name)))

enum { TAG_READY = 1, TAG_DONE = 2 };

static void send_tag(uint64_t pid, int64_t tag) {
    lunatic_message_create_data(tag, 0);
    lunatic_message_send(pid);
}

/* spawn_exit: tells the parent and returns. */
EXPORT("exit_child") void exit_child(int64_t parent) {
    send_tag((uint64_t)parent, TAG_DONE);
}

/* idle_process, max_idle: tells the parent it runs, then blocks until any message. */
EXPORT("idle_child") void idle_child(int64_t parent) {
    send_tag((uint64_t)parent, TAG_READY);
    lunatic_message_receive((const int64_t*)0, 0, LUNATIC_NO_TIMEOUT);
}
