/*
 * tycho/core.h - what every part of the SDK shares: the process id type, status codes,
 * the tag convention, error texts, and panics that do not lose output.
 *
 * The SDK is header-only. Most helpers are `static inline`; the few things a program must
 * have exactly once (the spawn trampoline export, per-process counters) are weak
 * definitions, so any number of translation units may include these headers.
 *
 * The SDK uses the scratch message slot of the lunatic::message namespace: a helper that
 * sends or receives replaces whatever message the slot held.
 */
#ifndef TYCHO_CORE_H
#define TYCHO_CORE_H

#include <lunatic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TYCHO_WEAK __attribute__((weak))

/** A process id. Ids are never reused within one run of the runtime. */
typedef uint64_t tycho_pid;

/** Status codes returned by the SDK's fallible helpers. */
enum tycho_status {
    TYCHO_OK = 0,
    /** The host refused or failed; tycho_last_error() has its text. */
    TYCHO_FAILED = 1,
    /** The process lacks the permission (its config does not allow it). */
    TYCHO_DENIED = 2,
    /** The process the call needed no longer exists. */
    TYCHO_NO_PROCESS = 3,
    /** A channel was closed. */
    TYCHO_CLOSED = 4,
    /** A message did not fit the buffer given (or a typed receive got another size). */
    TYCHO_TRUNCATED = 5,
    /** The timeout expired. Equal to Lunatic's status for the same. */
    TYCHO_TIMEOUT = LUNATIC_TIMEOUT,
};

/** Timeouts are milliseconds; TYCHO_FOREVER waits as long as it takes. */
#define TYCHO_FOREVER LUNATIC_NO_TIMEOUT

/*
 * Tags. A message carries a signed 64-bit tag, and receives can select by tag. The SDK
 * splits the positive range so that its own traffic never meets a program's:
 *
 *   0                          untagged (never matched by a receive that lists tags)
 *   1 .. TYCHO_TAG_USER_MAX    the program's own tags
 *   TYCHO_TAG_REPLY_FIRST ..   reply tags, one per request (tycho_call)
 *   TYCHO_TAG_LINK_FIRST ..    link tags, one per link the SDK makes, so the link-died
 *                              message says which process failed
 *   TYCHO_TAG_SDK_FIRST ..     the SDK's own protocol messages
 *
 * Negative tags are left to the program too.
 */
#define TYCHO_TAG_USER_MAX ((int64_t)(((int64_t)1 << 40) - 1))
#define TYCHO_TAG_REPLY_FIRST ((int64_t)1 << 40)
#define TYCHO_TAG_LINK_FIRST ((int64_t)1 << 41)
#define TYCHO_TAG_SDK_FIRST ((int64_t)1 << 42)
#define TYCHO_TAG_SDK_LAST ((int64_t)(((int64_t)1 << 43) - 1))
/** The argument of a process started by tycho_spawn (its first message). */
#define TYCHO_TAG_SPAWN_ARGUMENT (TYCHO_TAG_SDK_FIRST + 1)
/** Channel requests (tycho/channel.h). */
#define TYCHO_TAG_CHANNEL (TYCHO_TAG_SDK_FIRST + 2)

static inline int tycho_is_reply_tag(int64_t tag) {
    return tag >= TYCHO_TAG_REPLY_FIRST && tag < TYCHO_TAG_LINK_FIRST;
}
static inline int tycho_is_link_tag(int64_t tag) {
    return tag >= TYCHO_TAG_LINK_FIRST && tag < TYCHO_TAG_SDK_FIRST;
}

/* Per-process counters behind fresh reply and link tags. Weak, so that every translation
 * unit shares one; every process has its own memory, so each process has its own. */
TYCHO_WEAK uint64_t tycho_internal_next_reply;
TYCHO_WEAK uint64_t tycho_internal_next_link;

/** A reply tag no other request of this process uses. */
static inline int64_t tycho_fresh_reply_tag(void) {
    return TYCHO_TAG_REPLY_FIRST +
           (int64_t)(tycho_internal_next_reply++ % (uint64_t)TYCHO_TAG_REPLY_FIRST);
}
/** A link tag no other link of this process uses. */
static inline int64_t tycho_fresh_link_tag(void) {
    return TYCHO_TAG_LINK_FIRST +
           (int64_t)(tycho_internal_next_link++ % (uint64_t)TYCHO_TAG_LINK_FIRST);
}

/* Reply tags of calls that gave up waiting (a ring of the last TYCHO_STALE_REPLIES): a
 * receive of any kind drops a late reply under one of them. */
#define TYCHO_STALE_REPLIES 64
TYCHO_WEAK int64_t tycho_internal_stale_replies[TYCHO_STALE_REPLIES];
TYCHO_WEAK uint32_t tycho_internal_next_stale;

