/*
 * Hello, processes: the root process spawns one greeter process per command-line argument,
 * asks each for a greeting (request and reply, tycho/request.h), and prints the greetings.
 *
 * All the requests go out before the first reply is awaited, so the greeters work at the
 * same time; the replies are then awaited one by one in argument order, so the output is
 * the same on every run whichever greeter answers first.
 *
 *   sdk/bin/tycho-cc examples/hello/hello.c -o hello.wasm
 *   tycho run hello.wasm Ada Grace Barbara
 */
#include <tycho/tycho.h>

#define MAX_NAMES 64
enum { TAG_GREET = 1 };

/* A greeter: answers one request "<name>" with "Hello, <name>!", then ends. */
static void greeter(const void* arg, uint32_t len) {
    (void)arg;
    (void)len;
    tycho_message message;
    tycho_receive_tag(TAG_GREET, TYCHO_FOREVER, &message);
    tycho_request request;
    if (tycho_take_call(&message, &request) != TYCHO_OK) return;
    char name[64] = {0};
    tycho_read(name, sizeof name - 1); /* the request's bytes follow its prefix */
    char greeting[96];
    int n = snprintf(greeting, sizeof greeting, "Hello, %s!", name);
    tycho_reply(&request, greeting, (uint32_t)n);
}

int main(int argc, char** argv) {
    if (argc < 2 || argc - 1 > MAX_NAMES) {
        printf("usage: %s NAME... (at most %d names)\n", argv[0], MAX_NAMES);
        return 2;
    }
    tycho_pid greeters[MAX_NAMES];
    tycho_request requests[MAX_NAMES];
    for (int i = 1; i < argc; ++i) {
        if (tycho_spawn(greeter, NULL, 0, &greeters[i - 1]) != TYCHO_OK) {
            fprintf(stderr, "cannot spawn a greeter: %s\n", tycho_last_error());
            return 1;
        }
        /* tycho_call would send and wait in one step; sending first and awaiting later lets
           every greeter work at once. The fresh reply tag tells the replies apart. */
        requests[i - 1] = (tycho_request){tycho_self(), tycho_fresh_reply_tag()};
        tycho_send_call(greeters[i - 1], TAG_GREET, &requests[i - 1], argv[i],
                        (uint32_t)strlen(argv[i]));
    }
    for (int i = 1; i < argc; ++i) {
        char greeting[128] = {0};
        int status = tycho_await_reply(greeters[i - 1], requests[i - 1].reply_tag, greeting,
                                       sizeof greeting - 1, NULL, 5000);
        if (status != TYCHO_OK) {
            fprintf(stderr, "no greeting for %s: %s\n", argv[i], tycho_status_text(status));
            return 1;
        }
        printf("%s\n", greeting);
    }
    return 0;
}
