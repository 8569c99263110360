/*
 * Channel semantics (tycho/channel.h): bounded sends wait, rendezvous, unbounded, closing
 * with items and with waiting senders and receivers, ends passed to other processes, many
 * senders and receivers, and timeouts that withdraw without losing or doubling an item.
 */
#include "check.h"

static int receive_int(tycho_receiver rx, int64_t timeout_ms, int* value) {
    uint32_t size = 0;
    int status = tycho_channel_receive(rx, value, sizeof *value, &size, timeout_ms);
    if (status == TYCHO_OK) CHECK(size == sizeof *value);
    return status;
}

static void bounded_sends_wait_for_room(void) {
    tycho_sender tx;
    tycho_receiver rx;
    CHECK_STATUS(TYCHO_OK, tycho_channel_create(2, &tx, &rx));
    int one = 1, two = 2, three = 3, value = 0;
    CHECK_STATUS(TYCHO_OK, tycho_channel_send(tx, &one, sizeof one, 0));
    CHECK_STATUS(TYCHO_OK, tycho_channel_send(tx, &two, sizeof two, 0));
    int64_t start = tycho_now_ms();
    CHECK_STATUS(TYCHO_TIMEOUT, tycho_channel_send(tx, &three, sizeof three, 60));
    CHECK(tycho_now_ms() - start >= 55);
    CHECK_STATUS(TYCHO_OK, receive_int(rx, 0, &value));
    CHECK(value == 1);
    CHECK_STATUS(TYCHO_OK, tycho_channel_send(tx, &three, sizeof three, 0));
    /* The send that timed out left nothing behind: 2, 3, then empty. */
    CHECK_STATUS(TYCHO_OK, receive_int(rx, 0, &value));
    CHECK(value == 2);
    CHECK_STATUS(TYCHO_OK, receive_int(rx, 0, &value));
    CHECK(value == 3);
    CHECK_STATUS(TYCHO_TIMEOUT, receive_int(rx, 30, &value));
    tycho_channel_close(tx.channel);
    printf("bounded: ok\n");
}

/* Receives one int and sends it back to the parent, tagged 5. */
static void take_one(const void* arg, uint32_t len) {
    CHECK(len == sizeof(tycho_receiver) + sizeof(tycho_pid));
    tycho_receiver rx;
    tycho_pid parent;
    memcpy(&rx, arg, sizeof rx);
    memcpy(&parent, (const char*)arg + sizeof rx, sizeof parent);
    int value = 0;
    CHECK_STATUS(TYCHO_OK, receive_int(rx, TYCHO_FOREVER, &value));
    TYCHO_SEND_VALUE(parent, 5, value);
}

static void rendezvous_waits_for_a_receiver(void) {
    tycho_sender tx;
    tycho_receiver rx;
    CHECK_STATUS(TYCHO_OK, tycho_channel_create(0, &tx, &rx));
    int value = 7;
    CHECK_STATUS(TYCHO_TIMEOUT, tycho_channel_send(tx, &value, sizeof value, 40));
    unsigned char arg[sizeof rx + sizeof(tycho_pid)];
    tycho_pid self = tycho_self(), child;
    memcpy(arg, &rx, sizeof rx);
    memcpy(arg + sizeof rx, &self, sizeof self);
    CHECK_STATUS(TYCHO_OK, tycho_spawn(take_one, arg, sizeof arg, &child));
    value = 8;
    CHECK_STATUS(TYCHO_OK, tycho_channel_send(tx, &value, sizeof value, TYCHO_FOREVER));
    int echoed = 0;
    CHECK_STATUS(TYCHO_OK, TYCHO_RECEIVE_VALUE(5, &echoed, 5000));
    CHECK(echoed == 8); /* not 7: the send that timed out was withdrawn */
    tycho_channel_close(tx.channel);
    printf("rendezvous: ok\n");
}

