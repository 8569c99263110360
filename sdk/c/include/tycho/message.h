/*
 * tycho/message.h - sending and receiving messages, and timers.
 *
 * A message is a byte buffer with a tag. Messages from one process to another arrive in
 * the order they were sent. A receive takes the oldest message that matches (any, or one
 * of a list of tags) and waits up to a timeout for one to arrive. The bytes are then read
 * from the scratch slot with tycho_read(), or received straight into a buffer with
 * tycho_receive_into().
 */
#ifndef TYCHO_MESSAGE_H
#define TYCHO_MESSAGE_H

#include <tycho/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a receive took out of the mailbox. */
enum tycho_message_kind {
    /** A data message: `tag` and `size` describe it, tycho_read() reads it. */
    TYCHO_DATA = LUNATIC_DATA_MESSAGE,
    /** A linked process failed (see tycho_spawn_link): `tag` is the link's tag. */
    TYCHO_LINK_DIED = LUNATIC_LINK_DIED,
    /** A monitored process ended, normally or not: `pid` is its id. */
    TYCHO_PROCESS_DIED = LUNATIC_PROCESS_DIED,
};

typedef struct tycho_message {
    enum tycho_message_kind kind;
    int64_t tag;
    /** The process that ended, for TYCHO_PROCESS_DIED; 0 otherwise. */
    tycho_pid pid;
    /** The byte size of a data message; 0 otherwise. */
    uint32_t size;
} tycho_message;

/** Sends `len` bytes tagged `tag` to `to`. A message to a process that no longer exists is
 *  dropped, as in Erlang; monitor or link to find out that a process is gone. */
static inline void tycho_send(tycho_pid to, int64_t tag, const void* data, uint32_t len) {
    lunatic_message_create_data(tag, len);
    if (len) lunatic_message_write_data(data, len);
    lunatic_message_send(to);
}

/** Sends the bytes of an object, e.g. TYCHO_SEND_VALUE(pid, TAG_POINT, point). */
#define TYCHO_SEND_VALUE(to, tag, value) tycho_send((to), (tag), &(value), (uint32_t)sizeof(value))

/** Sends `len` bytes tagged `tag` to `to` after `delay_ms`; returns a timer id for
 *  tycho_cancel_timer. */
static inline uint64_t tycho_send_after(tycho_pid to, int64_t tag, const void* data, uint32_t len,
                                        uint64_t delay_ms) {
    lunatic_message_create_data(tag, len);
    if (len) lunatic_message_write_data(data, len);
    return lunatic_timer_send_after(to, delay_ms);
}

/** Cancels a timer; returns 1 if it had not fired (and now never will), else 0. */
static inline int tycho_cancel_timer(uint64_t timer_id) {
    return lunatic_timer_cancel_timer(timer_id);
}

/**
 * Waits up to `timeout_ms` for the oldest message whose tag is one of tags[0..count), or
 * for the oldest message of any kind when count is 0, and describes it in *message.
 * Returns TYCHO_OK or TYCHO_TIMEOUT. Process-died messages only match a receive of any
 * kind. A late reply to a call that timed out is dropped here, so that it never surprises
 * a receive of any kind (the SDK remembers the last TYCHO_STALE_REPLIES such calls).
 */
static inline int tycho_receive(const int64_t* tags, uint32_t count, int64_t timeout_ms,
                                tycho_message* message) {
    /* Only a receive of any kind may go round again (after a late reply), so only it needs
       a deadline. */
    int64_t deadline = count == 0 ? tycho_deadline(timeout_ms) : TYCHO_FOREVER;
    for (int64_t wait = timeout_ms;; wait = tycho_remaining_ms(deadline)) {
        int32_t kind = lunatic_message_receive(count ? tags : NULL, count, wait);
        if (kind == LUNATIC_TIMEOUT) return TYCHO_TIMEOUT;
        message->kind = (enum tycho_message_kind)kind;
        message->tag = lunatic_message_get_tag();
        message->pid = kind == LUNATIC_PROCESS_DIED ? lunatic_message_get_process_id() : 0;
        message->size = kind == LUNATIC_DATA_MESSAGE ? (uint32_t)lunatic_message_data_size() : 0;
        if (count == 0 && kind == LUNATIC_DATA_MESSAGE && tycho_is_reply_tag(message->tag) &&
            tycho_internal_take_stale_reply(message->tag))
            continue;
        return TYCHO_OK;
    }
}

