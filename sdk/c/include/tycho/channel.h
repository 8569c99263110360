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

/* The channel process keeps three queues of the same nodes: accepted items, senders waiting
 * for room (with their items), and receivers waiting for an item (size 0). */
typedef struct tycho_internal_channel_node {
    struct tycho_internal_channel_node* next;
    tycho_request request; /* who waits for the answer; unused once an item is accepted */
    uint32_t size;         /* the item's bytes follow the struct */
} tycho_internal_channel_node;

typedef struct tycho_internal_channel_queue {
    tycho_internal_channel_node *first, *last;
} tycho_internal_channel_queue;

static inline unsigned char* tycho_internal_node_bytes(tycho_internal_channel_node* node) {
    return (unsigned char*)(node + 1);
}

/* A node for `request` with room for `size` item bytes. */
static inline tycho_internal_channel_node*
tycho_internal_channel_node_new(const tycho_request* request, uint32_t size) {
    tycho_internal_channel_node* node = (tycho_internal_channel_node*)malloc(sizeof *node + size);
    if (!node) tycho_panic("channel: no memory for an item of %u bytes", size);
    node->next = NULL;
    node->request = *request;
    node->size = size;
    return node;
}

static inline void tycho_internal_channel_push(tycho_internal_channel_queue* queue,
                                               tycho_internal_channel_node* node) {
    node->next = NULL;
    if (queue->last)
        queue->last->next = node;
    else
        queue->first = node;
    queue->last = node;
}

static inline tycho_internal_channel_node*
tycho_internal_channel_pop(tycho_internal_channel_queue* queue) {
    tycho_internal_channel_node* node = queue->first;
    if (node) {
        queue->first = node->next;
        if (!queue->first) queue->last = NULL;
    }
    return node;
}

/* Removes and frees the node waiting for `from` under `reply_tag`; 1 if there was one. */
static inline int tycho_internal_channel_remove(tycho_internal_channel_queue* queue, tycho_pid from,
                                                int64_t reply_tag) {
    tycho_internal_channel_node* previous = NULL;
    for (tycho_internal_channel_node** at = &queue->first; *at; previous = *at, at = &(*at)->next) {
        tycho_internal_channel_node* node = *at;
        if (node->request.from != from || node->request.reply_tag != reply_tag) continue;
        *at = node->next;
        if (queue->last == node) queue->last = previous;
        free(node);
        return 1;
    }
    return 0;
}

typedef struct tycho_internal_channel_state {
    uint32_t capacity;
    uint32_t queued;
    int closed;
    tycho_internal_channel_queue items, senders, receivers;
} tycho_internal_channel_state;

static inline void tycho_internal_channel_status_reply(const tycho_request* to, uint8_t code) {
    tycho_reply(to, &code, 1);
}

static inline void tycho_internal_channel_deliver(const tycho_request* to,
                                                  tycho_internal_channel_node* item) {
    uint8_t code = TYCHO_CHANNEL_REPLY_OK;
    lunatic_message_create_data(to->reply_tag, 1 + item->size);
    lunatic_message_write_data(&code, 1);
    if (item->size) lunatic_message_write_data(tycho_internal_node_bytes(item), item->size);
    lunatic_message_send(to->from);
    free(item);
}

/* Hands items to waiting receivers: queued items first, then (rendezvous, or a full queue
 * that just got room) waiting senders' items. Waiting senders' items join the queue while
 * there is room; each sender is answered when its item is accepted. */
static inline void tycho_internal_channel_match(tycho_internal_channel_state* channel) {
    for (;;) {
        while (channel->senders.first && channel->queued < channel->capacity) {
            tycho_internal_channel_node* item = tycho_internal_channel_pop(&channel->senders);
            tycho_internal_channel_status_reply(&item->request, TYCHO_CHANNEL_REPLY_OK);
            tycho_internal_channel_push(&channel->items, item);
            channel->queued++;
        }
        if (!channel->receivers.first) return;
        tycho_internal_channel_node* item = tycho_internal_channel_pop(&channel->items);
        if (item) {
            channel->queued--;
        } else if ((item = tycho_internal_channel_pop(&channel->senders)) != NULL) {
            tycho_internal_channel_status_reply(&item->request, TYCHO_CHANNEL_REPLY_OK);
        } else {
            return;
        }
        tycho_internal_channel_node* receiver = tycho_internal_channel_pop(&channel->receivers);
        tycho_internal_channel_deliver(&receiver->request, item);
        free(receiver);
    }
}

/* Answers every node of `queue` with CLOSED and frees it. */
static inline void tycho_internal_channel_refuse(tycho_internal_channel_queue* queue) {
    tycho_internal_channel_node* node;
    while ((node = tycho_internal_channel_pop(queue)) != NULL) {
        tycho_internal_channel_status_reply(&node->request, TYCHO_CHANNEL_REPLY_CLOSED);
        free(node);
    }
}

static inline void tycho_internal_channel_close(tycho_internal_channel_state* channel) {
    channel->closed = 1;
    tycho_internal_channel_refuse(&channel->senders);
    /* Receivers only wait while the queue is empty, so none of them will get an item. */
    tycho_internal_channel_refuse(&channel->receivers);
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
        tycho_internal_channel_node* item = tycho_internal_channel_node_new(request, size);
        tycho_read(tycho_internal_node_bytes(item), size);
        tycho_internal_channel_push(&channel->senders, item);
        tycho_internal_channel_match(channel);
        return;
    }
    case TYCHO_CHANNEL_OP_RECEIVE:
        tycho_internal_channel_push(&channel->receivers,
                                    tycho_internal_channel_node_new(request, 0));
        tycho_internal_channel_match(channel);
        if (channel->closed && channel->receivers.first) tycho_internal_channel_close(channel);
        return;
    case TYCHO_CHANNEL_OP_CLOSE:
        tycho_internal_channel_close(channel);
        tycho_internal_channel_status_reply(request, TYCHO_CHANNEL_REPLY_OK);
        return;
    case TYCHO_CHANNEL_OP_WITHDRAW: {
        int64_t reply_tag = 0;
        if (size != sizeof reply_tag) return;
        tycho_read(&reply_tag, sizeof reply_tag);
        int withdrawn =
            tycho_internal_channel_remove(&channel->receivers, request->from, reply_tag) ||
            tycho_internal_channel_remove(&channel->senders, request->from, reply_tag);
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
    while (!channel.closed || channel.items.first) {
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
    return tycho_internal_read_into(reply.size - 1, buffer, capacity, size);
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