static void unbounded_never_waits(void) {
    tycho_sender tx;
    tycho_receiver rx;
    CHECK_STATUS(TYCHO_OK, tycho_channel_create(TYCHO_CHANNEL_UNBOUNDED, &tx, &rx));
    for (int i = 0; i < 5000; i++)
        CHECK_STATUS(TYCHO_OK, tycho_channel_send(tx, &i, sizeof i, 0));
    for (int i = 0; i < 5000; i++) {
        int value = -1;
        CHECK_STATUS(TYCHO_OK, receive_int(rx, 0, &value));
        CHECK(value == i);
    }
    tycho_channel_close(rx.channel);
    printf("unbounded: ok\n");
}

static void closing_drains_then_reports_closed(void) {
    tycho_sender tx;
    tycho_receiver rx;
    CHECK_STATUS(TYCHO_OK, tycho_channel_create(4, &tx, &rx));
    for (int i = 0; i < 3; i++)
        CHECK_STATUS(TYCHO_OK, tycho_channel_send(tx, &i, sizeof i, 0));
    tycho_channel_close(tx.channel);
    tycho_channel_close(tx.channel); /* twice is harmless */
    int value = 0;
    CHECK_STATUS(TYCHO_CLOSED, tycho_channel_send(tx, &value, sizeof value, 0));
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(TYCHO_OK, receive_int(rx, 0, &value));
        CHECK(value == i);
    }
    CHECK_STATUS(TYCHO_CLOSED, receive_int(rx, 1000, &value));
    CHECK_STATUS(TYCHO_CLOSED, receive_int(rx, TYCHO_FOREVER, &value));
    /* Closed and empty, the channel process ends. */
    int64_t deadline = tycho_deadline(5000);
    while (tycho_alive(tx.channel) && tycho_remaining_ms(deadline) > 0)
        tycho_sleep_ms(1);
    CHECK(!tycho_alive(tx.channel));
    /* From then on every operation says closed at once. */
    int64_t start = tycho_now_ms();
    CHECK_STATUS(TYCHO_CLOSED, tycho_channel_send(tx, &value, sizeof value, TYCHO_FOREVER));
    CHECK_STATUS(TYCHO_CLOSED, receive_int(rx, TYCHO_FOREVER, &value));
    tycho_channel_close(tx.channel);
    CHECK(tycho_now_ms() - start < TYCHO_CALL_LIVENESS_MS / 2);
    printf("close with items: ok\n");
}

/* Closes the channel whose end it gets after 30 ms. */
static void close_later(const void* arg, uint32_t len) {
    tycho_sender tx;
    CHECK(len == sizeof tx);
    memcpy(&tx, arg, sizeof tx);
    tycho_sleep_ms(30);
    tycho_channel_close(tx.channel);
}

static void closing_wakes_waiters(void) {
    tycho_sender tx;
    tycho_receiver rx;
    int value = 0;
    CHECK_STATUS(TYCHO_OK, tycho_channel_create(4, &tx, &rx));
    CHECK_STATUS(TYCHO_OK, tycho_spawn(close_later, &tx, sizeof tx, NULL));
    CHECK_STATUS(TYCHO_CLOSED, receive_int(rx, TYCHO_FOREVER, &value));

    CHECK_STATUS(TYCHO_OK, tycho_channel_create(1, &tx, &rx));
    CHECK_STATUS(TYCHO_OK, tycho_channel_send(tx, &value, sizeof value, 0));
    CHECK_STATUS(TYCHO_OK, tycho_spawn(close_later, &tx, sizeof tx, NULL));
    /* Full: this send waits, and the close refuses it. */
    CHECK_STATUS(TYCHO_CLOSED, tycho_channel_send(tx, &value, sizeof value, TYCHO_FOREVER));
    CHECK_STATUS(TYCHO_OK, receive_int(rx, 0, &value)); /* the accepted item stays */
    CHECK_STATUS(TYCHO_CLOSED, receive_int(rx, 0, &value));
    printf("close wakes waiters: ok\n");
}

