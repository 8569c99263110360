/*
 * tycho/channel.h - channels between processes: many senders, many receivers.
 *
 * A channel is a small process that holds a queue. Each item goes to exactly one receiver,
 * in the order the channel accepted them. The two ends are plain values (the channel
 * process's id), so a process passes an end to another by sending it, or by spawning with
 * it as the argument.
 *
 *  - Bounded (capacity n): a send waits while n items are queued. Capacity 0 is a
 *    rendezvous: a send waits until a receiver takes the item.
 *  - Unbounded (TYCHO_CHANNEL_UNBOUNDED): a send never waits.
 *  - Closing: sends fail with TYCHO_CLOSED from then on, and so do sends still waiting (their
 *    items were not accepted). Receivers get the items already queued, then TYCHO_CLOSED.
 *    Once closed and empty, the channel process ends.
 *  - Timeouts: a send or receive that times out has had no effect: the SDK asks the channel
 *    to withdraw the request, and if the channel had already served it, the operation
 *    completes instead. No item is lost or delivered twice.
 */
#ifndef TYCHO_CHANNEL_H
#define TYCHO_CHANNEL_H

#include <tycho/request.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TYCHO_CHANNEL_UNBOUNDED UINT32_MAX

/** The end that sends. Copy it freely; every copy is the same end. */
typedef struct tycho_sender {
    tycho_pid channel;
} tycho_sender;

/** The end that receives. Copy it freely; every copy is the same end. */
typedef struct tycho_receiver {
    tycho_pid channel;
} tycho_receiver;

/* The channel protocol: a call tagged TYCHO_TAG_CHANNEL whose first byte is the operation;
 * every reply starts with one of the reply codes. */
enum {
    TYCHO_CHANNEL_REPLY_OK = 0,
    TYCHO_CHANNEL_REPLY_CLOSED = 1,
    TYCHO_CHANNEL_REPLY_WITHDRAWN = 2,
};
enum {
    TYCHO_CHANNEL_OP_SEND = 1,    /* then the item */
    TYCHO_CHANNEL_OP_RECEIVE = 2, /* reply: status, then the item */
    TYCHO_CHANNEL_OP_CLOSE = 3,
    TYCHO_CHANNEL_OP_WITHDRAW = 4, /* then the reply tag of the request to withdraw; reply:
                                      WITHDRAWN, or OK when it was already served */
};

typedef struct tycho_internal_channel_item {
    struct tycho_internal_channel_item* next;
    tycho_request waiter; /* a sender waiting for room, or unused */
    uint32_t size;        /* the item's bytes follow the struct */
} tycho_internal_channel_item;

static inline unsigned char* tycho_internal_item_bytes(tycho_internal_channel_item* item) {
    return (unsigned char*)(item + 1);
}

typedef struct tycho_internal_channel_waiter {
    struct tycho_internal_channel_waiter* next;
    tycho_request request;
} tycho_internal_channel_waiter;

typedef struct tycho_internal_channel_state {
    uint32_t capacity;
    uint32_t queued;
    int closed;
    tycho_internal_channel_item *first, *last;                 /* accepted items */
    tycho_internal_channel_item *first_blocked, *last_blocked; /* senders waiting for room */
    tycho_internal_channel_waiter *first_receiver, *last_receiver;
} tycho_internal_channel_state;

static inline void tycho_internal_channel_status_reply(const tycho_request* to, uint8_t code) {
    tycho_reply(to, &code, 1);
}

static inline void tycho_internal_channel_deliver(const tycho_request* to,
                                                  tycho_internal_channel_item* item) {
    uint8_t code = TYCHO_CHANNEL_REPLY_OK;
    lunatic_message_create_data(to->reply_tag, 1 + item->size);
    lunatic_message_write_data(&code, 1);
    if (item->size) lunatic_message_write_data(tycho_internal_item_bytes(item), item->size);
    lunatic_message_send(to->from);
    free(item);
}

