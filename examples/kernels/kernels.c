// Small compute kernels compiled to a freestanding WebAssembly module:
//   clang-19 --target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry kernels.c -o kernels.wasm
// and run with `tycho run --invoke NAME kernels.wasm ARGS...`.
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("fib") int32_t fib(int32_t n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint8_t composite[4 << 20];

// Number of primes below n (n at most 4 Mi), by the sieve of Eratosthenes.
EXPORT("primes_below") int32_t primes_below(int32_t n) {
    if (n < 0 || n > (int32_t)sizeof composite) return -1;
    for (int32_t i = 0; i < n; ++i)
        composite[i] = 0;
    int32_t count = 0;
    for (int32_t i = 2; i < n; ++i) {
        if (composite[i]) continue;
        ++count;
        for (int64_t j = (int64_t)i * i; j < n; j += i)
            composite[j] = 1;
    }
    return count;
}

// Steps the Collatz sequence takes from n down to 1.
EXPORT("collatz_steps") int32_t collatz_steps(int64_t n) {
    int32_t steps = 0;
    while (n > 1) {
        n = (n & 1) ? 3 * n + 1 : n / 2;
        ++steps;
    }
    return steps;
}

// Divides, so that `tycho run --invoke divide kernels.wasm 1 0` shows a trap.
EXPORT("divide") int32_t divide(int32_t a, int32_t b) {
    return a / b;
}
