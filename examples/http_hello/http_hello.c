/*
 * An HTTP/1.1 "hello" server with keep-alive: the root process accepts connections and
 * hands each one, inside a message, to a process of its own, which answers every request
 * on it with "Hello, world!" until the client closes it (or asks to close it).
 *
 *   clang-19 --target=wasm32-wasi -O2 -I sdk/c/include examples/http_hello/http_hello.c \
 *       -o http_hello.wasm
 *   tycho run http_hello.wasm 8080        # then: curl http://127.0.0.1:8080/
 *
 * The argument is the port on 127.0.0.1 (0, the default, lets the system choose); the
 * server prints the address it listens on, then serves until it is stopped.
 */
#include <lunatic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char kResponse[] = "HTTP/1.1 200 OK\r\n"
                                "Content-Type: text/plain\r\n"
                                "Content-Length: 13\r\n"
                                "\r\n"
                                "Hello, world!";
static const char kCloseResponse[] = "HTTP/1.1 200 OK\r\n"
                                     "Content-Type: text/plain\r\n"
                                     "Content-Length: 13\r\n"
                                     "Connection: close\r\n"
                                     "\r\n"
                                     "Hello, world!";
static const char kBadRequest[] = "HTTP/1.1 400 Bad Request\r\n"
                                  "Content-Length: 0\r\n"
                                  "Connection: close\r\n"
                                  "\r\n";

/* Prints an error's text and frees it. */
static void print_error(const char* what, uint64_t error_id) {
    const uint32_t size = (uint32_t)lunatic_error_string_size(error_id);
    char* text = calloc(size + 1, 1);
    if (text) lunatic_error_to_string(error_id, text);
    fprintf(stderr, "%s: %s\n", what, text ? text : "(out of memory)");
    free(text);
    lunatic_error_drop(error_id);
}

/* Writes all of data; false when the connection failed. */
static int write_all(uint64_t stream, const char* data, uint32_t size) {
    while (size > 0) {
        lunatic_ciovec part = {data, size};
        uint64_t written = 0;
        if (lunatic_networking_tcp_write_vectored(stream, &part, 1, &written) != 0) {
            lunatic_error_drop(written);
            return 0;
        }
        data += written;
        size -= (uint32_t)written;
    }
    return 1;
}

/* The value of header `name` in the header block [start, end), or NULL. */
static const char* header_value(const char* start, const char* end, const char* name,
                                size_t* length) {
    const size_t name_length = strlen(name);
    for (const char* line = start; line < end;) {
        const char* line_end = memchr(line, '\n', (size_t)(end - line));
        if (!line_end) line_end = end;
        if ((size_t)(line_end - line) > name_length && line[name_length] == ':' &&
            strncasecmp(line, name, name_length) == 0) {
            const char* value = line + name_length + 1;
            while (value < line_end && *value == ' ')
                ++value;
            const char* value_end = line_end;
            while (value_end > value && (value_end[-1] == '\r' || value_end[-1] == ' '))
                --value_end;
            *length = (size_t)(value_end - value);
            return value;
        }
        line = line_end + 1;
    }
    return NULL;
}

/* Whether the request line [start, end) reads "METHOD TARGET HTTP/1.x". */
static int valid_request_line(const char* start, const char* end) {
    if (end - start < 12) return 0; /* shorter than "M / HTTP/1.1" */
    const char* method_end = memchr(start, ' ', (size_t)(end - start));
    if (!method_end || method_end == start) return 0;
    for (const char* c = start; c < method_end; ++c)
        if (*c < 'A' || *c > 'Z') return 0;
    const char* version = end - 8; /* after the target and a space */
    if (version - method_end < 3 || version[-1] != ' ') return 0;
    return memcmp(version, "HTTP/1.", 7) == 0 && (version[7] == '0' || version[7] == '1');
}

/* The length a Content-Length value states, or -1 when it is not a number up to max. */
static long body_size(const char* value, size_t length, size_t max) {
    size_t size = 0;
    for (size_t i = 0; i < length; ++i) {
        if (value[i] < '0' || value[i] > '9') return -1;
        size = 10 * size + (size_t)(value[i] - '0');
        if (size > max) return -1;
    }
    return length ? (long)size : -1;
}