/* Moves blocked senders' items into the queue while there is room, and answers them. */
static inline void tycho_internal_channel_admit(tycho_internal_channel_state* channel) {
    while (channel->first_blocked && channel->queued < channel->capacity) {
        tycho_internal_channel_item* item = channel->first_blocked;
        channel->first_blocked = item->next;
        if (!channel->first_blocked) channel->last_blocked = NULL;
        item->next = NULL;
        tycho_internal_channel_status_reply(&item->waiter, TYCHO_CHANNEL_REPLY_OK);
        if (channel->last)
            channel->last->next = item;
        else
            channel->first = item;
        channel->last = item;
        channel->queued++;
    }
}

/* Hands items to waiting receivers: queued items first, then (rendezvous, or a full queue
 * that just got room) blocked senders' items. */
static inline void tycho_internal_channel_match(tycho_internal_channel_state* channel) {
    for (;;) {
        tycho_internal_channel_admit(channel);
        tycho_internal_channel_waiter* receiver = channel->first_receiver;
        if (!receiver) return;
        tycho_internal_channel_item* item = channel->first;
        if (item) {
            channel->first = item->next;
            if (!channel->first) channel->last = NULL;
            channel->queued--;
        } else if ((item = channel->first_blocked) != NULL) {
            channel->first_blocked = item->next;
            if (!channel->first_blocked) channel->last_blocked = NULL;
            tycho_internal_channel_status_reply(&item->waiter, TYCHO_CHANNEL_REPLY_OK);
        } else {
            return;
        }
        channel->first_receiver = receiver->next;
        if (!channel->first_receiver) channel->last_receiver = NULL;
        tycho_internal_channel_deliver(&receiver->request, item);
        free(receiver);
    }
}

/* Withdraws the waiting request of `from` under `reply_tag`; 1 if there was one. */
static inline int tycho_internal_channel_withdraw(tycho_internal_channel_state* channel,
                                                  tycho_pid from, int64_t reply_tag) {
    tycho_internal_channel_waiter** receiver = &channel->first_receiver;
    tycho_internal_channel_waiter* previous_receiver = NULL;
    for (; *receiver; previous_receiver = *receiver, receiver = &(*receiver)->next) {
        if ((*receiver)->request.from != from || (*receiver)->request.reply_tag != reply_tag)
            continue;
        tycho_internal_channel_waiter* gone = *receiver;
        *receiver = gone->next;
        if (channel->last_receiver == gone) channel->last_receiver = previous_receiver;
        free(gone);
        return 1;
    }
    tycho_internal_channel_item** sender = &channel->first_blocked;
    tycho_internal_channel_item* previous_sender = NULL;
    for (; *sender; previous_sender = *sender, sender = &(*sender)->next) {
        if ((*sender)->waiter.from != from || (*sender)->waiter.reply_tag != reply_tag) continue;
        tycho_internal_channel_item* gone = *sender;
        *sender = gone->next;
        if (channel->last_blocked == gone) channel->last_blocked = previous_sender;
        free(gone);
        return 1;
    }
    return 0;
}

static inline void tycho_internal_channel_close(tycho_internal_channel_state* channel) {
    channel->closed = 1;
    while (channel->first_blocked) {
        tycho_internal_channel_item* item = channel->first_blocked;
        channel->first_blocked = item->next;
        tycho_internal_channel_status_reply(&item->waiter, TYCHO_CHANNEL_REPLY_CLOSED);
        free(item);
    }
    channel->last_blocked = NULL;
    /* Receivers only wait while the queue is empty, so none of them will get an item. */
    while (channel->first_receiver) {
        tycho_internal_channel_waiter* receiver = channel->first_receiver;
        channel->first_receiver = receiver->next;
        tycho_internal_channel_status_reply(&receiver->request, TYCHO_CHANNEL_REPLY_CLOSED);
        free(receiver);
    }
    channel->last_receiver = NULL;
}

