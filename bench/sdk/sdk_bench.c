/*
 * What the C SDK's conveniences cost, each next to the same work done with the raw host
 * functions in the same run: spawning (the SDK sends the argument as a first message),
 * request/reply (tycho_call adds a prefix, a fresh reply tag and a liveness check), and
 * items through a channel (a channel process in between) against messages sent straight.
 * Rounds alternate between the two, and the medians and their ratio are printed.
 *
 *   tycho run --workers 2 build/bench/sdk_bench.wasm [--quick]
 */
#include <tycho/tycho.h>

enum { TAG_READY = 1, TAG_ECHO = 2, TAG_ITEM = 3, TAG_DONE = 4 };
enum { ROUNDS = 7 };

static int quick;

static int64_t now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* --- spawning ------------------------------------------------------------------------- */

__attribute__((export_name("raw_child"))) void raw_child(int64_t parent) {
    lunatic_send_bytes((uint64_t)parent, TAG_READY, NULL, 0);
}

static void sdk_child(const void* arg, uint32_t len) {
    tycho_pid parent;
    if (len != sizeof parent) tycho_panic("bad argument");
    memcpy(&parent, arg, sizeof parent);
    tycho_send(parent, TAG_READY, NULL, 0);
}

static void wait_ready(int count) {
    for (int i = 0; i < count; i++)
        if (lunatic_receive_tag(TAG_READY, LUNATIC_NO_TIMEOUT) != LUNATIC_DATA_MESSAGE)
            tycho_panic("no ready message");
}

