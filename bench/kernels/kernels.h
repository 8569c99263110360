/* Compute kernels shared by the native build and the Wasm module. Every kernel takes one
 * size or repetition argument and returns a deterministic 64-bit checksum, so the harness can
 * compare the native and the Wasm result bit for bit. */
#ifndef TYCHO_BENCH_KERNELS_H
#define TYCHO_BENCH_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Recursive Fibonacci (wrapping 32-bit arithmetic). */
uint64_t tycho_kernel_fib(uint32_t n);
/* Sieve of Eratosthenes up to n (clamped to the static capacity), several passes; returns
 * the sum of the prime counts of all passes. */
uint64_t tycho_kernel_sieve(uint32_t n);
/* n x n double matrix product (n clamped to 200), several passes; returns a hash of C. */
uint64_t tycho_kernel_matmul(uint32_t n);
/* SHA-256-style message schedule and compression, `rounds` times; returns a hash. */
uint64_t tycho_kernel_sha_mix(uint32_t rounds);
/* STREAM-style copy/scale/add/triad over n doubles (clamped to the capacity), several
 * passes; returns a hash of the arrays. */
uint64_t tycho_kernel_stream(uint32_t n);

#ifdef __cplusplus
}
#endif

#endif
