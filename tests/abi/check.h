/*
 * Shared helpers of the ABI test guests in this directory.
 *
 * Every guest is a normal program: main() checks everything itself, prints "ok" and
 * returns 0. A failed CHECK prints "FAIL file:line: ..." to stderr and exits with
 * status 1 (in a spawned process that ends the process with a failure, which its
 * linked parent notices).
 *
 * Conventions used by all guests:
 *  - Waits for things that must happen are bounded by WAIT_MS, so a broken runtime
 *    fails instead of hanging. "Nothing arrives" is checked with a QUIET_MS wait.
 *  - Helper children are spawned linked with HELPER_LINK and the root turns
 *    die_when_link_dies off, so a helper that fails shows up as a link-died message
 *    with tag HELPER_LINK (EXPECT_MSG reports it).
 *  - Trap scenarios run in a child: EXPECT_TRAP(entry) spawns entry(parent_pid)
 *    linked with a fresh tag. The child calls child_reached(parent) right before the
 *    operation that must trap (it records the child's pid in the registry, leaving the
 *    scratch slot alone) and child_survived(parent) after it (a message). The parent
 *    requires a link-died message with the link tag and the "reached" record.
 */
#ifndef TYCHO_ABI_CHECK_H
#define TYCHO_ABI_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lunatic.h"

#define CHECK_AT(cond, file, line)                                                                 \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FAIL %s:%d: %s\n", (file), (line), #cond);                            \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

#define CHECK(cond) CHECK_AT(cond, __FILE__, __LINE__)

/* Like CHECK(a == b) but prints both values. */
#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        if (check_a_ != check_b_) {                                                                \
            fprintf(stderr, "FAIL %s:%d: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, #a, #b,   \
                    check_a_, check_b_);                                                           \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

#define WAIT_MS 5000
#define QUIET_MS 150

#define HELPER_LINK 999
#define TAG_SURVIVED 1002

/* A pid that never exists: pids are allocated from 1 upwards (section 4). */
#define NO_SUCH_PID (((uint64_t)1) << 40)

static inline int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static inline uint64_t self_pid(void) {
    return lunatic_process_process_id();
}

/* ---- data messages made of u64 values ---------------------------------------------- */

static inline void send_u64s(uint64_t pid, int64_t tag, const uint64_t* values, uint32_t n) {
    lunatic_message_create_data(tag, n * 8u);
    if (n) CHECK_EQ(lunatic_message_write_data(values, n * 8u), n * 8u);
    CHECK_EQ(lunatic_message_send(pid), 0);
}

/* SEND(pid, tag, v1, v2, ...): one message holding the values as u64 LE. */
#define SEND(pid, tag, ...)                                                                        \
    do {                                                                                           \
        uint64_t send_v_[] = {__VA_ARGS__};                                                        \
        send_u64s((pid), (tag), send_v_, sizeof send_v_ / sizeof send_v_[0]);                      \
    } while (0)

/* Reads the next u64 of the data message in the scratch slot. */
static inline uint64_t read_u64_at(const char* file, int line) {
    uint64_t v = 0;
    CHECK_AT(lunatic_message_read_data(&v, 8) == 8, file, line);
    return v;
}
#define READ_U64() read_u64_at(__FILE__, __LINE__)

/* ---- spawning ----------------------------------------------------------------------- */

/* Spawns entry(i64...) of this module with the given link tag and config; CHECKs
   status 0 and returns the pid. */
static inline uint64_t spawn_i64s(const char* file, int line, int64_t link, int64_t config,
                                  const char* entry, const int64_t* args, uint32_t n) {
    uint8_t params[8 * LUNATIC_PARAM_SIZE];
    CHECK_AT(n <= 8, file, line);
    for (uint32_t i = 0; i < n; i++)
        lunatic_param_i64(params + i * LUNATIC_PARAM_SIZE, args[i]);
    uint64_t id = 0;
    int32_t r = lunatic_process_spawn(link, config, LUNATIC_SELF_MODULE, entry,
                                      (uint32_t)strlen(entry), params, n * LUNATIC_PARAM_SIZE, &id);
    if (r != 0) fprintf(stderr, "spawn of '%s' returned %d\n", entry, (int)r);
    CHECK_AT(r == 0, file, line);
    CHECK_AT(id != 0, file, line);
    return id;
}

#define SPAWN(link, config, entry, ...)                                                            \
    spawn_i64s(__FILE__, __LINE__, (link), (config), (entry), (int64_t[]){__VA_ARGS__},            \
               sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t))