static void truncation_takes_the_item(void) {
    tycho_sender tx;
    tycho_receiver rx;
    CHECK_STATUS(TYCHO_OK, tycho_channel_create(4, &tx, &rx));
    const char text[] = "a longer item";
    CHECK_STATUS(TYCHO_OK, tycho_channel_send(tx, text, sizeof text, 0));
    CHECK_STATUS(TYCHO_OK, tycho_channel_send(tx, "", 0, 0));
    char small[4];
    uint32_t size = 0;
    CHECK_STATUS(TYCHO_TRUNCATED, tycho_channel_receive(rx, small, sizeof small, &size, 0));
    CHECK(size == sizeof text && memcmp(small, "a lo", 4) == 0);
    CHECK_STATUS(TYCHO_OK, tycho_channel_receive(rx, small, sizeof small, &size, 0));
    CHECK(size == 0);
    tycho_channel_close(tx.channel);
    printf("truncation: ok\n");
}

/* Many producers and consumers, with consumers using short timeouts so that withdrawals
 * race with deliveries: every item must arrive exactly once. */
enum { PRODUCERS = 4, CONSUMERS = 4, ITEMS_EACH = 300 };

typedef struct ends {
    tycho_sender tx;
    tycho_receiver rx;
    tycho_pid parent;
    int first;
} ends;

static void produce(const void* arg, uint32_t len) {
    ends e;
    CHECK(len == sizeof e);
    memcpy(&e, arg, sizeof e);
    for (int i = 0; i < ITEMS_EACH; i++) {
        int item = e.first + i;
        CHECK_STATUS(TYCHO_OK, tycho_channel_send(e.tx, &item, sizeof item, TYCHO_FOREVER));
        if (i % 50 == 0) tycho_sleep_ms(1);
    }
    int done = 1;
    TYCHO_SEND_VALUE(e.parent, 6, done);
}

static void consume(const void* arg, uint32_t len) {
    ends e;
    CHECK(len == sizeof e);
    memcpy(&e, arg, sizeof e);
    for (;;) {
        int item = 0;
        int status = receive_int(e.rx, 1, &item); /* 1 ms: many withdrawals */
        if (status == TYCHO_TIMEOUT) continue;
        if (status == TYCHO_CLOSED) break;
        CHECK_STATUS(TYCHO_OK, status);
        TYCHO_SEND_VALUE(e.parent, 7, item);
    }
    int done = -1;
    TYCHO_SEND_VALUE(e.parent, 7, done);
}

static void many_senders_and_receivers_lose_nothing(void) {
    ends e;
    CHECK_STATUS(TYCHO_OK, tycho_channel_create(8, &e.tx, &e.rx));
    e.parent = tycho_self();
    for (int c = 0; c < CONSUMERS; c++)
        CHECK_STATUS(TYCHO_OK, tycho_spawn(consume, &e, sizeof e, NULL));
    for (int p = 0; p < PRODUCERS; p++) {
        e.first = p * ITEMS_EACH;
        CHECK_STATUS(TYCHO_OK, tycho_spawn(produce, &e, sizeof e, NULL));
    }
    for (int p = 0; p < PRODUCERS; p++) {
        int done = 0;
        CHECK_STATUS(TYCHO_OK, TYCHO_RECEIVE_VALUE(6, &done, 20000));
    }
    tycho_channel_close(e.tx.channel);
    static unsigned char seen[PRODUCERS * ITEMS_EACH];
    int finished = 0, received = 0;
    while (finished < CONSUMERS) {
        int item = 0;
        CHECK_STATUS(TYCHO_OK, TYCHO_RECEIVE_VALUE(7, &item, 20000));
        if (item < 0) {
            finished++;
            continue;
        }
        CHECK(item < PRODUCERS * ITEMS_EACH);
        CHECK(!seen[item]);
        seen[item] = 1;
        received++;
    }
    CHECK(received == PRODUCERS * ITEMS_EACH);
    printf("mpmc with timeouts: ok (%d items)\n", received);
}

int main(void) {
    bounded_sends_wait_for_room();
    rendezvous_waits_for_a_receiver();
    unbounded_never_waits();
    closing_drains_then_reports_closed();
    closing_wakes_waiters();
    truncation_takes_the_item();
    many_senders_and_receivers_lose_nothing();
    printf("ok\n");
    return 0;
}
