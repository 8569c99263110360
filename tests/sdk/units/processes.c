/*
 * The C SDK's processes and messages (tycho/process.h, message.h, request.h): spawn
 * arguments, typed values, link tags that name the failed child, monitors set before the
 * child runs, request/reply with timeouts, late replies, dead servers, the registry, error
 * texts and timers.
 */
#include "check.h"

enum { TAG_ECHO = 1, TAG_ASK = 2, TAG_SLOW = 3, TAG_STOP = 4, TAG_READY = 5 };

typedef struct point {
    int32_t x;
    double y;
} point;

/* Echoes the spawn argument back to the parent, whose id starts the argument. */
static void echo_argument(const void* arg, uint32_t len) {
    tycho_pid parent;
    CHECK(len >= sizeof parent);
    memcpy(&parent, arg, sizeof parent);
    tycho_send(parent, TAG_ECHO, (const char*)arg + sizeof parent, len - (uint32_t)sizeof parent);
}

static void spawn_passes_the_argument(void) {
    unsigned char arg[sizeof(tycho_pid) + 3000];
    tycho_pid self = tycho_self();
    memcpy(arg, &self, sizeof self);
    for (size_t i = sizeof self; i < sizeof arg; i++)
        arg[i] = (unsigned char)(i * 7);
    CHECK_STATUS(TYCHO_OK, tycho_spawn(echo_argument, arg, sizeof arg, NULL));
    unsigned char back[3000];
    uint32_t size = 0;
    CHECK_STATUS(TYCHO_OK, tycho_receive_into(TAG_ECHO, back, sizeof back, &size, 5000));
    CHECK(size == sizeof back && memcmp(back, arg + sizeof self, sizeof back) == 0);
    /* An empty argument is an argument too. */
    CHECK_STATUS(TYCHO_OK, tycho_spawn(echo_argument, &self, sizeof self, NULL));
    CHECK_STATUS(TYCHO_OK, tycho_receive_into(TAG_ECHO, back, sizeof back, &size, 5000));
    CHECK(size == 0);
    printf("spawn argument: ok\n");
}

static void typed_values_check_their_size(void) {
    point p = {-3, 2.5}, q = {0, 0};
    TYCHO_SEND_VALUE(tycho_self(), TAG_ECHO, p);
    CHECK_STATUS(TYCHO_OK, TYCHO_RECEIVE_VALUE(TAG_ECHO, &q, 0));
    CHECK(q.x == -3 && q.y == 2.5);
    int32_t small = 4;
    TYCHO_SEND_VALUE(tycho_self(), TAG_ECHO, small);
    CHECK_STATUS(TYCHO_TRUNCATED, TYCHO_RECEIVE_VALUE(TAG_ECHO, &q, 0));
    CHECK_STATUS(TYCHO_TIMEOUT, TYCHO_RECEIVE_VALUE(TAG_ECHO, &q, 0));
    printf("typed values: ok\n");
}

static void fail_now(const void* arg, uint32_t len) {
    (void)arg;
    (void)len;
    __builtin_trap();
}
static void end_now(const void* arg, uint32_t len) {
    (void)arg;
    (void)len;
}
static void wait_forever(const void* arg, uint32_t len) {
    (void)arg;
    (void)len;
    tycho_message message;
    tycho_receive_tag(TAG_STOP, TYCHO_FOREVER, &message);
}

static void link_tags_name_the_failed_child(void) {
    tycho_trap_link_deaths(0);
    tycho_pid waiting, failing;
    int64_t waiting_tag = 0, failing_tag = 0;
    CHECK_STATUS(TYCHO_OK, tycho_spawn_link(wait_forever, NULL, 0, &waiting, &waiting_tag));
    CHECK_STATUS(TYCHO_OK, tycho_spawn_link(fail_now, NULL, 0, &failing, &failing_tag));
    CHECK(tycho_is_link_tag(waiting_tag) && tycho_is_link_tag(failing_tag));
    CHECK(waiting_tag != failing_tag);
    tycho_message message;
    CHECK_STATUS(TYCHO_OK, tycho_receive_any(5000, &message));
    CHECK(message.kind == TYCHO_LINK_DIED && message.tag == failing_tag);
    /* Killing counts as failing. */
    tycho_kill(waiting);
    CHECK_STATUS(TYCHO_OK, tycho_receive_any(5000, &message));
    CHECK(message.kind == TYCHO_LINK_DIED && message.tag == waiting_tag);
    tycho_trap_link_deaths(1);
    printf("link tags: ok\n");
}

static void monitors_never_miss_a_quick_child(void) {
    tycho_spawn_options options = {TYCHO_SELF_CONFIG, 0, 1};
    for (int i = 0; i < 50; i++) {
        tycho_pid child = 0;
        CHECK_STATUS(TYCHO_OK,
                     tycho_spawn_with(i % 2 ? end_now : fail_now, NULL, 0, &options, &child, NULL));
        tycho_message message;
        CHECK_STATUS(TYCHO_OK, tycho_receive_any(5000, &message));
        CHECK(message.kind == TYCHO_PROCESS_DIED && message.pid == child);
    }
    printf("monitors: ok\n");
}

