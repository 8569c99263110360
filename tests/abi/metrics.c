/*
 * metrics.c - lunatic::metrics.
 *
 * ABI: §26 (the six functions), §3.1 and §3.2 (bounds, UTF-8, traps).
 *
 * Expected behaviour checked here (the guest cannot read metrics back; tests/cli/metrics.sh
 * checks the recorded values through the exporter):
 *  - Each of counter, increment_counter, gauge, increment_gauge, decrement_gauge and
 *    histogram returns normally for ordinary names, for names Prometheus cannot take as
 *    they are (punctuation, non-ASCII UTF-8, a leading digit, the runtime's tycho_
 *    prefix), for the empty name and for a 100,000-byte name, with any value (negative
 *    counters, NaN and infinities), and from a spawned child as from the root.
 *  - One name used as a counter, a gauge and a histogram returns normally.
 *  - 2,000 distinct names (more than Tycho keeps series for) all return normally.
 *  - Each of the six traps (in a linked child) for a name with invalid UTF-8, for a name
 *    out of bounds, and for a (ptr, len) whose end wraps around 2^32.
 * The test runs both without --metrics (the calls only check their names) and with it
 * (CMakeLists.txt), where the same calls record.
 */
#include "check.h"

#include <math.h>

#define T_CHILD_DONE 80

static const char BAD_UTF8[] = "bad\xc3\x28name";
#define OOB_PTR ((const char*)0xFFFFFF00u)
#define OOB_LEN 0x200u
#define WRAP_PTR ((const char*)0xFFFFFFF0u)
#define WRAP_LEN 0x20u

static void record_all(const char* name, uint32_t len) {
    lunatic_metrics_counter(name, len, 3);
    lunatic_metrics_increment_counter(name, len);
    lunatic_metrics_gauge(name, len, 1.5);
    lunatic_metrics_increment_gauge(name, len, 2);
    lunatic_metrics_decrement_gauge(name, len, 0.5);
    lunatic_metrics_histogram(name, len, 0.25);
}

#define RECORD_ALL(literal) record_all((literal), sizeof(literal) - 1)

ENTRY(e_child_records)(int64_t parent) {
    RECORD_ALL("from_a_child");
    lunatic_metrics_increment_counter("requests", 8);
    SEND((uint64_t)parent, T_CHILD_DONE, 1);
}

/* One entry per function and kind of bad name: t_<function>_<utf8|oob|wrap>. */
#define TRAP_ENTRIES(function, ...)                                                                \
    ENTRY(t_##function##_utf8)(int64_t parent) {                                                   \
        child_reached(parent);                                                                     \
        lunatic_metrics_##function(BAD_UTF8, sizeof BAD_UTF8 - 1, ##__VA_ARGS__);                  \
        child_survived(parent);                                                                    \
    }                                                                                              \
    ENTRY(t_##function##_oob)(int64_t parent) {                                                    \
        child_reached(parent);                                                                     \
        lunatic_metrics_##function(OOB_PTR, OOB_LEN, ##__VA_ARGS__);                               \
        child_survived(parent);                                                                    \
    }                                                                                              \
    ENTRY(t_##function##_wrap)(int64_t parent) {                                                   \
        child_reached(parent);                                                                     \
        lunatic_metrics_##function(WRAP_PTR, WRAP_LEN, ##__VA_ARGS__);                             \
        child_survived(parent);                                                                    \
    }

TRAP_ENTRIES(counter, 1)
TRAP_ENTRIES(increment_counter)
TRAP_ENTRIES(gauge, 1.0)
TRAP_ENTRIES(increment_gauge, 1.0)
TRAP_ENTRIES(decrement_gauge, 1.0)
TRAP_ENTRIES(histogram, 1.0)

static void expect_traps(const char* function) {
    static const char* kinds[] = {"utf8", "oob", "wrap"};
    char entry[64];
    for (int k = 0; k < 3; k++) {
        snprintf(entry, sizeof entry, "t_%s_%s", function, kinds[k]);
        EXPECT_TRAP(entry);
    }
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    /* Ordinary and unusual names, any values. */
    RECORD_ALL("requests");
    RECORD_ALL("http.requests-in flight");
    RECORD_ALL("app::hits");
    RECORD_ALL("h\xc3\xa9llo \xf0\x9f\x98\x80");
    RECORD_ALL("5xx");
    RECORD_ALL("tycho_processes_alive");
    RECORD_ALL("__name__");
    RECORD_ALL("");
    lunatic_metrics_counter("negative", 8, (uint64_t)-1);
    lunatic_metrics_gauge("odd_values", 10, NAN);
    lunatic_metrics_increment_gauge("odd_values", 10, INFINITY);
    lunatic_metrics_decrement_gauge("odd_values", 10, -INFINITY);
    lunatic_metrics_histogram("odd_samples", 11, NAN);
    lunatic_metrics_histogram("odd_samples", 11, -1e300);
    lunatic_metrics_histogram("odd_samples", 11, INFINITY);

    /* A name far longer than any limit (zero bytes are valid UTF-8). */
    uint32_t long_len = 100000;
    char* long_name = calloc(long_len, 1);
    CHECK(long_name != NULL);
    record_all(long_name, long_len);
    memset(long_name, 'x', long_len);
    record_all(long_name, long_len);
    free(long_name);

    /* More distinct names than the runtime keeps series for. */
    char name[32];
    for (int i = 0; i < 2000; i++) {
        int len = snprintf(name, sizeof name, "series_%d", i);
        lunatic_metrics_increment_counter(name, (uint32_t)len);
    }

    /* From a child too. */
    SPAWN_HELPER("e_child_records");
    EXPECT_MSG(T_CHILD_DONE);

    /* Bad names trap, in every function. */
    expect_traps("counter");
    expect_traps("increment_counter");
    expect_traps("gauge");
    expect_traps("increment_gauge");
    expect_traps("decrement_gauge");
    expect_traps("histogram");

    puts("ok");
    return 0;
}