static double spawn_raw(int count) {
    int64_t start = now_ns();
    uint8_t params[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(params, (int64_t)tycho_self());
    for (int i = 0; i < count; i++) {
        uint64_t id;
        if (lunatic_spawn_simple(0, "raw_child", params, 1, &id) != 0) tycho_panic("spawn failed");
    }
    wait_ready(count);
    return (double)(now_ns() - start) / 1000.0 / count;
}

static double spawn_sdk(int count) {
    int64_t start = now_ns();
    tycho_pid self = tycho_self();
    for (int i = 0; i < count; i++)
        if (tycho_spawn(sdk_child, &self, sizeof self, NULL) != TYCHO_OK)
            tycho_panic("spawn failed: %s", tycho_last_error());
    wait_ready(count);
    return (double)(now_ns() - start) / 1000.0 / count;
}

/* --- request and reply ---------------------------------------------------------------- */

/* Answers raw requests ("<pid><value>") and SDK calls alike with the value plus one, until
 * it gets a value of -1. */
static void echo_server(const void* arg, uint32_t len) {
    (void)arg;
    (void)len;
    for (;;) {
        tycho_message message;
        tycho_receive_tag(TAG_ECHO, TYCHO_FOREVER, &message);
        tycho_request from;
        tycho_take_call(&message, &from);
        int64_t value = 0;
        tycho_read(&value, sizeof value);
        if (value < 0) return;
        value++;
        tycho_reply(&from, &value, sizeof value);
    }
}

static double call_raw(tycho_pid server, int count) {
    int64_t start = now_ns();
    tycho_pid self = tycho_self();
    for (int64_t i = 0; i < count; i++) {
        /* The same prefix, with one fixed reply tag, and no liveness check. */
        tycho_request header = {self, TAG_READY};
        lunatic_message_create_data(TAG_ECHO, sizeof header + sizeof i);
        lunatic_message_write_data(&header, sizeof header);
        lunatic_message_write_data(&i, sizeof i);
        lunatic_message_send(server);
        if (lunatic_receive_tag(TAG_READY, LUNATIC_NO_TIMEOUT) != LUNATIC_DATA_MESSAGE)
            tycho_panic("no reply");
        int64_t value = 0;
        lunatic_message_read_data(&value, sizeof value);
        if (value != i + 1) tycho_panic("wrong reply");
    }
    return (double)(now_ns() - start) / count;
}

static double call_sdk(tycho_pid server, int count) {
    int64_t start = now_ns();
    for (int64_t i = 0; i < count; i++) {
        int64_t value = 0;
        if (tycho_call(server, TAG_ECHO, &i, sizeof i, &value, sizeof value, NULL, 10000) !=
                TYCHO_OK ||
            value != i + 1)
            tycho_panic("call failed");
    }
    return (double)(now_ns() - start) / count;
}

/* --- items through a channel against straight messages --------------------------------- */

typedef struct consumer_arg {
    tycho_receiver rx;
    tycho_pid parent;
    int count;
} consumer_arg;

static void channel_consumer(const void* arg, uint32_t len) {
    consumer_arg a;
    if (len != sizeof a) tycho_panic("bad argument");
    memcpy(&a, arg, sizeof a);
    for (int i = 0; i < a.count; i++) {
        int64_t item;
        if (tycho_channel_receive(a.rx, &item, sizeof item, NULL, TYCHO_FOREVER) != TYCHO_OK)
            tycho_panic("receive failed");
    }
    tycho_send(a.parent, TAG_DONE, NULL, 0);
}

static void message_consumer(const void* arg, uint32_t len) {
    consumer_arg a;
    if (len != sizeof a) tycho_panic("bad argument");
    memcpy(&a, arg, sizeof a);
    for (int i = 0; i < a.count; i++) {
        int64_t item;
        if (tycho_receive_value(TAG_ITEM, &item, sizeof item, TYCHO_FOREVER) != TYCHO_OK)
            tycho_panic("receive failed");
    }
    tycho_send(a.parent, TAG_DONE, NULL, 0);
}

static void wait_done(void) {
    tycho_message message;
    tycho_receive_tag(TAG_DONE, TYCHO_FOREVER, &message);
}

static double items_by_message(int count) {
    consumer_arg a = {{0}, tycho_self(), count};
    int64_t start = now_ns();
    tycho_pid consumer;
    tycho_spawn(message_consumer, &a, sizeof a, &consumer);
    for (int64_t i = 0; i < count; i++)
        TYCHO_SEND_VALUE(consumer, TAG_ITEM, i);
    wait_done();
    return (double)(now_ns() - start) / count;
}

static double items_by_channel(int count) {
    tycho_sender tx;
    consumer_arg a = {{0}, tycho_self(), count};
    int64_t start = now_ns();
    tycho_channel_create(64, &tx, &a.rx);
    tycho_spawn(channel_consumer, &a, sizeof a, NULL);
    for (int64_t i = 0; i < count; i++)
        if (tycho_channel_send(tx, &i, sizeof i, TYCHO_FOREVER) != TYCHO_OK)
            tycho_panic("send failed");
    wait_done();
    tycho_channel_close(tx.channel);
    return (double)(now_ns() - start) / count;
}

/* --- rounds and medians ---------------------------------------------------------------- */

static int compare(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

static double median(double* values, int count) {
    qsort(values, (size_t)count, sizeof *values, compare);
    return values[count / 2];
}

static void report(const char* what, const char* unit, double* raw, double* sdk) {
    double r = median(raw, ROUNDS), s = median(sdk, ROUNDS);
    printf("%-34s raw %8.2f %s   sdk %8.2f %s   sdk/raw %.2fx\n", what, r, unit, s, unit, s / r);
}

int main(int argc, char** argv) {
    quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    int spawns = quick ? 200 : 20000, calls = quick ? 500 : 50000, items = quick ? 500 : 50000;
    double raw[ROUNDS], sdk[ROUNDS];

    for (int round = 0; round < ROUNDS; round++) {
        raw[round] = spawn_raw(spawns);
        sdk[round] = spawn_sdk(spawns);
    }
    report("spawn, child answers (per spawn)", "us", raw, sdk);

    tycho_pid server;
    tycho_spawn(echo_server, NULL, 0, &server);
    for (int round = 0; round < ROUNDS; round++) {
        raw[round] = call_raw(server, calls);
        sdk[round] = call_sdk(server, calls);
    }
    int64_t stop = -1;
    tycho_request header = {tycho_self(), TAG_READY};
    tycho_send_call(server, TAG_ECHO, &header, &stop, sizeof stop);
    report("request and reply (per call)", "ns", raw, sdk);

    for (int round = 0; round < ROUNDS; round++) {
        raw[round] = items_by_message(items);
        sdk[round] = items_by_channel(items);
    }
    report("item to a consumer (raw: message)", "ns", raw, sdk);
    printf("ok\n");
    return 0;
}