/* A server: answers TAG_ASK with the request upper-cased, TAG_SLOW after 200 ms, and
 * ends on TAG_STOP (without answering it). */
static void server(const void* arg, uint32_t len) {
    (void)arg;
    (void)len;
    static const int64_t tags[] = {TAG_ASK, TAG_SLOW, TAG_STOP};
    for (;;) {
        tycho_message message;
        tycho_receive(tags, 3, TYCHO_FOREVER, &message);
        tycho_request request;
        CHECK_STATUS(TYCHO_OK, tycho_take_call(&message, &request));
        if (message.tag == TAG_STOP) return;
        char text[64] = {0};
        uint32_t n = tycho_read(text, sizeof text);
        for (uint32_t i = 0; i < n; i++)
            if (text[i] >= 'a' && text[i] <= 'z') text[i] = (char)(text[i] - 'a' + 'A');
        if (message.tag == TAG_SLOW) tycho_sleep_ms(200);
        tycho_reply(&request, text, n);
    }
}

static void requests_and_timeouts(void) {
    tycho_pid pid;
    CHECK_STATUS(TYCHO_OK, tycho_spawn(server, NULL, 0, &pid));
    char reply[16];
    uint32_t size = 0;
    CHECK_STATUS(TYCHO_OK, tycho_call(pid, TAG_ASK, "hello", 5, reply, sizeof reply, &size, 5000));
    CHECK(size == 5 && memcmp(reply, "HELLO", 5) == 0);
    CHECK_STATUS(TYCHO_TRUNCATED,
                 tycho_call(pid, TAG_ASK, "a long reply", 12, reply, 4, &size, 5000));
    CHECK(size == 12 && memcmp(reply, "A LO", 4) == 0);

    /* Too slow: the call gives up after its timeout, and the late reply never shows up in
       a receive of any kind. */
    int64_t start = tycho_now_ms();
    CHECK_STATUS(TYCHO_TIMEOUT,
                 tycho_call(pid, TAG_SLOW, "late", 4, reply, sizeof reply, &size, 50));
    int64_t waited = tycho_now_ms() - start;
    CHECK(waited >= 45 && waited < 190);
    tycho_sleep_ms(300);
    int marker = 42;
    TYCHO_SEND_VALUE(tycho_self(), TAG_READY, marker);
    tycho_message message;
    CHECK_STATUS(TYCHO_OK, tycho_receive_any(1000, &message));
    CHECK(message.kind == TYCHO_DATA && message.tag == TAG_READY);
    /* The next call gets its own answer, not the stale one. */
    CHECK_STATUS(TYCHO_OK, tycho_call(pid, TAG_ASK, "fresh", 5, reply, sizeof reply, &size, 5000));
    CHECK(size == 5 && memcmp(reply, "FRESH", 5) == 0);

    /* A server that ends without answering: the caller learns it long before its timeout. */
    start = tycho_now_ms();
    CHECK_STATUS(TYCHO_NO_PROCESS,
                 tycho_call(pid, TAG_STOP, NULL, 0, reply, sizeof reply, &size, 60000));
    CHECK(tycho_now_ms() - start < 5000);
    CHECK(strstr(tycho_last_error(), "ended without replying") != NULL);
    start = tycho_now_ms();
    CHECK_STATUS(TYCHO_NO_PROCESS,
                 tycho_call(pid, TAG_ASK, "gone", 4, reply, sizeof reply, &size, TYCHO_FOREVER));
    CHECK(tycho_now_ms() - start < TYCHO_CALL_LIVENESS_MS / 2); /* no waiting on a known end */
    printf("requests: ok\n");
}

/* A reply that is still awaited is not dropped by a receive of any kind in between: only
 * replies to calls that gave up are. */
static void awaited_replies_survive_receive_any(void) {
    tycho_pid pid;
    CHECK_STATUS(TYCHO_OK, tycho_spawn(server, NULL, 0, &pid));
    tycho_request request = {tycho_self(), tycho_fresh_reply_tag()};
    tycho_send_call(pid, TAG_ASK, &request, "ping", 4);
    tycho_sleep_ms(50);
    tycho_message message;
    CHECK_STATUS(TYCHO_TIMEOUT, tycho_receive_tag(TAG_READY, 0, &message));
    int marker = 1;
    TYCHO_SEND_VALUE(tycho_self(), TAG_READY, marker);
    /* The reply is older than the marker, so a receive of any kind returns it first. */
    CHECK_STATUS(TYCHO_OK, tycho_receive_any(0, &message));
    CHECK(message.kind == TYCHO_DATA && message.tag == request.reply_tag && message.size == 4);
    char reply[8];
    CHECK(tycho_read(reply, sizeof reply) == 4 && memcmp(reply, "PING", 4) == 0);
    CHECK_STATUS(TYCHO_OK, tycho_receive_tag(TAG_READY, 0, &message));
    tycho_call(pid, TAG_STOP, NULL, 0, NULL, 0, NULL, 5000);
    printf("awaited replies: ok\n");
}

/* Spawns a child that waits for its argument, tells the parent (the argument) its id, and
 * ends without ever starting it. */
