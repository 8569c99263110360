/*
 * Hello, processes: the root process spawns one greeter per command-line argument, sends
 * each a name, and prints the greetings in the order they come back.
 *
 *   clang-19 --target=wasm32-wasi -O2 -I sdk/c/include examples/hello/hello.c -o hello.wasm
 *   tycho run hello.wasm Ada Grace Barbara
 */
#include <lunatic.h>
#include <stdio.h>
#include <string.h>

/* A greeter: receives "<reply-to pid><name>" and answers "Hello, <name>!". */
__attribute__((export_name("greeter"))) void greeter(void) {
    lunatic_receive_any(LUNATIC_NO_TIMEOUT);
    uint64_t reply_to = 0;
    lunatic_message_read_data(&reply_to, sizeof reply_to);
    char name[64] = {0};
    lunatic_message_read_data(name, sizeof name - 1);
    char greeting[96];
    int n = snprintf(greeting, sizeof greeting, "Hello, %s! (from process %llu)", name,
                     (unsigned long long)lunatic_process_process_id());
    lunatic_send_bytes(reply_to, 0, greeting, (uint32_t)n);
}

int main(int argc, char** argv) {
    const uint64_t self = lunatic_process_process_id();
    if (argc < 2) {
        printf("usage: %s NAME...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; ++i) {
        uint64_t child = 0;
        if (lunatic_spawn_simple(0, "greeter", 0, 0, &child) != 0) return 1;
        lunatic_message_create_data(0, 0);
        lunatic_message_write_data(&self, sizeof self);
        lunatic_message_write_data(argv[i], (uint32_t)strlen(argv[i]));
        lunatic_message_send(child);
    }
    for (int i = 1; i < argc; ++i) {
        lunatic_receive_any(LUNATIC_NO_TIMEOUT);
        char text[128] = {0};
        lunatic_message_read_data(text, sizeof text - 1);
        printf("%s\n", text);
    }
    return 0;
}
