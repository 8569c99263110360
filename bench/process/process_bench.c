/*
 * Tycho's process benchmarks: the same measurements as bench/erlang/tycho_baseline.erl,
 * with the same definitions and default sizes (bench/erlang/README.md defines them).
 *
 *   tycho run [--workers N] process_bench.wasm BENCHMARK [KEY=VALUE...]
 *
 * BENCHMARK: spawn_exit, idle_process, cold_spawn, max_idle, ring_hop, ping_pong, fan_in, fairness
 * (`list` prints them). KEY=VALUE arguments override the sizes, named like the Erlang
 * side's environment variables (see kParams below), plus WORKERS (the --workers given to
 * tycho; fairness spins 2 x WORKERS processes), MEASURE_MS, TIMEOUT_MS and
 * MAX_IDLE_MAX_MS (a time limit for max_idle, which the Erlang side does not need).
 *
 * stdout holds result lines, as on the Erlang side:
 *
 *   <metric> <median> <unit> runs=<n> min=<x> max=<y>
 *
 * and, for the memory benchmarks, "@measure <label> [values]" marker lines: the guest
 * cannot see the host's resident set, so it prints a marker, flushes, and sleeps
 * MEASURE_MS while the runner (bench/processes.sh) reads VmRSS of the tycho process.
 * idle_process and cold_spawn do one round per run (the runner repeats them in fresh
 * runs); max_idle prints its count and time itself and leaves the RSS to the runner, with
 * "@progress <n>" and "@note <metric> <text>" lines for it. Progress goes to stderr.
 *
 * Children are exported functions of this module. Messages are 8-byte data messages;
 * the tag says what they are. Every round ends the processes it started.
 */
#include <lunatic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "small_guest_wasm.h" /* kSmallGuestWasm: small_guest.c, built without libc */

#define EXPORT(name) __attribute__((export_name(name)))

/* Message tags. */
enum {
    TAG_READY = 1, /* child -> root: spawned and waiting */
    TAG_DONE = 2,  /* child -> root: finished its part */
    TAG_NEXT = 3,  /* root -> ring node: the pid to forward to */
    TAG_TOKEN = 4, /* ring token: hops left */
    TAG_STOP = 5,  /* root -> child: return */
    TAG_GO = 6,    /* root -> fan-in sender: start sending */
    TAG_DATA = 7,  /* fan-in payload */
    TAG_PING = 8,  /* payload: pid (fairness) or a counter (ping_pong) */
    TAG_PONG = 9,
};

/* ---------------------------------------------------------------------------------
 * Parameters: KEY=VALUE arguments, defaults as on the Erlang side. */

typedef struct {
    const char* name;
    int64_t value;
} Param;

static Param kParams[] = {
    {"REPEAT", 5},
    {"SPAWN_M", 100000},          /* spawn_exit: processes per round */
    {"IDLE_K", 100000},           /* idle_process: idle processes */
    {"COLD_SPAWN_K", 100000},     /* cold_spawn: idle processes spawned in a fresh run */
    {"MAX_IDLE_TARGET", 1000000}, /* max_idle: processes to reach */
    {"RING_SIZE", 1000},          /* ring_hop: processes in the ring */
    {"RING_ROUNDS", 1000},        /* ring_hop: times the token goes round */
    {"PING_PONG_N", 1000000},     /* ping_pong: round trips */
    {"FAN_IN_SENDERS", 1000},     /* fan_in: sender processes */
    {"FAN_IN_TOTAL", 1000000},    /* fan_in: messages in all */
    {"FAIRNESS_PINGS", 1000},     /* fairness: pings per round */
    {"FAIRNESS_INTERVAL_MS", 1},  /* fairness: pause before each ping */
    {"FAIRNESS_MAX_MS", 5000},    /* fairness: a round stops sending pings after this */
    {"FAIRNESS_BUSY", 0},         /* fairness: spinning processes (0: 2 x WORKERS) */
    {"MAX_IDLE_MAX_MS", 0},       /* max_idle: stop spawning after this (0: no limit) */
    {"WORKERS", 1},               /* tycho's worker threads (pass --workers' value) */
    {"MEASURE_MS", 1500},         /* pause after a @measure marker */
    {"TIMEOUT_MS", 60000},        /* the root gives up waiting for a message after this */
    {"SMALL_GUEST", 0},           /* 1: spawn_exit, idle_process, cold_spawn and max_idle
                                     children run small_guest.c instead of this module */
};