static void abandon_a_child(const void* arg, uint32_t len) {
    tycho_pid parent, child = 0;
    CHECK(len == sizeof parent);
    memcpy(&parent, arg, sizeof parent);
    CHECK_STATUS(TYCHO_OK, tycho_spawn_waiting(end_now, NULL, &child, NULL));
    TYCHO_SEND_VALUE(parent, TAG_ECHO, child);
}

/* A child whose parent ended before sending its argument does not wait forever. */
static void orphans_do_not_wait_forever(void) {
    tycho_pid self = tycho_self(), child = 0;
    CHECK_STATUS(TYCHO_OK, tycho_spawn(abandon_a_child, &self, sizeof self, NULL));
    CHECK_STATUS(TYCHO_OK, TYCHO_RECEIVE_VALUE(TAG_ECHO, &child, 5000));
    int64_t deadline = tycho_deadline(5000);
    while (tycho_alive(child) && tycho_remaining_ms(deadline) > 0)
        tycho_sleep_ms(5);
    CHECK(!tycho_alive(child));
    printf("orphans: ok\n");
}

static void reply_tags_are_fresh(void) {
    int64_t previous = tycho_fresh_reply_tag();
    for (int i = 0; i < 1000; i++) {
        int64_t tag = tycho_fresh_reply_tag();
        CHECK(tycho_is_reply_tag(tag) && tag != previous);
        CHECK(!tycho_is_link_tag(tag) && tag > TYCHO_TAG_USER_MAX);
        previous = tag;
    }
    printf("reply tags: ok\n");
}

static void registry_and_whereis_or_spawn(void) {
    tycho_pid pid = 0, again = 0, found = 0;
    CHECK_STATUS(TYCHO_NO_PROCESS, tycho_whereis("sdk-test-server", &found));
    CHECK_STATUS(TYCHO_OK, tycho_whereis_or_spawn("sdk-test-server", server, NULL, 0, &pid));
    CHECK_STATUS(TYCHO_OK, tycho_whereis_or_spawn("sdk-test-server", server, NULL, 0, &again));
    CHECK(pid == again);
    CHECK_STATUS(TYCHO_OK, tycho_whereis("sdk-test-server", &found));
    CHECK(found == pid);
    char reply[8];
    uint32_t size;
    CHECK_STATUS(TYCHO_OK, tycho_call(found, TAG_ASK, "kv", 2, reply, sizeof reply, &size, 5000));
    tycho_kill(pid);
    int64_t deadline = tycho_deadline(5000);
    while (tycho_alive(pid) && tycho_remaining_ms(deadline) > 0)
        tycho_sleep_ms(1);
    /* The name still points at the dead process; whereis says there is none. */
    CHECK_STATUS(TYCHO_NO_PROCESS, tycho_whereis("sdk-test-server", &found));
    tycho_register("sdk-test-self", tycho_self());
    CHECK_STATUS(TYCHO_OK, tycho_whereis("sdk-test-self", &found));
    CHECK(found == tycho_self());
    tycho_unregister("sdk-test-self");
    CHECK_STATUS(TYCHO_NO_PROCESS, tycho_whereis("sdk-test-self", &found));
    printf("registry: ok\n");
}

static void spawn_errors_have_text(void) {
    int64_t config;
    CHECK_STATUS(TYCHO_OK, tycho_config_create(&config));
    tycho_config_set_max_memory(config, 1024); /* less than the module's memory */
    tycho_spawn_options options = {config, 0, 0};
    tycho_pid child = 0;
    CHECK_STATUS(TYCHO_FAILED, tycho_spawn_with(end_now, NULL, 0, &options, &child, NULL));
    CHECK(strlen(tycho_last_error()) > 0);
    printf("spawn error: \"%s\"\n", tycho_last_error());
    tycho_config_drop(config);
}

static void timers(void) {
    int value = 9;
    int64_t start = tycho_now_ms();
    tycho_send_after(tycho_self(), TAG_READY, &value, sizeof value, 40);
    uint64_t cancelled = tycho_send_after(tycho_self(), TAG_ECHO, &value, sizeof value, 20);
    CHECK(tycho_cancel_timer(cancelled) == 1);
    int got = 0;
    CHECK_STATUS(TYCHO_OK, TYCHO_RECEIVE_VALUE(TAG_READY, &got, 5000));
    CHECK(got == 9 && tycho_now_ms() - start >= 35);
    CHECK_STATUS(TYCHO_TIMEOUT, TYCHO_RECEIVE_VALUE(TAG_ECHO, &got, 50));
    CHECK(tycho_cancel_timer(cancelled) == 0);
    printf("timers: ok\n");
}

int main(void) {
    spawn_passes_the_argument();
    typed_values_check_their_size();
    link_tags_name_the_failed_child();
    monitors_never_miss_a_quick_child();
    requests_and_timeouts();
    awaited_replies_survive_receive_any();
    orphans_do_not_wait_forever();
    reply_tags_are_fresh();
    registry_and_whereis_or_spawn();
    spawn_errors_have_text();
    timers();
    printf("ok\n");
    return 0;
}
