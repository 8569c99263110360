/* Spawns idle children until the runtime-wide memory budget (--max-total-memory) refuses
   one, shows that host memory is refused too (a message that would not fit traps a
   child), then kills the children and shows that their memory went back to the budget. */
#include <lunatic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHILDREN 100000

__attribute__((export_name("idle"))) void idle(void) {
    lunatic_receive_any(LUNATIC_NO_TIMEOUT);
}

__attribute__((export_name("write_big"))) void write_big(void) {
    static char chunk[64 * 1024];
    lunatic_message_create_data(0, 0);
    for (int i = 0; i < 1024; i++)
        lunatic_message_write_data(chunk, sizeof chunk);
}

static int32_t spawn_idle(uint64_t* id) {
    return lunatic_process_spawn(0, LUNATIC_SELF_CONFIG, LUNATIC_SELF_MODULE, "idle", 4, 0, 0, id);
}

static uint64_t children[MAX_CHILDREN];

int main(void) {
    lunatic_process_die_when_link_dies(0);
    int count = 0;
    uint64_t id = 0;
    int32_t status = 0;
    while (count < MAX_CHILDREN && (status = spawn_idle(&id)) == 0)
        children[count++] = id;
    if (status != 1) {
        printf("never refused (%d children)\n", count);
        return 1;
    }
    char text[512] = {0};
    uint32_t size = lunatic_error_string_size(id);
    if (size < sizeof text) lunatic_error_to_string(id, text);
    lunatic_error_drop(id);
    printf("refused after %d spawns: %s\n", count, text);

    /* Host memory comes from the same budget: with room for a few processes again, a
       64 MiB message cannot be written. */
    for (int i = count - 10; i < count; i++) {
        lunatic_process_kill(children[i]);
        while (lunatic_process_exists(children[i]))
            lunatic_process_sleep_ms(1);
    }
    count -= 10;
    uint64_t writer = 0;
    lunatic_process_spawn(1, LUNATIC_SELF_CONFIG, LUNATIC_SELF_MODULE, "write_big", 9, 0, 0,
                          &writer);
    printf("writer: %s\n", lunatic_receive_any(5000) == LUNATIC_LINK_DIED ? "trapped" : "lived");

    for (int i = 0; i < count; i++)
        lunatic_process_kill(children[i]);
    for (int i = 0; i < count; i++)
        while (lunatic_process_exists(children[i]))
            lunatic_process_sleep_ms(1);
    if (spawn_idle(&id) != 0) {
        printf("still refused after the children ended\n");
        return 1;
    }
    lunatic_process_kill(id);
    printf("budget given back\n");
    return 0;
}
