/*
 * Output is not lost when a process fails: the SDK line-buffers stdout, so a complete line
 * is out before a trap, and tycho_panic flushes even a partial line. The test checks that
 * both texts appear in the output.
 */
#include <tycho/tycho.h>

static void trap_after_a_line(const void* arg, uint32_t len) {
    (void)arg;
    (void)len;
    printf("a line before a trap\n");
    __builtin_trap();
}

static void panic_after_a_partial_line(const void* arg, uint32_t len) {
    (void)arg;
    (void)len;
    printf("a partial line before a panic ");
    tycho_panic("as planned");
}

static void run_and_wait(tycho_entry entry) {
    tycho_spawn_options options = {TYCHO_SELF_CONFIG, 0, 1};
    tycho_pid child = 0;
    if (tycho_spawn_with(entry, NULL, 0, &options, &child, NULL) != TYCHO_OK)
        tycho_panic("spawn: %s", tycho_last_error());
    tycho_message message;
    if (tycho_receive_any(10000, &message) != TYCHO_OK || message.kind != TYCHO_PROCESS_DIED ||
        message.pid != child)
        tycho_panic("no process-died message for the child");
}

int main(void) {
    run_and_wait(trap_after_a_line);
    run_and_wait(panic_after_a_partial_line);
    printf("ok\n");
    return 0;
}
