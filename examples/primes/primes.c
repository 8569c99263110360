/*
 * Parallel map-reduce: count the primes below a limit with W worker processes. The root
 * process splits [0, limit) into W ranges, spawns one worker per range with the range as
 * its spawn argument (map), and adds up the counts they send back (reduce).
 *
 * Each worker replies under its own tag (its number), and the root receives the tags in
 * worker order, so the output is the same on every run however the workers are scheduled.
 * `tycho run --workers K` sets how many threads run the processes.
 *
 *   sdk/bin/tycho-cc examples/primes/primes.c -o primes.wasm
 *   tycho run primes.wasm [LIMIT [WORKERS]]     # 1000000 and 4 by default: 78498 primes
 */
#include <tycho/tycho.h>

#define MAX_WORKERS 64

/* A worker's spawn argument: where to reply, under which tag, and its range [from, to). */
typedef struct job {
    tycho_pid reply_to;
    int64_t tag;
    uint32_t from, to;
} job;

static int is_prime(uint32_t n) {
    if (n < 2) return 0;
    if (n % 2 == 0) return n == 2;
    for (uint32_t d = 3; d <= n / d; d += 2)
        if (n % d == 0) return 0;
    return 1;
}

static void count_primes(const void* arg, uint32_t len) {
    job work;
    if (len != sizeof work) tycho_panic("count_primes: bad argument");
    memcpy(&work, arg, sizeof work);
    uint32_t count = 0;
    for (uint32_t n = work.from; n < work.to; ++n)
        count += (uint32_t)is_prime(n);
    TYCHO_SEND_VALUE(work.reply_to, work.tag, count);
}

int main(int argc, char** argv) {
    long long limit = argc > 1 ? atoll(argv[1]) : 1000000;
    int workers = argc > 2 ? atoi(argv[2]) : 4;
    if (limit < 0 || limit > UINT32_MAX || workers < 1 || workers > MAX_WORKERS) {
        fprintf(stderr, "usage: %s [LIMIT [WORKERS]]  (LIMIT < 2^32, 1 <= WORKERS <= %d)\n",
                argv[0], MAX_WORKERS);
        return 2;
    }
    /* Map: ranges of equal length; the first ones take the remainder. */
    job jobs[MAX_WORKERS];
    uint32_t from = 0;
    for (int i = 0; i < workers; ++i) {
        uint32_t length = (uint32_t)(limit / workers) + (i < limit % workers ? 1 : 0);
        jobs[i] = (job){tycho_self(), i + 1, from, from + length};
        from += length;
        if (tycho_spawn(count_primes, &jobs[i], sizeof jobs[i], NULL) != TYCHO_OK) {
            fprintf(stderr, "cannot spawn worker %d: %s\n", i + 1, tycho_last_error());
            return 1;
        }
    }
    /* Reduce, in worker order. */
    printf("primes below %lld, counted by %d workers:\n", limit, workers);
    uint64_t total = 0;
    for (int i = 0; i < workers; ++i) {
        uint32_t count = 0;
        if (TYCHO_RECEIVE_VALUE(jobs[i].tag, &count, 60000) != TYCHO_OK) {
            fprintf(stderr, "no count from worker %d\n", i + 1);
            return 1;
        }
        printf("  worker %d: [%u, %u) has %u\n", i + 1, jobs[i].from, jobs[i].to, count);
        total += count;
    }
    printf("total: %llu\n", (unsigned long long)total);
    return 0;
}
