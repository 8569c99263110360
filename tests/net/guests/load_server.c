/*
 * The server of the load tests (tests/net/load_*.sh) and of bench/idle_connections.sh: every
 * connection is served by a process of its own, which answers each request line with a
 * reply line and keeps the connection open for the next, until the client closes it (or
 * resets it, or sends a line too long to hold).
 *
 *   tycho run load_server.wasm [PORT]    # 0 (the default): a port the system picks
 *
 * It listens on 127.0.0.1 and prints "listening on PORT". Requests, one line each:
 *   TEXT         (not starting with '#') is answered with TEXT itself;
 *   #handlers    is answered "handlers N", N the connection handlers alive besides the one
 *                asking;
 *   #await N     is answered "handlers N" as soon as exactly N handlers besides the one
 *                asking are alive (at once if they are now; it waits without end).
 * The last two let a test wait for a positive confirmation that handlers started or ended.
 * A line longer than 255 bytes is answered "error: line too long" and the handler ends.
 *
 * Processes: the root accepts and hands each stream, inside a message, to the supervisor,
 * which spawns the connection's handler, monitors it (the handler waits for its stream, so
 * it cannot end before the monitor is set) and counts the handlers alive; handlers ask the
 * supervisor for the count.
 */
#include <lunatic.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_CONNECTION 1 /* root -> supervisor: a new stream */
#define TAG_STREAM 2     /* supervisor -> handler: your stream */
#define TAG_QUERY 3      /* handler -> supervisor: (handler pid, awaited count or -1) */
#define TAG_COUNT 4      /* supervisor -> handler: the count of the others */
#define LINE_LIMIT 255
#define MAX_WAITERS 64

static void print_error(const char* what, uint64_t error_id) {
    const uint32_t size = lunatic_error_string_size(error_id);
    char* text = calloc(size + 1, 1);
    if (text) lunatic_error_to_string(error_id, text);
    fprintf(stderr, "load_server: %s: %s\n", what, text ? text : "(out of memory)");
    free(text);
    lunatic_error_drop(error_id);
}

/* ---- a connection's handler --------------------------------------------------------- */

/* Writes all of data; 0 when the connection failed. */
static int write_all(uint64_t stream, const char* data, size_t size) {
    while (size > 0) {
        lunatic_ciovec part = {data, (uint32_t)size};
        uint64_t written = 0;
        if (lunatic_networking_tcp_write_vectored(stream, &part, 1, &written) != 0) {
            lunatic_error_drop(written);
            return 0;
        }
        data += written;
        size -= (size_t)written;
    }
    return 1;
}

/* Asks the supervisor for the count of the other handlers, at once (awaited < 0) or once it
   equals `awaited`. */
static int64_t other_handlers(uint64_t supervisor, int64_t awaited) {
    const int64_t query[2] = {(int64_t)lunatic_process_process_id(), awaited};
    lunatic_message_create_data(TAG_QUERY, sizeof query);
    lunatic_message_write_data(query, sizeof query);
    lunatic_message_send_receive_skip_search(supervisor, TAG_COUNT, LUNATIC_NO_TIMEOUT);
    int64_t count = -1;
    lunatic_message_read_data(&count, sizeof count);
    return count;
}

/* Answers one request line (without its newline, NUL-terminated); 0 when the connection
   failed. */
static int answer(uint64_t stream, uint64_t supervisor, char* line, size_t length) {
    if (line[0] != '#') {
        line[length] = '\n';
        return write_all(stream, line, length + 1);
    }
    int64_t awaited = -2;
    if (strcmp(line, "#handlers") == 0) {
        awaited = -1;
    } else if (strncmp(line, "#await ", 7) == 0) {
        char* end = NULL;
        const long long n = strtoll(line + 7, &end, 10);
        if (end != line + 7 && *end == '\0' && n >= 0) awaited = n;
    }
    if (awaited == -2) {
        static const char kUnknown[] = "error: unknown request\n";
        return write_all(stream, kUnknown, sizeof kUnknown - 1);
    }
    char reply[32];
    const int size = snprintf(reply, sizeof reply, "handlers %lld\n",
                              (long long)other_handlers(supervisor, awaited));
    return write_all(stream, reply, (size_t)size);
}

__attribute__((export_name("handle_connection"))) void handle_connection(int64_t supervisor) {
    lunatic_receive_tag(TAG_STREAM, LUNATIC_NO_TIMEOUT);
    const uint64_t stream = lunatic_message_take_tcp_stream(0);
    char buffer[LINE_LIMIT + 2]; /* a line, its newline, and room for a NUL */
    size_t filled = 0;
    for (;;) {
        uint64_t count = 0;
        if (lunatic_networking_tcp_read(stream, buffer + filled,
                                        (uint32_t)(LINE_LIMIT + 1 - filled), &count) != 0) {
            lunatic_error_drop(count);
            return; /* reset by the client */
        }
        if (count == 0) return; /* closed by the client */
        filled += count;
        char* newline;
        while ((newline = memchr(buffer, '\n', filled)) != NULL) {
            const size_t length = (size_t)(newline - buffer);
            *newline = '\0';
            if (!answer(stream, (uint64_t)supervisor, buffer, length)) return;
            filled -= length + 1;
            memmove(buffer, buffer + length + 1, filled);
        }
        if (filled == LINE_LIMIT + 1) {
            static const char kTooLong[] = "error: line too long\n";
            write_all(stream, kTooLong, sizeof kTooLong - 1);
            return;
        }
    }
}