/* A helper child entry(parent_pid, extra...) linked with HELPER_LINK, own config. */
#define SPAWN_HELPER(entry, ...)                                                                   \
    SPAWN(HELPER_LINK, LUNATIC_SELF_CONFIG, (entry), (int64_t)self_pid(), ##__VA_ARGS__)

/* ---- receiving ---------------------------------------------------------------------- */

/* Waits (WAIT_MS) for a data message tagged `tag`; a link-died message from a helper
   child (tag HELPER_LINK) fails the test instead. The message is left in the slot. */
static inline void expect_msg_at(int64_t tag, const char* file, int line) {
    int64_t tags[2] = {tag, HELPER_LINK};
    int32_t r = lunatic_message_receive(tags, 2, WAIT_MS);
    if (r == LUNATIC_LINK_DIED) fprintf(stderr, "a helper child failed\n");
    if (r == LUNATIC_TIMEOUT) fprintf(stderr, "no message with tag %lld\n", (long long)tag);
    CHECK_AT(r == LUNATIC_DATA_MESSAGE, file, line);
    CHECK_AT(lunatic_message_get_tag() == tag, file, line);
}
#define EXPECT_MSG(tag) expect_msg_at((tag), __FILE__, __LINE__)

/* Checks that no message at all arrives within QUIET_MS. */
#define EXPECT_NOTHING() CHECK_EQ(lunatic_receive_any(QUIET_MS), LUNATIC_TIMEOUT)

/* Polls exists(pid) until it is 0 (bounded by WAIT_MS). */
static inline void wait_gone_at(uint64_t pid, const char* file, int line) {
    int64_t start = now_ms();
    while (lunatic_process_exists(pid)) {
        CHECK_AT(now_ms() - start < WAIT_MS, file, line);
        lunatic_process_sleep_ms(5);
    }
}
#define WAIT_GONE(pid) wait_gone_at((pid), __FILE__, __LINE__)

/* ---- error ids (§21) ----------------------------------------------------------------- */

/* Reads the text of error `err` (string_size > 0; to_string writes exactly that many
   bytes of UTF-8, checked with 0xFF filler that never occurs in UTF-8), then drops it.
   Returns the text length. */
static inline uint32_t check_error_text_and_drop_at(uint64_t err, const char* file, int line) {
    uint32_t size = lunatic_error_string_size(err);
    CHECK_AT(size > 0 && size < (1u << 20), file, line);
    unsigned char* text = malloc(size + 8);
    CHECK_AT(text != NULL, file, line);
    memset(text, 0xFF, size + 8);
    lunatic_error_to_string(err, (char*)text);
    for (uint32_t i = 0; i < size; i++)
        CHECK_AT(text[i] != 0xFF, file, line);
    for (uint32_t i = size; i < size + 8; i++)
        CHECK_AT(text[i] == 0xFF, file, line);
    CHECK_AT(lunatic_error_string_size(err) == size, file, line);
    free(text);
    lunatic_error_drop(err);
    return size;
}
#define check_error_text_and_drop(err) check_error_text_and_drop_at((err), __FILE__, __LINE__)

/* ---- trap scenarios ----------------------------------------------------------------- */

/* The "reached" marker is a registry entry, not a message, so that it leaves the scratch
   slot of the child alone (the trapping call often depends on what is in the slot). */
static const char REACHED_NAME_[] = "tycho-abi-tests/reached";

static inline void child_reached(int64_t parent) {
    (void)parent;
    lunatic_registry_put(REACHED_NAME_, sizeof REACHED_NAME_ - 1, 0, self_pid());
}

static inline void child_survived(int64_t parent) {
    lunatic_message_create_data(TAG_SURVIVED, 0);
    lunatic_message_send((uint64_t)parent);
}

static int64_t next_link_tag_ = 500;

/* Spawns entry(parent_pid) with `config`, linked with a fresh tag, and checks that it
   reaches its trapping operation (child_reached) and then dies with a failure within
   `wait_ms`. */
static inline void expect_trap_at(const char* entry, int64_t config, int64_t wait_ms,
                                  const char* file, int line) {
    int64_t link = next_link_tag_++;
    lunatic_process_die_when_link_dies(0);
    lunatic_registry_remove(REACHED_NAME_, sizeof REACHED_NAME_ - 1);
    uint8_t params[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(params, (int64_t)self_pid());
    uint64_t id = 0;
    int32_t r = lunatic_process_spawn(link, config, LUNATIC_SELF_MODULE, entry,
                                      (uint32_t)strlen(entry), params, sizeof params, &id);
    if (r != 0) fprintf(stderr, "trap scenario '%s': spawn returned %d\n", entry, (int)r);
    CHECK_AT(r == 0, file, line);

    int64_t tags[2] = {TAG_SURVIVED, link};
    r = lunatic_message_receive(tags, 2, wait_ms);
    if (r != LUNATIC_LINK_DIED)
        fprintf(stderr, "trap scenario '%s': expected a trap, got %d (%s)\n", entry, (int)r,
                r == LUNATIC_DATA_MESSAGE ? "it survived" : "timeout");
    CHECK_AT(r == LUNATIC_LINK_DIED, file, line);
    CHECK_AT(lunatic_message_get_tag() == link, file, line);
    CHECK_AT(lunatic_message_get_process_id() == 0, file, line);

    uint64_t node = 1, who = 0;
    r = lunatic_registry_get(REACHED_NAME_, sizeof REACHED_NAME_ - 1, &node, &who);
    if (r != 0 || who != id)
        fprintf(stderr, "trap scenario '%s': died before reaching the trapping call\n", entry);
    CHECK_AT(r == 0 && node == 0 && who == id, file, line);
}

#define EXPECT_TRAP(entry) expect_trap_at((entry), LUNATIC_SELF_CONFIG, WAIT_MS, __FILE__, __LINE__)
#define EXPECT_TRAP_CFG(entry, config)                                                             \
    expect_trap_at((entry), (config), WAIT_MS, __FILE__, __LINE__)
/* For operations that take long before they trap (sanitizer builds are many times slower). */
#define EXPECT_SLOW_TRAP(entry)                                                                    \
    expect_trap_at((entry), LUNATIC_SELF_CONFIG, 60 * 1000, __FILE__, __LINE__)

/* Declares an exported entry point. */
#define ENTRY(name) __attribute__((export_name(#name))) void name

#endif /* TYCHO_ABI_CHECK_H */
