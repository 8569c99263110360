// Fiber switch and fiber creation costs, next to baselines measured in the same run: a
// plain indirect function call (the floor of any switch), and a stack whose pages the pool
// gave back to the system (max_cached 0: every creation faults its pages in again).
#include "bench_stats.h"

#include "runtime/fiber.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstring>

using namespace tycho;
using runtime::Fiber;
using runtime::StackPool;

namespace {

void ping(Fiber& self, void* arg) {
    auto* remaining = static_cast<long*>(arg);
    while (--*remaining > 0)
        self.suspend();
}

void touch_and_finish(Fiber&, void* arg) {
    volatile char buffer[2048]; // a little stack, like a process's first calls
    buffer[0] = 1;
    *static_cast<int*>(arg) += buffer[0];
}

[[gnu::noinline]] int plain_call(int x) {
    return x + 1;
}

} // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int rounds = quick ? 1 : 7;
    const long switches = quick ? 10000 : 10'000'000;
    const long creations = quick ? 1000 : 200'000;
    StackPool pool(StackPool::Options{64 << 10, 64});

    // One resume + one suspend per iteration.
    const double switch_ns = bench::median_ns_per_op(rounds, switches, [&](long n) {
        long remaining = n;
        Fiber fiber(pool.acquire(), &ping, &remaining);
        while (!fiber.resume()) {
        }
        pool.release(fiber.take_stack());
    });
    int (*volatile call)(int) = &plain_call;
    const double call_ns = bench::median_ns_per_op(rounds, switches, [&](long n) {
        int x = 0;
        for (long i = 0; i < n; ++i)
            x = call(x);
        if (x != n) std::abort();
    });

    int total = 0;
    const double pooled_ns = bench::median_ns_per_op(rounds, creations, [&](long n) {
        for (long i = 0; i < n; ++i) {
            Fiber fiber(pool.acquire(), &touch_and_finish, &total);
            fiber.resume();
            pool.release(fiber.take_stack());
        }
    });
    StackPool no_cache(StackPool::Options{64 << 10, 0});
    const double dropped_ns = bench::median_ns_per_op(rounds, creations, [&](long n) {
        for (long i = 0; i < n; ++i) {
            Fiber fiber(no_cache.acquire(), &touch_and_finish, &total);
            fiber.resume();
            no_cache.release(fiber.take_stack());
        }
    });

    std::printf("Fiber benchmark, median of %d runs\n", rounds);
    std::printf("%-48s %9.1f ns\n", "switch round trip (resume + suspend)", switch_ns);
    std::printf("%-48s %9.1f ns\n", "baseline: indirect function call", call_ns);
    std::printf("%-48s %9.1f ns\n", "create + run + finish, pooled stack", pooled_ns);
    std::printf("%-48s %9.1f ns\n", "create + run + finish, stack pages dropped", dropped_ns);
    std::printf("%-48s %9.2fx\n", "dropped / pooled", dropped_ns / pooled_ns);
    return total > 0 ? 0 : 1;
}