/* One request to the channel; the item bytes, if any, are still unread in the slot. */
static inline void tycho_internal_channel_serve(tycho_internal_channel_state* channel,
                                                const tycho_request* request, uint8_t op,
                                                uint32_t size) {
    switch (op) {
    case TYCHO_CHANNEL_OP_SEND: {
        if (channel->closed) {
            tycho_internal_channel_status_reply(request, TYCHO_CHANNEL_REPLY_CLOSED);
            return;
        }
        tycho_internal_channel_item* item =
            (tycho_internal_channel_item*)malloc(sizeof *item + size);
        if (!item) tycho_panic("channel: no memory for an item of %u bytes", size);
        item->next = NULL;
        item->waiter = *request;
        item->size = size;
        tycho_read(tycho_internal_item_bytes(item), size);
        if (channel->last_blocked)
            channel->last_blocked->next = item;
        else
            channel->first_blocked = item;
        channel->last_blocked = item;
        tycho_internal_channel_match(channel);
        return;
    }
    case TYCHO_CHANNEL_OP_RECEIVE: {
        tycho_internal_channel_waiter* receiver =
            (tycho_internal_channel_waiter*)malloc(sizeof *receiver);
        if (!receiver) tycho_panic("channel: out of memory");
        receiver->next = NULL;
        receiver->request = *request;
        if (channel->last_receiver)
            channel->last_receiver->next = receiver;
        else
            channel->first_receiver = receiver;
        channel->last_receiver = receiver;
        tycho_internal_channel_match(channel);
        if (channel->closed && channel->first_receiver) tycho_internal_channel_close(channel);
        return;
    }
    case TYCHO_CHANNEL_OP_CLOSE:
        tycho_internal_channel_close(channel);
        tycho_internal_channel_status_reply(request, TYCHO_CHANNEL_REPLY_OK);
        return;
    case TYCHO_CHANNEL_OP_WITHDRAW: {
        int64_t reply_tag = 0;
        if (size != sizeof reply_tag) return;
        tycho_read(&reply_tag, sizeof reply_tag);
        int withdrawn = tycho_internal_channel_withdraw(channel, request->from, reply_tag);
        tycho_internal_channel_status_reply(request, withdrawn ? TYCHO_CHANNEL_REPLY_WITHDRAWN
                                                               : TYCHO_CHANNEL_REPLY_OK);
        return;
    }
    default: return; /* not the channel protocol: ignored */
    }
}

/* The channel process. Its argument is the capacity (uint32_t). */
static inline void tycho_internal_channel_process(const void* arg, uint32_t len) {
    tycho_internal_channel_state channel;
    memset(&channel, 0, sizeof channel);
    channel.capacity = TYCHO_CHANNEL_UNBOUNDED;
    if (len == sizeof channel.capacity) memcpy(&channel.capacity, arg, len);
    while (!channel.closed || channel.first) {
        tycho_message message;
        tycho_receive_tag(TYCHO_TAG_CHANNEL, TYCHO_FOREVER, &message);
        tycho_request request;
        uint8_t op = 0;
        if (tycho_take_call(&message, &request) != TYCHO_OK || message.size < 1) continue;
        tycho_read(&op, 1);
        tycho_internal_channel_serve(&channel, &request, op, message.size - 1);
    }
}

/** Creates a channel holding up to `capacity` items (TYCHO_CHANNEL_UNBOUNDED: no limit; 0:
 *  rendezvous) and sets its two ends. Returns TYCHO_OK or TYCHO_FAILED. */
static inline int tycho_channel_create(uint32_t capacity, tycho_sender* sender,
                                       tycho_receiver* receiver) {
    tycho_pid channel = 0;
    int status = tycho_spawn(tycho_internal_channel_process, &capacity, sizeof capacity, &channel);
    if (status != TYCHO_OK) return status;
    sender->channel = channel;
    receiver->channel = channel;
    return TYCHO_OK;
}

/* Sends one operation and waits for its reply message (status byte unread). A timeout
 * withdraws the operation; if the channel had served it already, that reply is used. */