/** Marks a reply tag whose caller stopped waiting; its late reply will be dropped. */
static inline void tycho_forget_reply(int64_t reply_tag) {
    tycho_internal_stale_replies[tycho_internal_next_stale++ % TYCHO_STALE_REPLIES] = reply_tag;
}

/* Whether `tag` is a forgotten reply tag; forgets it for good if so. */
static inline int tycho_internal_take_stale_reply(int64_t tag) {
    for (uint32_t i = 0; i < TYCHO_STALE_REPLIES; i++) {
        if (tycho_internal_stale_replies[i] != tag) continue;
        tycho_internal_stale_replies[i] = 0;
        return 1;
    }
    return 0;
}

/*
 * Errors. The host reports failures as error ids whose text must be fetched and freed;
 * the SDK does that once, keeps the text, and returns TYCHO_FAILED.
 */
#define TYCHO_ERROR_TEXT_MAX 512
TYCHO_WEAK char tycho_internal_last_error[TYCHO_ERROR_TEXT_MAX];

/** The text of the last failure an SDK call reported in this process ("" if none). */
static inline const char* tycho_last_error(void) {
    return tycho_internal_last_error;
}

/** Sets the text tycho_last_error() returns (printf-style). */
static inline void tycho_set_error(const char* format, ...) __attribute__((format(printf, 1, 2)));
static inline void tycho_set_error(const char* format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(tycho_internal_last_error, sizeof tycho_internal_last_error, format, args);
    va_end(args);
}

/** Takes the text of host error `error_id` as the last error, frees the id, returns
 *  TYCHO_FAILED. Texts longer than TYCHO_ERROR_TEXT_MAX - 1 bytes are cut. */
static inline int tycho_take_error(uint64_t error_id) {
    uint32_t size = lunatic_error_string_size(error_id);
    char* text = (char*)malloc(size ? size : 1);
    if (text == NULL) {
        tycho_set_error("out of memory while reading an error of %u bytes", size);
    } else {
        lunatic_error_to_string(error_id, text);
        uint32_t kept = size < TYCHO_ERROR_TEXT_MAX - 1 ? size : TYCHO_ERROR_TEXT_MAX - 1;
        memcpy(tycho_internal_last_error, text, kept);
        tycho_internal_last_error[kept] = '\0';
        free(text);
    }
    lunatic_error_drop(error_id);
    return TYCHO_FAILED;
}

/** A short English name for a status code. */
static inline const char* tycho_status_text(int status) {
    switch (status) {
    case TYCHO_OK: return "ok";
    case TYCHO_FAILED: return "failed";
    case TYCHO_DENIED: return "permission denied";
    case TYCHO_NO_PROCESS: return "no such process";
    case TYCHO_CLOSED: return "closed";
    case TYCHO_TRUNCATED: return "message does not fit";
    case TYCHO_TIMEOUT: return "timed out";
    default: return "unknown status";
    }
}

/*
 * Output. wasi-libc buffers stdout fully when it is not a terminal, and a process that
 * traps never flushes it, so whatever it printed last would be lost, right where the trap
 * report says to look. The SDK makes stdout line-buffered in every process (constructors
 * run at the start of main and of every spawned process), as Rust's stdout is: a
 * complete line is out before the next instruction runs.
 */
__attribute__((constructor, weak)) void tycho_internal_line_buffer_stdout(void) {
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
}

/** Prints "panic: <message>" to stderr, flushes all output and fails the process (a trap,
 *  so links and monitors are told it failed). */
__attribute__((noreturn, format(printf, 1, 2))) static inline void tycho_panic(const char* format,
                                                                               ...) {
    va_list args;
    va_start(args, format);
    fflush(stdout);
    fputs("panic: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    fflush(NULL);
    __builtin_trap();
}

/** Milliseconds on a monotonic clock, for deadlines. */
static inline int64_t tycho_now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Reading the clock is a host call of about 100 ns, so deadlines avoid it where they can:
 * TYCHO_FOREVER and TYCHO_DEADLINE_PASSED (the deadline of a 0 ms timeout) need none. */
#define TYCHO_DEADLINE_PASSED ((int64_t)0)

/** The milliseconds left until `deadline` (from tycho_deadline). */
static inline int64_t tycho_remaining_ms(int64_t deadline) {
    if (deadline == TYCHO_FOREVER || deadline == TYCHO_DEADLINE_PASSED) return deadline;
    int64_t left = deadline - tycho_now_ms();
    return left > 0 ? left : 0;
}

/** The deadline `timeout_ms` from now: TYCHO_FOREVER stays so, 0 is TYCHO_DEADLINE_PASSED. */
static inline int64_t tycho_deadline(int64_t timeout_ms) {
    if (timeout_ms < 0) return TYCHO_FOREVER;
    return timeout_ms == 0 ? TYCHO_DEADLINE_PASSED : tycho_now_ms() + timeout_ms;
}

#ifdef __cplusplus
}
#endif

#endif /* TYCHO_CORE_H */
