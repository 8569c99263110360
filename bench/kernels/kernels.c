/* Compute kernels for tycho-bench-compute. Freestanding C: the same file is compiled to
 * wasm32 (the guest module) and natively (the reference the harness compares with).
 * All state lives in static arrays and is initialised inside each call, so a call's result
 * depends only on its argument. Floating-point kernels keep every value exactly
 * representable or fix the evaluation order, so native and Wasm results agree bit for bit. */
#include "kernels.h"

#ifdef __wasm__
#define KERNEL_EXPORT(name) __attribute__((export_name(name)))
#else
#define KERNEL_EXPORT(name)
#endif

/* FNV-1a style folding of 64-bit words into a checksum. */
static inline uint64_t hash_add(uint64_t h, uint64_t v) {
    h ^= v;
    h *= 0x100000001B3ull;
    return h ^ (h >> 29);
}
#define HASH_INIT 0xCBF29CE484222325ull

static inline uint64_t double_bits(double d) {
    union {
        double d;
        uint64_t u;
    } pun;
    pun.d = d;
    return pun.u;
}

/* ---- fib: call-heavy recursion ---------------------------------------------------------- */

static uint32_t fib_rec(uint32_t n) {
    return n < 2 ? n : fib_rec(n - 1) + fib_rec(n - 2);
}

KERNEL_EXPORT("fib") uint64_t tycho_kernel_fib(uint32_t n) {
    return fib_rec(n);
}

/* ---- sieve: byte loads and stores, branchy inner loops ---------------------------------- */

#define SIEVE_CAPACITY 2000000u
#define SIEVE_PASSES 24
static uint8_t sieve_flags[SIEVE_CAPACITY + 1];

KERNEL_EXPORT("sieve") uint64_t tycho_kernel_sieve(uint32_t n) {
    if (n > SIEVE_CAPACITY) n = SIEVE_CAPACITY;
    uint64_t total = 0;
    for (int pass = 0; pass < SIEVE_PASSES; pass++) {
        for (uint32_t i = 0; i <= n; i++)
            sieve_flags[i] = 1;
        uint32_t count = 0;
        for (uint32_t i = 2; i <= n; i++) {
            if (!sieve_flags[i]) continue;
            count++;
            if ((uint64_t)i * i > n) continue;
            for (uint32_t j = i * i; j <= n; j += i)
                sieve_flags[j] = 0;
        }
        total += count;
    }
    return total;
}

/* ---- matmul: f64 multiply-add over row/column walks ------------------------------------- */

#define MATMUL_MAX 200u
#define MATMUL_PASSES 18
static double mat_a[MATMUL_MAX * MATMUL_MAX];
static double mat_b[MATMUL_MAX * MATMUL_MAX];
static double mat_c[MATMUL_MAX * MATMUL_MAX];

/* Entries are small multiples of 1/8 and 1/16, so every product and partial sum is exact:
 * the result cannot depend on contraction or rounding differences between targets. */
KERNEL_EXPORT("matmul") uint64_t tycho_kernel_matmul(uint32_t n) {
    if (n > MATMUL_MAX) n = MATMUL_MAX;
    if (n == 0) return HASH_INIT;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            mat_a[i * n + j] = (double)((int)((i * 7 + j * 3) % 23) - 11) * 0.125;
            mat_b[i * n + j] = (double)((int)((i * 5 + j * 11) % 19) - 9) * 0.0625;
        }
    }
    uint64_t h = HASH_INIT;
    for (int pass = 0; pass < MATMUL_PASSES; pass++) {
        for (uint32_t i = 0; i < n; i++) {
            for (uint32_t j = 0; j < n; j++) {
                double sum = 0.0;
                for (uint32_t k = 0; k < n; k++)
                    sum += mat_a[i * n + k] * mat_b[k * n + j];
                mat_c[i * n + j] = sum;
            }
        }
        for (uint32_t i = 0; i < n * n; i++)
            h = hash_add(h, double_bits(mat_c[i]));
        /* Perturb B so that no pass repeats the previous one. */
        mat_b[(uint32_t)pass % (n * n)] += 1.0;
    }
    return h;
}

/* ---- sha_mix: 32-bit rotates, xors and adds --------------------------------------------- */

static uint32_t sha_w[64];
static uint32_t sha_k[64];