static inline int tycho_internal_channel_call(tycho_pid channel, uint8_t op, const void* item,
                                              uint32_t size, int64_t timeout_ms,
                                              tycho_message* reply) {
    tycho_request header = {tycho_self(), tycho_fresh_reply_tag()};
    lunatic_message_create_data(TYCHO_TAG_CHANNEL, sizeof header + 1 + size);
    lunatic_message_write_data(&header, sizeof header);
    lunatic_message_write_data(&op, 1);
    if (size) lunatic_message_write_data(item, size);
    lunatic_message_send(channel);
    int status = tycho_await_reply_message(channel, header.reply_tag, timeout_ms, reply);
    if (status == TYCHO_NO_PROCESS) return TYCHO_CLOSED;
    if (status != TYCHO_TIMEOUT) return status;
    tycho_request withdraw = {header.from, tycho_fresh_reply_tag()};
    uint8_t withdraw_op[1 + sizeof header.reply_tag] = {TYCHO_CHANNEL_OP_WITHDRAW};
    memcpy(withdraw_op + 1, &header.reply_tag, sizeof header.reply_tag);
    tycho_send_call(channel, TYCHO_TAG_CHANNEL, &withdraw, withdraw_op, sizeof withdraw_op);
    uint8_t outcome = TYCHO_CHANNEL_REPLY_WITHDRAWN;
    status = tycho_await_reply(channel, withdraw.reply_tag, &outcome, 1, NULL, TYCHO_FOREVER);
    if (status == TYCHO_OK && outcome == TYCHO_CHANNEL_REPLY_WITHDRAWN) return TYCHO_TIMEOUT;
    /* Served before the withdrawal: its reply came first and is already here. */
    status = tycho_await_reply_message(channel, header.reply_tag, 0, reply);
    return status == TYCHO_OK ? TYCHO_OK : TYCHO_CLOSED;
}

static inline int tycho_internal_channel_status(const tycho_message* reply) {
    uint8_t code = TYCHO_CHANNEL_REPLY_CLOSED;
    if (reply->size >= 1) tycho_read(&code, 1);
    return code == TYCHO_CHANNEL_REPLY_OK ? TYCHO_OK : TYCHO_CLOSED;
}

/**
 * Sends item[0..size) into the channel, waiting up to `timeout_ms` for room. Returns
 * TYCHO_OK (accepted), TYCHO_TIMEOUT (not accepted) or TYCHO_CLOSED (not accepted).
 */
static inline int tycho_channel_send(tycho_sender sender, const void* item, uint32_t size,
                                     int64_t timeout_ms) {
    tycho_message reply;
    int status = tycho_internal_channel_call(sender.channel, TYCHO_CHANNEL_OP_SEND, item, size,
                                             timeout_ms, &reply);
    return status == TYCHO_OK ? tycho_internal_channel_status(&reply) : status;
}

/**
 * Receives the next item into buffer[0..capacity), with its size at *size (may be NULL),
 * waiting up to `timeout_ms` for one. Returns TYCHO_OK, TYCHO_TIMEOUT (nothing taken),
 * TYCHO_CLOSED (closed and empty) or TYCHO_TRUNCATED (the item was bigger than the buffer;
 * its first `capacity` bytes are there, and it is taken).
 */
static inline int tycho_channel_receive(tycho_receiver receiver, void* buffer, uint32_t capacity,
                                        uint32_t* size, int64_t timeout_ms) {
    tycho_message reply;
    int status = tycho_internal_channel_call(receiver.channel, TYCHO_CHANNEL_OP_RECEIVE, NULL, 0,
                                             timeout_ms, &reply);
    if (status != TYCHO_OK) return status;
    status = tycho_internal_channel_status(&reply);
    if (status != TYCHO_OK) return status;
    uint32_t item_size = reply.size - 1;
    if (size) *size = item_size;
    tycho_read(buffer, capacity);
    return item_size > capacity ? TYCHO_TRUNCATED : TYCHO_OK;
}

/** Closes the channel (either end may). Closing twice is harmless. */
static inline void tycho_channel_close(tycho_pid channel) {
    tycho_message reply;
    tycho_internal_channel_call(channel, TYCHO_CHANNEL_OP_CLOSE, NULL, 0, TYCHO_FOREVER, &reply);
}

#ifdef __cplusplus
}
#endif

#endif /* TYCHO_CHANNEL_H */
