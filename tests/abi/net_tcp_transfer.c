/*
 * net_tcp_transfer.c - TCP streams travelling in messages.
 *
 * ABI: §4 (ids), §10.4 (resources in messages), §20.2.
 *
 * Expected behaviour checked here:
 *  - A stream pushed into a message and taken by another process works there, in both
 *    directions, with the timeouts that were stored on it before it travelled.
 *  - Pushing moves the reference: the sender's id is gone (using it traps), while a clone
 *    the sender kept still works.
 *  - A message whose stream is never taken closes it when the message goes: sent to a
 *    process that does not exist, received by a process that ends without taking it, or
 *    overwritten in the scratch slot before it was sent. The peer then reads the end of
 *    the stream.
 */
#include "net_tcp_util.h"

#define TAG_STREAM 21
#define TAG_TAKEN 22

/* Receives a message with a stream (its index as the first u64), takes the stream,
   reports its stored read timeout, then echoes what it reads with "echo:" in front. */
ENTRY(echo_child)(int64_t parent) {
    (void)parent;
    EXPECT_MSG(TAG_STREAM);
    uint64_t index = READ_U64();
    uint64_t stream = lunatic_message_take_tcp_stream(index);
    SEND((uint64_t)parent, TAG_TAKEN, (uint64_t)lunatic_networking_get_read_timeout(stream));
    READ_EXPECT(stream, "ping");
    WRITE_ALL(stream, "echo:ping");
    lunatic_networking_drop_tcp_stream(stream);
}

/* Receives a message with a stream and ends without taking it (the message still in its
   scratch slot). */
ENTRY(ignore_child)(int64_t parent) {
    (void)parent;
    EXPECT_MSG(TAG_STREAM);
}

/* Pushes its stream into a message, then uses the old id. */
ENTRY(t_use_after_push)(int64_t parent) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port);
    uint64_t stream = CONNECT_LOOPBACK(4, port);
    (void)listener;
    lunatic_message_create_data(TAG_STREAM, 0);
    lunatic_message_push_tcp_stream(stream);
    child_reached(parent);
    lunatic_networking_tcp_flush(stream, &(uint64_t){0});
    child_survived(parent);
}

/* A connected pair on loopback: *client and *server. */
static void pair(uint64_t* client, uint64_t* server) {
    uint16_t port = 0;
    uint64_t listener = LISTEN_LOOPBACK(4, &port);
    *client = CONNECT_LOOPBACK(4, port);
    *server = ACCEPT(listener, NULL);
    lunatic_networking_drop_tcp_listener(listener);
}

/* Puts `stream` into a new data message (its index as the first u64). */
static void message_with(uint64_t stream) {
    lunatic_message_create_data(TAG_STREAM, 8);
    uint64_t index = lunatic_message_push_tcp_stream(stream);
    CHECK_EQ(lunatic_message_write_data(&index, 8), 8);
}

static void stream_moves_to_another_process(void) {
    uint64_t client, server;
    pair(&client, &server);
    uint64_t kept = lunatic_networking_clone_tcp_stream(server);
    lunatic_networking_set_read_timeout(server, 4321);

    uint64_t child = SPAWN_HELPER("echo_child");
    message_with(server);
    CHECK_EQ(lunatic_message_send(child), 0);
    EXPECT_MSG(TAG_TAKEN);
    CHECK_EQ(READ_U64(), 4321); /* the timeout travelled with the connection */

    WRITE_ALL(client, "ping");
    READ_EXPECT(client, "echo:ping");
    /* The clone kept here is still the same connection. */
    WRITE_ALL(kept, "+");
    READ_EXPECT(client, "+");
    /* The child dropped its reference; once this one goes too, the connection closes. */
    WAIT_GONE(child);
    lunatic_networking_drop_tcp_stream(kept);
    EXPECT_END_OF_STREAM(client);
    lunatic_networking_drop_tcp_stream(client);
}

static void untaken_stream_closes_with_its_message(void) {
    uint64_t client, server;

    /* Sent to nobody. */
    pair(&client, &server);
    message_with(server);
    lunatic_message_send(NO_SUCH_PID);
    EXPECT_END_OF_STREAM(client);
    lunatic_networking_drop_tcp_stream(client);

    /* Received, never taken, and the receiver ends. */
    pair(&client, &server);
    uint64_t child = SPAWN_HELPER("ignore_child");
    message_with(server);
    CHECK_EQ(lunatic_message_send(child), 0);
    WAIT_GONE(child); /* it ends only after receiving the message */
    EXPECT_END_OF_STREAM(client);
    lunatic_networking_drop_tcp_stream(client);

    /* Overwritten in the scratch slot before it was sent. */
    pair(&client, &server);
    message_with(server);
    lunatic_message_create_data(1, 0);
    EXPECT_END_OF_STREAM(client);
    lunatic_networking_drop_tcp_stream(client);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);

    stream_moves_to_another_process();
    untaken_stream_closes_with_its_message();
    EXPECT_TRAP("t_use_after_push");

    printf("ok\n");
    return 0;
}