/* ---- the supervisor ------------------------------------------------------------------- */

typedef struct {
    uint64_t handler;
    int64_t awaited;
} waiter;

static waiter waiters[MAX_WAITERS];
static size_t waiter_count;
static int64_t live_handlers;

static void send_count(uint64_t handler) {
    const int64_t others = live_handlers - 1; /* the asking handler is alive */
    lunatic_message_create_data(TAG_COUNT, sizeof others);
    lunatic_message_write_data(&others, sizeof others);
    lunatic_message_send(handler);
}

/* Answers the waiters whose count has come. */
static void settle_waiters(void) {
    for (size_t i = 0; i < waiter_count;) {
        if (waiters[i].awaited == live_handlers - 1) {
            send_count(waiters[i].handler);
            waiters[i] = waiters[--waiter_count];
        } else {
            i++;
        }
    }
}

static void start_handler(uint64_t self) {
    const uint64_t stream = lunatic_message_take_tcp_stream(0);
    uint8_t params[LUNATIC_PARAM_SIZE];
    lunatic_param_i64(params, (int64_t)self);
    uint64_t handler = 0;
    if (lunatic_spawn_simple(0, "handle_connection", params, 1, &handler) != 0) {
        print_error("cannot spawn a handler", handler);
        lunatic_networking_drop_tcp_stream(stream); /* the client sees the connection close */
        return;
    }
    lunatic_process_monitor(handler);
    live_handlers++;
    lunatic_message_create_data(TAG_STREAM, 0);
    lunatic_message_push_tcp_stream(stream);
    lunatic_message_send(handler);
}

static void take_query(void) {
    int64_t query[2] = {0, 0};
    lunatic_message_read_data(query, sizeof query);
    const uint64_t handler = (uint64_t)query[0];
    if (query[1] < 0 || query[1] == live_handlers - 1) {
        send_count(handler);
    } else if (waiter_count < MAX_WAITERS) {
        waiters[waiter_count++] = (waiter){handler, query[1]};
    } else {
        fprintf(stderr, "load_server: more than %d handlers await a count\n", MAX_WAITERS);
        send_count(handler); /* the wrong count, rather than a handler stuck for good */
    }
}

__attribute__((export_name("supervise"))) void supervise(void) {
    const uint64_t self = lunatic_process_process_id();
    for (;;) {
        const int32_t kind = lunatic_receive_any(LUNATIC_NO_TIMEOUT);
        if (kind == LUNATIC_PROCESS_DIED) {
            live_handlers--;
            settle_waiters();
        } else if (kind == LUNATIC_DATA_MESSAGE && lunatic_message_get_tag() == TAG_CONNECTION) {
            start_handler(self);
            settle_waiters();
        } else if (kind == LUNATIC_DATA_MESSAGE && lunatic_message_get_tag() == TAG_QUERY) {
            take_query();
        }
    }
}

/* ---- the root: listening and accepting ------------------------------------------------ */

int main(int argc, char** argv) {
    const uint32_t port = argc > 1 ? (uint32_t)atoi(argv[1]) : 0;
    const uint8_t loopback[4] = {127, 0, 0, 1};
    uint64_t listener = 0;
    if (lunatic_networking_tcp_bind(4, loopback, port, 0, 0, &listener) != 0) {
        print_error("cannot listen", listener);
        return 1;
    }
    uint64_t address = 0;
    if (lunatic_networking_tcp_local_addr(listener, &address) != 0) {
        print_error("tcp_local_addr", address);
        return 1;
    }
    uint32_t type = 0, flow = 0, scope = 0;
    uint8_t ip[16];
    uint16_t bound_port = 0;
    lunatic_networking_resolve_next(address, &type, ip, &bound_port, &flow, &scope);
    lunatic_networking_drop_dns_iterator(address);

    /* Linked: if either fails, both end, and the run fails visibly. */
    uint64_t supervisor = 0;
    if (lunatic_spawn_simple(1, "supervise", NULL, 0, &supervisor) != 0) {
        print_error("cannot spawn the supervisor", supervisor);
        return 1;
    }
    printf("listening on %u\n", bound_port);
    fflush(stdout);
    for (;;) {
        uint64_t stream = 0, peer = 0;
        if (lunatic_networking_tcp_accept(listener, &stream, &peer) != 0) {
            /* Out of descriptors, say: the pending connection stays queued; try again soon
               rather than spin on it. */
            print_error("accept failed", stream);
            lunatic_process_sleep_ms(100);
            continue;
        }
        lunatic_networking_drop_dns_iterator(peer);
        lunatic_message_create_data(TAG_CONNECTION, 0);
        lunatic_message_push_tcp_stream(stream);
        lunatic_message_send(supervisor);
    }
}