static int64_t param(const char* name) {
    for (size_t i = 0; i < sizeof kParams / sizeof kParams[0]; ++i)
        if (strcmp(kParams[i].name, name) == 0) return kParams[i].value;
    abort(); /* a typo in this file */
}

static int set_param(const char* arg) {
    const char* eq = strchr(arg, '=');
    if (eq == NULL) return 0;
    for (size_t i = 0; i < sizeof kParams / sizeof kParams[0]; ++i) {
        if (strlen(kParams[i].name) != (size_t)(eq - arg) ||
            strncmp(kParams[i].name, arg, (size_t)(eq - arg)) != 0)
            continue;
        char* end = NULL;
        long long v = strtoll(eq + 1, &end, 10);
        if (end == eq + 1 || *end != '\0' || v < 0) return 0;
        kParams[i].value = v;
        return 1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------
 * Helpers */

static uint64_t g_self; /* the root's pid */
/* TIMEOUT_MS, read once: param() compares names, which would cost more than the message
 * exchanges measured around the receives that use it. */
static int64_t g_timeout_ms;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void send_u64(uint64_t pid, int64_t tag, uint64_t value) {
    lunatic_message_create_data(tag, 8);
    lunatic_message_write_data(&value, 8);
    lunatic_message_send(pid);
}

/* Receives the oldest message; returns its tag (the value at *value) or -1 if none
 * came within timeout_ms. Traps on signal messages, which children never expect. */
static int64_t recv_u64(int64_t timeout_ms, uint64_t* value) {
    int32_t kind = lunatic_message_receive(NULL, 0, timeout_ms);
    if (kind == LUNATIC_TIMEOUT) return -1;
    if (kind != LUNATIC_DATA_MESSAGE) __builtin_trap();
    *value = 0;
    lunatic_message_read_data(value, 8);
    return lunatic_message_get_tag();
}

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char* format, ...) {
    va_list args;
    va_start(args, format);
    fputs("process_bench: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    fflush(NULL);
    exit(1);
}

/* Root side: waits for a message tagged `tag`; a timeout or another tag ends the run. */
static uint64_t expect(int64_t tag, const char* what, uint64_t index, uint64_t count) {
    uint64_t value = 0;
    int64_t got = recv_u64(g_timeout_ms, &value);
    if (got == -1)
        die("timed out after %lld ms waiting for %s %llu of %llu", (long long)param("TIMEOUT_MS"),
            what, (unsigned long long)index + 1, (unsigned long long)count);
    if (got != tag)
        die("waiting for %s %llu of %llu, got a message tagged %lld", what,
            (unsigned long long)index + 1, (unsigned long long)count, (long long)got);
    return value;
}

/* The module children of spawn_exit, idle_process and max_idle come from: this one, or
 * the embedded small guest (SMALL_GUEST=1, compiled once by use_small_guest()). */
static int64_t g_child_module = LUNATIC_SELF_MODULE;

/* Spawns entry(params...) of `module`; returns 0 and the pid at *pid, or 1 and the error
 * text in `error`. */
static int spawn_from(int64_t module, const char* entry, const uint8_t* params, uint32_t nparams,
                      uint64_t* pid, char* error, size_t error_size) {
    uint64_t id = 0;
    int32_t status =
        lunatic_process_spawn(0, LUNATIC_SELF_CONFIG, module, entry, (uint32_t)strlen(entry),
                              params, nparams * LUNATIC_PARAM_SIZE, &id);
    if (status == 0) {
        *pid = id;
        return 0;
    }
    if (status == 1) {
        uint32_t n = lunatic_error_string_size(id);
        char* text = malloc(n + 1);
        if (text != NULL) {
            lunatic_error_to_string(id, text);
            text[n] = '\0';
            snprintf(error, error_size, "%s", text);
            free(text);
        } else {
            snprintf(error, error_size, "error %llu (%u bytes of text)", (unsigned long long)id, n);
        }
        lunatic_error_drop(id);
    } else {
        snprintf(error, error_size, "spawn returned %d", status);
    }
    return 1;
}

static uint64_t spawn_or_die_from(int64_t module, const char* entry, const uint8_t* params,
                                  uint32_t nparams) {
    uint64_t pid = 0;
    char error[256];
    if (spawn_from(module, entry, params, nparams, &pid, error, sizeof error) != 0)
        die("spawning %s failed: %s", entry, error);
    return pid;
}

static uint64_t spawn_or_die(const char* entry, const uint8_t* params, uint32_t nparams) {
    return spawn_or_die_from(LUNATIC_SELF_MODULE, entry, params, nparams);
}

static void use_small_guest(void) {
    uint64_t id = 0;
    if (lunatic_process_compile_module(kSmallGuestWasm, sizeof kSmallGuestWasm, &id) != 0)
        die("compiling the embedded small guest failed");
    g_child_module = (int64_t)id;
}

/* Ends n processes and waits until each has: those blocked in receive are sent a stop
 * message and return; spinning ones (kill != 0) are killed (a failure for links and
 * monitors, quiet on stderr at tycho's default log level). */
static void end_all(const uint64_t* pids, uint64_t n, int kill) {
    for (uint64_t i = 0; i < n; ++i) {
        lunatic_process_monitor(pids[i]);
        if (kill)
            lunatic_process_kill(pids[i]);
        else
            send_u64(pids[i], TAG_STOP, 0);
    }
    for (uint64_t i = 0; i < n; ++i) {
        int32_t kind = lunatic_message_receive(NULL, 0, g_timeout_ms);
        if (kind != LUNATIC_PROCESS_DIED)
            die("waiting for process %llu of %llu to end: receive returned %d",
                (unsigned long long)i + 1, (unsigned long long)n, kind);
    }
}

/* Erlang's float_to_list(X, [{decimals, 3}, compact]): at most 3 decimals, at least 1. */
static const char* fmt(double x, char* buf, size_t size) {
    snprintf(buf, size, "%.3f", x);
    size_t len = strlen(buf);
    while (len > 0 && buf[len - 1] == '0' && buf[len - 2] != '.')
        buf[--len] = '\0';
    return buf;
}

static int cmp_double(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

static int cmp_u64(const void* a, const void* b) {
    uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
    return x < y ? -1 : x > y;
}

static void report(const char* metric, const char* unit, double* values, int n) {
    qsort(values, (size_t)n, sizeof *values, cmp_double);
    double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    char a[64], b[64], c[64];
    printf("%s %s %s runs=%d min=%s max=%s\n", metric, fmt(median, a, sizeof a), unit, n,
           fmt(values[0], b, sizeof b), fmt(values[n - 1], c, sizeof c));
    fflush(stdout);
}

/* A marker for the runner, which reads VmRSS while we sleep. */
static void measure_marker(const char* label, const char* values) {
    printf("@measure %s%s%s\n", label, values[0] ? " " : "", values);
    fflush(stdout);
    lunatic_process_sleep_ms((uint64_t)param("MEASURE_MS"));
}

/* ---------------------------------------------------------------------------------
 * spawn_exit_us: spawn M processes that each send one message to the parent and
 * return; from the first spawn until the parent holds all M messages, per process. */

EXPORT("exit_child") void exit_child(int64_t parent) {
    send_u64((uint64_t)parent, TAG_DONE, 0);
}

static void spawn_exit_round(double* out) {
    const uint64_t m = (uint64_t)param("SPAWN_M");
    uint8_t p[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(p, (int64_t)g_self);
    const uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < m; ++i)
        spawn_or_die_from(g_child_module, "exit_child", p, 1);
    for (uint64_t i = 0; i < m; ++i)
        expect(TAG_DONE, "exit message", i, m);
    out[0] = (double)(now_ns() - t0) / (double)m / 1000.0;
}

/* ---------------------------------------------------------------------------------
 * idle_process / max_idle: processes that tell the parent they run, then block in
 * receive until told to stop. */

EXPORT("idle_child") void idle_child(int64_t parent) {
    send_u64((uint64_t)parent, TAG_READY, 0);
    uint64_t v;
    recv_u64(LUNATIC_NO_TIMEOUT, &v);
}

/* Spawns k idle processes and waits until all are ready; returns the nanoseconds from the
 * first spawn to the last ready message. */
static uint64_t spawn_idle(uint64_t k) {
    uint8_t p[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(p, (int64_t)g_self);
    const uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < k; ++i)
        spawn_or_die_from(g_child_module, "idle_child", p, 1);
    for (uint64_t i = 0; i < k; ++i)
        expect(TAG_READY, "ready message", i, k);
    return now_ns() - t0;
}

/* One round in this run: @measure baseline, spawn K idle processes, wait until all are
 * ready, @measure idle K. The runner computes (RSS idle - RSS baseline) / K. */
static int idle_process_sample(void) {
    const uint64_t k = (uint64_t)param("IDLE_K");
    fprintf(stderr, "idle_process: %llu processes blocked in receive\n", (unsigned long long)k);
    measure_marker("baseline", "");
    spawn_idle(k);
    char values[32];
    snprintf(values, sizeof values, "%llu", (unsigned long long)k);
    measure_marker("idle", values);
    return 0; /* the runtime ends with the root process, and the idle ones with it */
}

/* cold_spawn_us: the same spawns as idle_process, timed, in a run that has spawned
 * nothing before, so that every stack and memory cell is new. One round per run: prints
 * the time per process as a result line between the two markers (the runner computes
 * cold_spawn_kb from them). */
static int cold_spawn_sample(void) {
    const uint64_t k = (uint64_t)param("COLD_SPAWN_K");
    if (k == 0) die("COLD_SPAWN_K must be positive");
    fprintf(stderr, "cold_spawn: %llu processes spawned to block in receive\n",
            (unsigned long long)k);
    measure_marker("baseline", "");
    double us = (double)spawn_idle(k) / (double)k / 1000.0;
    report("cold_spawn_us", "us", &us, 1);
    char values[32];
    snprintf(values, sizeof values, "%llu", (unsigned long long)k);
    measure_marker("idle", values);
    return 0;
}

/* Spawns idle processes until the target, the first failing spawn or MAX_IDLE_MAX_MS;
 * one run. "@progress <n>" every 10,000 spawns tells the runner how far it got, should
 * it have to stop us (its memory cap). */
static int max_idle(void) {
    const uint64_t target = (uint64_t)param("MAX_IDLE_TARGET");
    const uint64_t max_ms = (uint64_t)param("MAX_IDLE_MAX_MS");
    fprintf(stderr, "max_idle: up to %llu processes blocked in receive\n",
            (unsigned long long)target);
    uint8_t p[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(p, (int64_t)g_self);
    char error[256];
    uint64_t spawned = 0, alive = 0, pid = 0;
    const uint64_t t0 = now_ns();
    for (; spawned < target; ++spawned) {
        if (spawn_from(g_child_module, "idle_child", p, 1, &pid, error, sizeof error) != 0) {
            fprintf(stderr, "  spawn failed after %llu processes: %s\n",
                    (unsigned long long)spawned, error);
            printf("@note max_idle_processes spawn %llu failed: %s\n",
                   (unsigned long long)spawned + 1, error);
            break;
        }
        if ((spawned + 1) % 10000 == 0) {
            printf("@progress %llu\n", (unsigned long long)spawned + 1);
            fflush(stdout);
            if (max_ms && now_ns() - t0 >= max_ms * 1000000u) {
                fprintf(stderr, "  stopped spawning after %llu ms (MAX_IDLE_MAX_MS)\n",
                        (unsigned long long)max_ms);
                printf("@note max_idle_processes stopped spawning after %llu ms "
                       "(MAX_IDLE_MAX_MS)\n",
                       (unsigned long long)max_ms);
                ++spawned;
                break;
            }
        }
    }
    /* A process that was spawned but died before telling it runs is not counted. */
    for (uint64_t value; alive < spawned; ++alive) {
        int64_t tag = recv_u64(g_timeout_ms, &value);
        if (tag == TAG_READY) continue;
        fprintf(stderr, "  %s after %llu ready messages\n",
                tag == -1 ? "timed out" : "unexpected message", (unsigned long long)alive);
        printf("@note max_idle_processes %llu of %llu spawned processes never reported "
               "ready\n",
               (unsigned long long)(spawned - alive), (unsigned long long)spawned);
        break;
    }
    double ms = (double)(now_ns() - t0) / 1e6;
    fprintf(stderr, "  %llu spawned, %llu alive, %.1f ms\n", (unsigned long long)spawned,
            (unsigned long long)alive, ms);
    char values[64];
    snprintf(values, sizeof values, "%llu", (unsigned long long)alive);
    measure_marker("max_idle", values);
    printf("max_idle_processes %llu processes runs=1 min=%llu max=%llu\n",
           (unsigned long long)alive, (unsigned long long)alive, (unsigned long long)alive);
    report("max_idle_spawn_ms", "ms", &ms, 1);
    return 0;
}

/* ---------------------------------------------------------------------------------
 * ring_hop_ns: a token counting down the hops left goes round a ring of N processes,
 * each forwarding it to the next, until H hops are made; per hop. */

EXPORT("ring_node") void ring_node(int64_t parent) {
    uint64_t next = 0, value = 0;
    for (;;) {
        switch (recv_u64(LUNATIC_NO_TIMEOUT, &value)) {
        case TAG_NEXT: next = value; break;
        case TAG_TOKEN:
            if (value == 0)
                send_u64((uint64_t)parent, TAG_DONE, 0);
            else
                send_u64(next, TAG_TOKEN, value - 1);
            break;
        case TAG_STOP: return;
        default: __builtin_trap();
        }
    }
}

static void ring_hop_round(double* out) {
    const uint64_t n = (uint64_t)param("RING_SIZE");
    const uint64_t hops = n * (uint64_t)param("RING_ROUNDS");
    if (n == 0 || hops == 0) die("RING_SIZE and RING_ROUNDS must be positive");
    uint64_t* nodes = malloc(n * sizeof *nodes);
    if (nodes == NULL) die("out of memory");
    uint8_t p[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(p, (int64_t)g_self);
    for (uint64_t i = 0; i < n; ++i)
        nodes[i] = spawn_or_die("ring_node", p, 1);
    for (uint64_t i = 0; i < n; ++i)
        send_u64(nodes[i], TAG_NEXT, nodes[(i + 1) % n]);
    const uint64_t t0 = now_ns();
    send_u64(nodes[0], TAG_TOKEN, hops);
    expect(TAG_DONE, "the token", 0, 1);
    out[0] = (double)(now_ns() - t0) / (double)hops;
    end_all(nodes, n, 0);
    free(nodes);
}

/* ---------------------------------------------------------------------------------
 * ping_pong_ns: the root sends a counter to a ponger, which sends it straight back;
 * the root waits for it before the next; per round trip. */

EXPORT("ponger") void ponger(int64_t parent) {
    uint64_t value = 0;
    for (;;) {
        if (recv_u64(LUNATIC_NO_TIMEOUT, &value) != TAG_PING) return;
        send_u64((uint64_t)parent, TAG_PONG, value);
    }
}

static void ping_pong_round(double* out) {
    const uint64_t n = (uint64_t)param("PING_PONG_N");
    if (n == 0) die("PING_PONG_N must be positive");
    uint8_t p[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(p, (int64_t)g_self);
    uint64_t pong = spawn_or_die("ponger", p, 1);
    const uint64_t t0 = now_ns();
    for (uint64_t i = n; i > 0; --i) {
        send_u64(pong, TAG_PING, i);
        uint64_t back = expect(TAG_PONG, "pong", n - i, n);
        if (back != i)
            die("ping %llu came back as %llu", (unsigned long long)i, (unsigned long long)back);
    }
    out[0] = (double)(now_ns() - t0) / (double)n;
    end_all(&pong, 1, 0);
}

/* ---------------------------------------------------------------------------------
 * fan_in_ns: P senders, spawned and waiting, are told to go and each sends S messages
 * to one receiver; from the first go until the receiver has taken the last message,
 * per message. */

EXPORT("fan_in_receiver") void fan_in_receiver(int64_t parent, int64_t total) {
    for (int64_t i = 0; i < total; ++i)
        lunatic_message_receive(NULL, 0, LUNATIC_NO_TIMEOUT);
    send_u64((uint64_t)parent, TAG_DONE, 0);
}

EXPORT("fan_in_sender") void fan_in_sender(int64_t receiver, int64_t count) {
    uint64_t value;
    if (recv_u64(LUNATIC_NO_TIMEOUT, &value) != TAG_GO) return;
    for (int64_t i = count; i > 0; --i)
        send_u64((uint64_t)receiver, TAG_DATA, (uint64_t)i);
}

static void fan_in_round(double* out) {
    const uint64_t senders = (uint64_t)param("FAN_IN_SENDERS");
    const uint64_t per_sender = (uint64_t)param("FAN_IN_TOTAL") / (senders ? senders : 1);
    const uint64_t total = senders * per_sender;
    if (total == 0) die("FAN_IN_SENDERS and FAN_IN_TOTAL must be positive");
    uint64_t* pids = malloc(senders * sizeof *pids);
    if (pids == NULL) die("out of memory");
    uint8_t p[2 * LUNATIC_PARAM_SIZE];
    lunatic_param_i64(lunatic_param_i64(p, (int64_t)g_self), (int64_t)total);
    uint64_t receiver = spawn_or_die("fan_in_receiver", p, 2);
    lunatic_param_i64(lunatic_param_i64(p, (int64_t)receiver), (int64_t)per_sender);
    for (uint64_t i = 0; i < senders; ++i)
        pids[i] = spawn_or_die("fan_in_sender", p, 2);
    const uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < senders; ++i)
        send_u64(pids[i], TAG_GO, 0);
    expect(TAG_DONE, "the receiver's end", 0, 1);
    out[0] = (double)(now_ns() - t0) / (double)total;
    free(pids); /* the senders and the receiver have returned */
}

/* ---------------------------------------------------------------------------------
 * fairness_p50_us / fairness_p99_us: W processes spin on arithmetic and never block;
 * the root sleeps 1 ms, sends its pid to a responder that answers, and times the round
 * trip. Nearest-rank p50 and p99 in microseconds; a round stops after FAIRNESS_MAX_MS. */

EXPORT("spinner") void spinner(int64_t seed) {
    volatile int64_t x = seed;
    for (;;)
        x = (x * 75 + 74) % 65537;
}

EXPORT("responder") void responder(void) {
    uint64_t from = 0;
    for (;;) {
        if (recv_u64(LUNATIC_NO_TIMEOUT, &from) != TAG_PING) return;
        send_u64(from, TAG_PONG, 0);
    }
}

static double percentile(int p, const uint64_t* sorted, uint64_t n) {
    uint64_t rank = ((uint64_t)p * n + 99) / 100; /* ceil(p * n / 100) */
    if (rank < 1) rank = 1;
    return (double)sorted[rank - 1] / 1000.0;
}

static void fairness_round(double* out) {
    uint64_t busy = (uint64_t)param("FAIRNESS_BUSY");
    if (busy == 0) busy = 2 * (uint64_t)param("WORKERS");
    uint64_t pings = (uint64_t)param("FAIRNESS_PINGS");
    if (pings == 0) pings = 1;
    const uint64_t interval = (uint64_t)param("FAIRNESS_INTERVAL_MS");
    const uint64_t max_ms = (uint64_t)param("FAIRNESS_MAX_MS");
    uint64_t* pids = malloc((busy ? busy : 1) * sizeof *pids);
    uint64_t* rtts = malloc(pings * sizeof *rtts);
    if (pids == NULL || rtts == NULL) die("out of memory");
    uint8_t p[LUNATIC_PARAM_SIZE];
    for (uint64_t i = 0; i < busy; ++i) {
        lunatic_param_i64(p, (int64_t)i + 1);
        pids[i] = spawn_or_die("spinner", p, 1);
    }
    uint64_t resp = spawn_or_die("responder", NULL, 0);
    lunatic_process_sleep_ms(20); /* let the spinners get going on every worker */
    const uint64_t deadline = now_ns() + max_ms * 1000000u;
    uint64_t n = 0, slept_ns = 0;
    while (n < pings) {
        const uint64_t before_sleep = now_ns();
        lunatic_process_sleep_ms(interval);
        const uint64_t t0 = now_ns();
        slept_ns += t0 - before_sleep;
        send_u64(resp, TAG_PING, g_self);
        expect(TAG_PONG, "pong", n, pings);
        const uint64_t t1 = now_ns();
        rtts[n++] = t1 - t0;
        if (t1 >= deadline) break;
    }
    if (n < pings)
        fprintf(stderr, "  stopped after %llu ms with %llu of %llu pings\n",
                (unsigned long long)max_ms, (unsigned long long)n, (unsigned long long)pings);
    /* Not a metric: how late the client's sleeps ended, a sign of unfair scheduling. */
    fprintf(stderr, "  (sleep_ms(%llu) took %.2f ms on average)\n", (unsigned long long)interval,
            (double)slept_ns / (double)n / 1e6);
    end_all(pids, busy, 1);
    end_all(&resp, 1, 0);
    qsort(rtts, n, sizeof *rtts, cmp_u64);
    out[0] = percentile(50, rtts, n);
    out[1] = percentile(99, rtts, n);
    free(rtts);
    free(pids);
}

/* ---------------------------------------------------------------------------------
 * Repeating and reporting */

typedef struct {
    const char* name;
    void (*round)(double* out); /* NULL: a single-run benchmark (below) */
    int (*single)(void);
    int metrics;
    const char* metric[2];
    const char* unit[2];
} Bench;

static const Bench kBenches[] = {
    {"spawn_exit", spawn_exit_round, NULL, 1, {"spawn_exit_us"}, {"us"}},
    {"idle_process", NULL, idle_process_sample, 1, {"idle_process_bytes"}, {"bytes"}},
    {"cold_spawn", NULL, cold_spawn_sample, 1, {"cold_spawn_us"}, {"us"}},
    {"max_idle",
     NULL,
     max_idle,
     2,
     {"max_idle_processes", "max_idle_spawn_ms"},
     {"processes", "ms"}},
    {"ring_hop", ring_hop_round, NULL, 1, {"ring_hop_ns"}, {"ns"}},
    {"ping_pong", ping_pong_round, NULL, 1, {"ping_pong_ns"}, {"ns"}},
    {"fan_in", fan_in_round, NULL, 1, {"fan_in_ns"}, {"ns"}},
    {"fairness", fairness_round, NULL, 2, {"fairness_p50_us", "fairness_p99_us"}, {"us", "us"}},
};

static void describe(const Bench* b) {
    const char* n = b->name;
    if (strcmp(n, "spawn_exit") == 0)
        fprintf(stderr, "spawn_exit: %lld processes spawned, each sends one message and returns\n",
                (long long)param("SPAWN_M"));
    else if (strcmp(n, "ring_hop") == 0)
        fprintf(stderr, "ring_hop: ring of %lld processes, %lld hops\n",
                (long long)param("RING_SIZE"),
                (long long)(param("RING_SIZE") * param("RING_ROUNDS")));
    else if (strcmp(n, "ping_pong") == 0)
        fprintf(stderr, "ping_pong: %lld round trips between two processes\n",
                (long long)param("PING_PONG_N"));
    else if (strcmp(n, "fan_in") == 0)
        fprintf(stderr, "fan_in: %lld senders x %lld messages to one receiver\n",
                (long long)param("FAN_IN_SENDERS"),
                (long long)(param("FAN_IN_TOTAL") /
                            (param("FAN_IN_SENDERS") ? param("FAN_IN_SENDERS") : 1)));
    else if (strcmp(n, "fairness") == 0)
        fprintf(stderr,
                "fairness: %lld pings every %lld ms (at most %lld ms a round) next to %lld "
                "spinning processes (%lld workers)\n",
                (long long)param("FAIRNESS_PINGS"), (long long)param("FAIRNESS_INTERVAL_MS"),
                (long long)param("FAIRNESS_MAX_MS"),
                (long long)(param("FAIRNESS_BUSY") ? param("FAIRNESS_BUSY") : 2 * param("WORKERS")),
                (long long)param("WORKERS"));
}

static void progress(const char* label, const Bench* b, const double* v) {
    char buf[64];
    fprintf(stderr, "  %s:", label);
    for (int m = 0; m < b->metrics; ++m)
        fprintf(stderr, "%s %s %s %s", m ? "," : "", b->metric[m], fmt(v[m], buf, sizeof buf),
                b->unit[m]);
    fputc('\n', stderr);
}

/* One unmeasured warm-up round, then REPEAT measured rounds; one line per metric. */
static int run_repeated(const Bench* b) {
    int n = (int)param("REPEAT");
    if (n < 1) n = 1;
    double* values[2] = {calloc((size_t)n, sizeof(double)), calloc((size_t)n, sizeof(double))};
    if (values[0] == NULL || values[1] == NULL) die("out of memory");
    describe(b);
    double v[2] = {0, 0};
    b->round(v);
    progress("warm-up", b, v);
    for (int i = 0; i < n; ++i) {
        b->round(v);
        char label[32];
        snprintf(label, sizeof label, "run %d/%d", i + 1, n);
        progress(label, b, v);
        for (int m = 0; m < b->metrics; ++m)
            values[m][i] = v[m];
    }
    for (int m = 0; m < b->metrics; ++m)
        report(b->metric[m], b->unit[m], values[m], n);
    return 0;
}

int main(int argc, char** argv) {
    g_self = lunatic_process_process_id();
    const size_t nbench = sizeof kBenches / sizeof kBenches[0];
    if (argc >= 2 && strcmp(argv[1], "list") == 0) {
        for (size_t i = 0; i < nbench; ++i)
            printf("%s\n", kBenches[i].name);
        return 0;
    }
    const Bench* bench = NULL;
    for (size_t i = 0; argc >= 2 && i < nbench; ++i)
        if (strcmp(argv[1], kBenches[i].name) == 0) bench = &kBenches[i];
    if (bench == NULL) {
        fprintf(stderr, "usage: process_bench.wasm BENCHMARK|list [KEY=VALUE...]\n"
                        "benchmarks:");
        for (size_t i = 0; i < nbench; ++i)
            fprintf(stderr, " %s", kBenches[i].name);
        fputs("\nkeys:", stderr);
        for (size_t i = 0; i < sizeof kParams / sizeof kParams[0]; ++i)
            fprintf(stderr, " %s", kParams[i].name);
        fputc('\n', stderr);
        return 2;
    }
    for (int i = 2; i < argc; ++i)
        if (!set_param(argv[i])) {
            fprintf(stderr, "process_bench: bad argument '%s' (want KEY=VALUE, VALUE >= 0)\n",
                    argv[i]);
            return 2;
        }
    g_timeout_ms = param("TIMEOUT_MS");
    if (param("SMALL_GUEST")) use_small_guest();
    return bench->round ? run_repeated(bench) : bench->single();
}
