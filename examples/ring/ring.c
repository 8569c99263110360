/*
 * A ring of processes: N processes in a circle pass a token around M times, each adding
 * one to the hop count it carries. The root process is the ring's first member; it spawns
 * the other N - 1 (each told, in its spawn argument, the next process to pass the token to,
 * and how many laps to wait for), starts the token, and gets it back after every lap.
 *
 *   sdk/bin/tycho-cc examples/ring/ring.c -o ring.wasm
 *   tycho run ring.wasm [--time] [N [M]]     # N = 1000 processes, M = 100 laps by default
 *
 * --time adds the elapsed time (left out by default, so the output is always the same).
 */
#include <tycho/tycho.h>

enum { TAG_TOKEN = 1 };

/* A member's argument. */
typedef struct member {
    tycho_pid next;
    int32_t laps;
} member;

/* Passes the token on once per lap, then ends. */
static void ring_member(const void* arg, uint32_t len) {
    member self;
    if (len != sizeof self) tycho_panic("ring_member: bad argument");
    memcpy(&self, arg, sizeof self);
    for (int32_t lap = 0; lap < self.laps; ++lap) {
        int64_t hops = 0;
        TYCHO_RECEIVE_VALUE(TAG_TOKEN, &hops, TYCHO_FOREVER);
        hops++;
        TYCHO_SEND_VALUE(self.next, TAG_TOKEN, hops);
    }
}

int main(int argc, char** argv) {
    int timed = argc > 1 && strcmp(argv[1], "--time") == 0;
    int first = timed ? 2 : 1;
    int32_t processes = argc > first ? atoi(argv[first]) : 1000;
    int32_t laps = argc > first + 1 ? atoi(argv[first + 1]) : 100;
    if (processes < 1 || laps < 1) {
        fprintf(stderr, "usage: %s [--time] [PROCESSES [LAPS]]  (both >= 1)\n", argv[0]);
        return 2;
    }
    int64_t start = tycho_now_ms();

    /* Spawned from the end of the ring backwards, so each member's next one already
       exists: the last member passes the token back to the root. */
    member m = {tycho_self(), laps};
    for (int32_t i = processes - 1; i >= 1; --i) {
        tycho_pid spawned_member = 0;
        if (tycho_spawn(ring_member, &m, sizeof m, &spawned_member) != TYCHO_OK) {
            fprintf(stderr, "cannot spawn member %d: %s\n", i, tycho_last_error());
            return 1;
        }
        m.next = spawned_member; /* the next one spawned passes the token to this one */
    }
    int64_t spawned = tycho_now_ms();

    int64_t hops = 0;
    for (int32_t lap = 0; lap < laps; ++lap) {
        hops++; /* each process counts the hop it makes: N hops a lap */
        TYCHO_SEND_VALUE(m.next, TAG_TOKEN, hops);
        if (TYCHO_RECEIVE_VALUE(TAG_TOKEN, &hops, 60000) != TYCHO_OK) {
            fprintf(stderr, "the token did not come back in lap %d\n", lap + 1);
            return 1;
        }
    }
    printf("ring of %d processes, %d laps\n", processes, laps);
    printf("token passed %lld times (expected %lld)\n", (long long)hops,
           (long long)processes * laps);
    if (timed) {
        int64_t done = tycho_now_ms();
        printf("spawned in %lld ms, passed in %lld ms\n", (long long)(spawned - start),
               (long long)(done - spawned));
    }
    return hops == (int64_t)processes * laps ? 0 : 1;
}