/** Receives the oldest message of any kind. */
static inline int tycho_receive_any(int64_t timeout_ms, tycho_message* message) {
    return tycho_receive(NULL, 0, timeout_ms, message);
}

/** Receives the oldest message tagged `tag`. */
static inline int tycho_receive_tag(int64_t tag, int64_t timeout_ms, tycho_message* message) {
    return tycho_receive(&tag, 1, timeout_ms, message);
}

/** Reads up to `len` bytes of the received message from where the last read stopped;
 *  returns how many it read. */
static inline uint32_t tycho_read(void* buffer, uint32_t len) {
    return len ? lunatic_message_read_data(buffer, len) : 0;
}

/* Reads the `size` remaining bytes of the received message into buffer[0..capacity) and
 * sets *size_out (may be NULL); TYCHO_TRUNCATED if they did not all fit. */
static inline int tycho_internal_read_into(uint32_t size, void* buffer, uint32_t capacity,
                                           uint32_t* size_out) {
    if (size_out) *size_out = size;
    tycho_read(buffer, capacity);
    return size > capacity ? TYCHO_TRUNCATED : TYCHO_OK;
}

/**
 * Receives the oldest data message tagged `tag` (any data message when tag is 0) into
 * buffer[0..capacity) and sets *size to its size. Returns TYCHO_OK, TYCHO_TIMEOUT, or
 * TYCHO_TRUNCATED when the message was bigger than the buffer (the first `capacity` bytes
 * are there; the message is consumed either way). Link-died and process-died messages a
 * receive of any kind meets are skipped; receive with tycho_receive to handle them.
 */
static inline int tycho_receive_into(int64_t tag, void* buffer, uint32_t capacity, uint32_t* size,
                                     int64_t timeout_ms) {
    /* Only a receive of any kind can meet other kinds and go round again. */
    int64_t deadline = tag ? TYCHO_FOREVER : tycho_deadline(timeout_ms);
    tycho_message message;
    for (int64_t wait = timeout_ms;; wait = tycho_remaining_ms(deadline)) {
        int status = tycho_receive(&tag, tag ? 1 : 0, wait, &message);
        if (status != TYCHO_OK) return status;
        if (message.kind == TYCHO_DATA) break;
    }
    return tycho_internal_read_into(message.size, buffer, capacity, size);
}

/** Receives a message tagged `tag` holding exactly sizeof(*object) bytes into *object;
 *  TYCHO_TRUNCATED if its size differs. E.g. TYCHO_RECEIVE_VALUE(TAG_POINT, &p, FOREVER). */
#define TYCHO_RECEIVE_VALUE(tag, object, timeout_ms)                                               \
    tycho_receive_value((tag), (object), (uint32_t)sizeof(*(object)), (timeout_ms))
static inline int tycho_receive_value(int64_t tag, void* object, uint32_t object_size,
                                      int64_t timeout_ms) {
    uint32_t size = 0;
    int status = tycho_receive_into(tag, object, object_size, &size, timeout_ms);
    if (status == TYCHO_OK && size != object_size) status = TYCHO_TRUNCATED;
    return status;
}

/** Suspends the process for at least `ms` milliseconds. */
static inline void tycho_sleep_ms(uint64_t ms) {
    lunatic_process_sleep_ms(ms);
}

#ifdef __cplusplus
}
#endif

#endif /* TYCHO_MESSAGE_H */
