/* A child exits with status 3 (proc_exit): deliberate, so quiet at the default log level;
   the root watches it end through a monitor and says so. The child waits for a go message,
   so that it cannot end before the monitor is in place (monitoring a process that has
   already ended produces nothing). */
#include <lunatic.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((export_name("quit"))) void quit(void) {
    lunatic_receive_any(LUNATIC_NO_TIMEOUT);
    exit(3);
}

int main(void) {
    uint64_t child = 0;
    if (lunatic_spawn_simple(0, "quit", NULL, 0, &child) != 0) return 2;
    lunatic_process_monitor(child);
    lunatic_send_bytes(child, 0, NULL, 0);
    if (lunatic_receive_any(10000) != LUNATIC_PROCESS_DIED) return 2;
    printf("child ended\n");
    return 0;
}
