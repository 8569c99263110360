/*
 * tycho/request.h - request and reply ("call"), with a timeout.
 *
 * tycho_call sends a request tagged with the server's chosen tag, prefixed by who asks
 * and a fresh reply tag, and waits for the reply under that tag alone, so other messages
 * stay queued. The server receives the request as an ordinary message, reads the prefix
 * with tycho_take_call, and answers with tycho_reply. A reply that comes after its caller
 * gave up is dropped by the caller's next receive of any kind.
 */
#ifndef TYCHO_REQUEST_H
#define TYCHO_REQUEST_H

#include <tycho/process.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Who to answer, and under which tag: the prefix tycho_call puts before a request. */
typedef struct tycho_request {
    tycho_pid from;
    int64_t reply_tag;
} tycho_request;

/** How often a waiting caller checks that its server still exists (milliseconds). A call
 *  to a process that has already ended fails at once. */
#define TYCHO_CALL_LIVENESS_MS 100

/**
 * Waits up to `timeout_ms` for the reply tagged `reply_tag` from `server` and describes it
 * in *message; its bytes are then read with tycho_read. Returns TYCHO_OK, TYCHO_TIMEOUT or
 * TYCHO_NO_PROCESS (the server ended without answering). On a timeout the reply tag is
 * forgotten (tycho_forget_reply): a reply that still comes is dropped.
 */
static inline int tycho_await_reply_message(tycho_pid server, int64_t reply_tag, int64_t timeout_ms,
                                            tycho_message* message) {
    int64_t deadline = tycho_deadline(timeout_ms);
    for (int64_t left = timeout_ms;; left = tycho_remaining_ms(deadline)) {
        if (!tycho_alive(server)) {
            /* It may have answered just before it ended. */
            if (tycho_receive_tag(reply_tag, 0, message) == TYCHO_OK) return TYCHO_OK;
            tycho_set_error("process %llu ended without replying", (unsigned long long)server);
            return TYCHO_NO_PROCESS;
        }
        int64_t wait = left < 0 || left > TYCHO_CALL_LIVENESS_MS ? TYCHO_CALL_LIVENESS_MS : left;
        int status = tycho_receive_tag(reply_tag, wait, message);
        if (status != TYCHO_TIMEOUT) return status;
        if (wait == left || tycho_remaining_ms(deadline) == 0) {
            tycho_forget_reply(reply_tag);
            return TYCHO_TIMEOUT;
        }
    }
}

/** tycho_await_reply_message, receiving the reply into reply[0..capacity) with its size at
 *  *reply_size (may be NULL); TYCHO_TRUNCATED if it did not fit. */
static inline int tycho_await_reply(tycho_pid server, int64_t reply_tag, void* reply,
                                    uint32_t capacity, uint32_t* reply_size, int64_t timeout_ms) {
    tycho_message message;
    int status = tycho_await_reply_message(server, reply_tag, timeout_ms, &message);
    if (status != TYCHO_OK) return status;
    return tycho_internal_read_into(message.size, reply, capacity, reply_size);
}

/** Sends a request: the prefix *header, then request[0..request_len), tagged `tag`. */
static inline void tycho_send_call(tycho_pid server, int64_t tag, const tycho_request* header,
                                   const void* request, uint32_t request_len) {
    lunatic_message_create_data(tag, sizeof *header + request_len);
    lunatic_message_write_data(header, sizeof *header);
    if (request_len) lunatic_message_write_data(request, request_len);
    lunatic_message_send(server);
}

/**
 * Sends request[0..request_len) tagged `tag` to `server` and waits up to `timeout_ms` for
 * its reply, received into reply[0..capacity) with its size at *reply_size (may be NULL).
 * Returns TYCHO_OK, TYCHO_TIMEOUT, TYCHO_NO_PROCESS or TYCHO_TRUNCATED.
 */
static inline int tycho_call(tycho_pid server, int64_t tag, const void* request,
                             uint32_t request_len, void* reply, uint32_t capacity,
                             uint32_t* reply_size, int64_t timeout_ms) {
    tycho_request header = {tycho_self(), tycho_fresh_reply_tag()};
    tycho_send_call(server, tag, &header, request, request_len);
    return tycho_await_reply(server, header.reply_tag, reply, capacity, reply_size, timeout_ms);
}

/** Reads the prefix of a request a receive just took (a message tycho_call sent) into
 *  *request and takes it off message->size; the request's own bytes follow. Returns
 *  TYCHO_TRUNCATED if the message is too short to be a request. */
static inline int tycho_take_call(tycho_message* message, tycho_request* request) {
    if (message->kind != TYCHO_DATA || message->size < sizeof *request) return TYCHO_TRUNCATED;
    tycho_read(request, sizeof *request);
    message->size -= (uint32_t)sizeof *request;
    return TYCHO_OK;
}

/** Answers a request with reply[0..len). */
static inline void tycho_reply(const tycho_request* request, const void* reply, uint32_t len) {
    tycho_send(request->from, request->reply_tag, reply, len);
}

#ifdef __cplusplus
}
#endif

#endif /* TYCHO_REQUEST_H */