static inline uint32_t rotr32(uint32_t x, unsigned r) {
    return (x >> r) | (x << (32 - r));
}

/* The shape of SHA-256 (message schedule plus 64-step compression); the constants come from
 * a linear congruential generator, since only the mix of operations matters here. */
KERNEL_EXPORT("sha_mix") uint64_t tycho_kernel_sha_mix(uint32_t rounds) {
    uint32_t seed = 0x2545F491u;
    for (int i = 0; i < 64; i++)
        sha_k[i] = seed = seed * 1664525u + 1013904223u;
    for (int i = 0; i < 16; i++)
        sha_w[i] = seed = seed * 1664525u + 1013904223u;
    uint32_t s0 = seed ^ 0x01234567u, s1 = seed ^ 0x89ABCDEFu, s2 = seed + 1, s3 = seed + 2;
    uint32_t s4 = seed * 3, s5 = seed * 5, s6 = ~seed, s7 = seed >> 3;

    for (uint32_t r = 0; r < rounds; r++) {
        for (int i = 16; i < 64; i++) {
            uint32_t x = sha_w[i - 15], y = sha_w[i - 2];
            uint32_t lo = rotr32(x, 7) ^ rotr32(x, 18) ^ (x >> 3);
            uint32_t hi = rotr32(y, 17) ^ rotr32(y, 19) ^ (y >> 10);
            sha_w[i] = sha_w[i - 16] + lo + sha_w[i - 7] + hi;
        }
        uint32_t a = s0, b = s1, c = s2, d = s3, e = s4, f = s5, g = s6, h = s7;
        for (int i = 0; i < 64; i++) {
            uint32_t big1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
            uint32_t choose = (e & f) ^ (~e & g);
            uint32_t t1 = h + big1 + choose + sha_k[i] + sha_w[i];
            uint32_t big0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
            uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + big0 + majority;
        }
        s0 += a, s1 += b, s2 += c, s3 += d, s4 += e, s5 += f, s6 += g, s7 += h;
        /* Feed the state back into the message so every round sees new input. */
        sha_w[r & 15] ^= s0 ^ s4;
        sha_w[(r + 5) & 15] += s1 ^ s7;
    }
    uint64_t out = HASH_INIT;
    out = hash_add(out, ((uint64_t)s0 << 32) | s1);
    out = hash_add(out, ((uint64_t)s2 << 32) | s3);
    out = hash_add(out, ((uint64_t)s4 << 32) | s5);
    out = hash_add(out, ((uint64_t)s6 << 32) | s7);
    return out;
}

/* ---- stream: bandwidth-bound f64 copy/scale/add/triad ----------------------------------- */

#define STREAM_CAPACITY (512u * 1024u) /* doubles per array: 4 MiB each, 12 MiB in all */
#define STREAM_PASSES 128
static double stream_a[STREAM_CAPACITY];
static double stream_b[STREAM_CAPACITY];
static double stream_c[STREAM_CAPACITY];

/* Each element is updated independently in a fixed order, so the result is exact IEEE
 * arithmetic on both targets. The scale keeps values bounded (factor 1.25 per pass, about 2^41
 * after 128 passes). */
KERNEL_EXPORT("stream") uint64_t tycho_kernel_stream(uint32_t n) {
    if (n > STREAM_CAPACITY) n = STREAM_CAPACITY;
    const double scale = 0.5;
    for (uint32_t i = 0; i < n; i++) {
        stream_a[i] = 1.0 + (double)(i & 1023) * 0.25;
        stream_b[i] = 2.0;
        stream_c[i] = 0.0;
    }
    for (int pass = 0; pass < STREAM_PASSES; pass++) {
        for (uint32_t i = 0; i < n; i++)
            stream_c[i] = stream_a[i];
        for (uint32_t i = 0; i < n; i++)
            stream_b[i] = scale * stream_c[i];
        for (uint32_t i = 0; i < n; i++)
            stream_c[i] = stream_a[i] + stream_b[i];
        for (uint32_t i = 0; i < n; i++)
            stream_a[i] = stream_b[i] + scale * stream_c[i];
    }
    uint64_t h = HASH_INIT;
    for (uint32_t i = 0; i < n; i++) {
        h = hash_add(h, double_bits(stream_a[i]));
        h = hash_add(h, double_bits(stream_c[i]));
    }
    return h;
}
