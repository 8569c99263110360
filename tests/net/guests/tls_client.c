/*
 * A TLS client for tls_interop.sh: connects to localhost:PORT trusting the test authority
 * only, and then, by MODE:
 *   www        sends "GET / HTTP/1.0" (openssl s_server -www answers with a page about the
 *              connection) and prints what comes back;
 *   keyupdate  sends "ping", reads until a line "pong" has arrived (the server updates its
 *              keys before it sends it), then sends "done".
 * Ends with a line "end: clean" when the server closed with a close_notify, "end: <error>"
 * when a read failed, "end: sent" in keyupdate mode; exits 1 when a step fails.
 *   tycho run tls_client.wasm PORT MODE
 */
#include <lunatic.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca_crt.h"

static void print_error(const char* what, uint64_t error) {
    uint32_t size = lunatic_error_string_size(error);
    char* text = calloc(size + 1, 1);
    lunatic_error_to_string(error, text);
    printf("%s: %s\n", what, text);
    free(text);
}

static void send_text(uint64_t stream, const char* text) {
    lunatic_ciovec iov = {text, (uint32_t)strlen(text)};
    uint64_t written = 0;
    int32_t r = lunatic_networking_tls_write_vectored(stream, &iov, 1, &written);
    if (r != 0 || written != iov.buf_len) {
        if (r == 1) print_error("write", written);
        printf("cannot send '%s' (status %d)\n", text, (int)r);
        exit(1);
    }
}

int main(int argc, char** argv) {
    if (argc != 3) {
        printf("usage: tls_client.wasm PORT www|keyupdate\n");
        return 2;
    }
    const uint32_t port = (uint32_t)atoi(argv[1]);
    const int www = strcmp(argv[2], "www") == 0;
    const lunatic_pem roots[1] = {{(const char*)CA_CRT, (uint32_t)sizeof CA_CRT}};
    uint64_t stream = 0;
    int32_t r = lunatic_networking_tls_connect("localhost", 9, port, 10000, &stream, roots, 1);
    if (r != 0) {
        if (r == 1) print_error("connect", stream);
        printf("connect returned %d\n", (int)r);
        return 1;
    }
    send_text(stream, www ? "GET / HTTP/1.0\r\n\r\n" : "ping\n");

    static char received[1 << 16];
    size_t total = 0;
    for (;;) {
        uint64_t n = 0;
        r = lunatic_networking_tls_read(stream, received + total, sizeof received - 1 - total, &n);
        if (r != 0) {
            if (r == 1)
                print_error("end", n);
            else
                printf("end: status %d\n", (int)r);
            break;
        }
        if (n == 0) {
            printf("end: clean\n");
            break;
        }
        fwrite(received + total, 1, n, stdout);
        fflush(stdout);
        total += n;
        received[total] = 0;
        if (!www && strstr(received, "pong\n")) {
            send_text(stream, "done\n");
            printf("end: sent\n");
            break;
        }
        if (total == sizeof received - 1) break;
    }
    lunatic_networking_drop_tls_stream(stream);
    return 0;
}
