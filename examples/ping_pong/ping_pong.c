/*
 * Ping-pong: two processes send a ball back and forth. The root process ("ping") spawns
 * "pong" with the number of rounds as its argument; each round, ping sends the ball, pong
 * sends it back one hit later. Both processes print.
 *
 * Their lines never race: each process prints before it hands the ball over, and the other
 * prints only once it has the ball, so the output is the same on every run.
 *
 *   sdk/bin/tycho-cc examples/ping_pong/ping_pong.c -o ping_pong.wasm
 *   tycho run ping_pong.wasm [ROUNDS]      # 5 rounds by default
 */
#include <tycho/tycho.h>

enum { TAG_PING = 1, TAG_PONG = 2 };

/* What travels: who to answer, and how many hits the ball has had. */
typedef struct ball {
    tycho_pid from;
    int32_t hits;
} ball;

/* Pong's argument: how many rounds to play. */
static void pong(const void* arg, uint32_t len) {
    int32_t rounds = 0;
    if (len != sizeof rounds) tycho_panic("pong: expected the number of rounds");
    memcpy(&rounds, arg, sizeof rounds);
    for (int32_t round = 1; round <= rounds; ++round) {
        ball b;
        if (TYCHO_RECEIVE_VALUE(TAG_PING, &b, TYCHO_FOREVER) != TYCHO_OK)
            tycho_panic("pong: a ping of the wrong size");
        printf("  pong: got the ball (hit %d), sending it back\n", b.hits);
        tycho_pid ping = b.from;
        b.from = tycho_self();
        b.hits++;
        TYCHO_SEND_VALUE(ping, TAG_PONG, b);
    }
}

int main(int argc, char** argv) {
    int32_t rounds = argc > 1 ? atoi(argv[1]) : 5;
    if (rounds < 1) {
        fprintf(stderr, "usage: %s [ROUNDS]  (ROUNDS >= 1)\n", argv[0]);
        return 2;
    }
    tycho_pid partner = 0;
    if (tycho_spawn(pong, &rounds, sizeof rounds, &partner) != TYCHO_OK) {
        fprintf(stderr, "cannot spawn pong: %s\n", tycho_last_error());
        return 1;
    }
    ball b = {tycho_self(), 0};
    for (int32_t round = 1; round <= rounds; ++round) {
        b.from = tycho_self();
        b.hits++;
        printf("round %d\n  ping: sending the ball (hit %d)\n", round, b.hits);
        TYCHO_SEND_VALUE(partner, TAG_PING, b);
        /* A timeout, so that a lost ball ends the game instead of hanging it. */
        if (TYCHO_RECEIVE_VALUE(TAG_PONG, &b, 5000) != TYCHO_OK) {
            fprintf(stderr, "ping: no answer in round %d\n", round);
            return 1;
        }
        printf("  ping: got the ball back (hit %d)\n", b.hits);
    }
    printf("%d rounds, %d hits\n", rounds, b.hits);
    return 0;
}