/* One connection: answers requests until the client closes or asks to close. */
__attribute__((export_name("serve_connection"))) void serve_connection(void) {
    lunatic_receive_any(LUNATIC_NO_TIMEOUT);
    const uint64_t stream = lunatic_message_take_tcp_stream(0);
    char buffer[8192];
    size_t filled = 0;
    buffer[0] = 0;
    for (;;) {
        /* consumed: the size of the first request once all of it is in the buffer. */
        size_t consumed = 0;
        int keep_alive = 0;
        char* head_end = strstr(buffer, "\r\n\r\n");
        if (head_end) {
            /* The request line ends with the version: HTTP/1.0 closes unless asked not to. */
            const char* line_end = memchr(buffer, '\r', (size_t)(head_end - buffer) + 1);
            if (!valid_request_line(buffer, line_end)) {
                write_all(stream, kBadRequest, sizeof kBadRequest - 1);
                return;
            }
            const int http10 = memcmp(line_end - 8, "HTTP/1.0", 8) == 0;
            const char* headers = line_end + 2;
            size_t length = 0;
            const char* connection = header_value(headers, head_end + 2, "Connection", &length);
            keep_alive = !http10;
            if (connection && length == 5 && strncasecmp(connection, "close", 5) == 0)
                keep_alive = 0;
            if (connection && length == 10 && strncasecmp(connection, "keep-alive", 10) == 0)
                keep_alive = 1;
            /* A body (rare for this server) is read and skipped; it must fit the buffer. */
            consumed = (size_t)(head_end + 4 - buffer);
            const char* body = header_value(headers, head_end + 2, "Content-Length", &length);
            if (body) {
                const long size = body_size(body, length, sizeof buffer - 1 - consumed);
                if (size < 0) {
                    write_all(stream, kBadRequest, sizeof kBadRequest - 1);
                    return;
                }
                consumed += (size_t)size;
            }
        }
        if (!head_end || consumed > filled) {
            if (filled == sizeof buffer - 1) { /* a request head too long to be sensible */
                write_all(stream, kBadRequest, sizeof kBadRequest - 1);
                return;
            }
            uint64_t count = 0;
            if (lunatic_networking_tcp_read(stream, buffer + filled,
                                            (uint32_t)(sizeof buffer - 1 - filled), &count) != 0) {
                lunatic_error_drop(count);
                return; /* reset by the client */
            }
            if (count == 0) return; /* closed by the client */
            filled += count;
            buffer[filled] = 0;
            continue;
        }
        const char* response = keep_alive ? kResponse : kCloseResponse;
        const uint32_t size = keep_alive ? sizeof kResponse - 1 : sizeof kCloseResponse - 1;
        if (!write_all(stream, response, size) || !keep_alive) return;
        memmove(buffer, buffer + consumed, filled - consumed);
        filled -= consumed;
        buffer[filled] = 0;
    }
}

int main(int argc, char** argv) {
    const uint32_t port = argc > 1 ? (uint32_t)atoi(argv[1]) : 0;
    const uint8_t loopback[4] = {127, 0, 0, 1};
    uint64_t listener = 0;
    if (lunatic_networking_tcp_bind(4, loopback, port, 0, 0, &listener) != 0) {
        print_error("cannot listen", listener);
        return 1;
    }
    uint64_t address = 0;
    if (lunatic_networking_tcp_local_addr(listener, &address) == 0) {
        uint32_t type = 0, flow = 0, scope = 0;
        uint8_t ip[16];
        uint16_t bound_port = 0;
        lunatic_networking_resolve_next(address, &type, ip, &bound_port, &flow, &scope);
        lunatic_networking_drop_dns_iterator(address);
        printf("listening on http://%u.%u.%u.%u:%u/\n", ip[0], ip[1], ip[2], ip[3], bound_port);
        fflush(stdout);
    }
    for (;;) {
        uint64_t stream = 0, peer = 0;
        if (lunatic_networking_tcp_accept(listener, &stream, &peer) != 0) {
            print_error("accept failed", stream);
            continue;
        }
        lunatic_networking_drop_dns_iterator(peer);
        uint64_t handler = 0;
        if (lunatic_spawn_simple(0, "serve_connection", 0, 0, &handler) != 0) {
            lunatic_networking_drop_tcp_stream(stream);
            continue;
        }
        lunatic_message_create_data(0, 0);
        lunatic_message_push_tcp_stream(stream);
        lunatic_message_send(handler);
    }
}
