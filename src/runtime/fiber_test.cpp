// Fibers (their stack pool is tested in stack_pool_test.cpp).
#include "runtime/fiber.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

using namespace tycho::runtime;

namespace {

struct Counter {
    int steps = 0;
    int limit = 0;
};

void count_and_suspend(Fiber& self, void* arg) {
    auto* c = static_cast<Counter*>(arg);
    while (c->steps < c->limit) {
        ++c->steps;
        self.suspend();
    }
}

TEST(Fiber, RunsUntilSuspendedAndFinishes) {
    StackPool pool;
    Counter c{0, 3};
    Fiber fiber(pool.acquire(), &count_and_suspend, &c);
    EXPECT_FALSE(fiber.started());
    EXPECT_EQ(c.steps, 0); // nothing runs before the first resume
    EXPECT_FALSE(fiber.resume());
    EXPECT_EQ(c.steps, 1);
    EXPECT_FALSE(fiber.resume());
    EXPECT_FALSE(fiber.resume());
    EXPECT_EQ(c.steps, 3);
    EXPECT_TRUE(fiber.resume()); // the loop ends, the entry returns
    EXPECT_TRUE(fiber.finished());
}

// Locals on the fiber's stack survive suspension, and deep calls fit in its stack.
int sum_recursive(int n) {
    volatile char pad[256];
    pad[0] = char(n);
    return n == 0 ? pad[0] : n + sum_recursive(n - 1);
}

void deep(Fiber& self, void* arg) {
    int before = sum_recursive(200); // about 60 KB of stack
    self.suspend();
    *static_cast<int*>(arg) = before + sum_recursive(10);
}

TEST(Fiber, KeepsItsStackAcrossSuspension) {
    StackPool pool;
    int result = 0;
    Fiber fiber(pool.acquire(), &deep, &result);
    fiber.resume();
    EXPECT_TRUE(fiber.resume());
    EXPECT_EQ(result, 200 * 201 / 2 + 55);
}

TEST(Fiber, ResumesOnAnotherThread) {
    StackPool pool;
    Counter c{0, 2};
    Fiber fiber(pool.acquire(), &count_and_suspend, &c);
    std::thread([&] { fiber.resume(); }).join();
    std::thread([&] { fiber.resume(); }).join();
    bool finished = false;
    std::thread([&] { finished = fiber.resume(); }).join();
    EXPECT_TRUE(finished);
    EXPECT_EQ(c.steps, 2);
}

TEST(Fiber, ManyFibersInterleave) {
    StackPool pool(StackPool::Options{16 << 10, 10000});
    constexpr int kFibers = 10000;
    std::vector<Counter> counters(kFibers, Counter{0, 5});
    std::vector<std::unique_ptr<Fiber>> fibers;
    for (int i = 0; i < kFibers; ++i)
        fibers.push_back(std::make_unique<Fiber>(pool.acquire(), &count_and_suspend, &counters[i]));
    int finished = 0;
    for (int round = 0; round < 6; ++round)
        for (auto& f : fibers)
            if (!f->finished()) finished += f->resume() ? 1 : 0;
    EXPECT_EQ(finished, kFibers);
    for (const Counter& c : counters)
        EXPECT_EQ(c.steps, 5);
    for (auto& f : fibers)
        pool.release(f->take_stack());
    EXPECT_EQ(pool.cached(), size_t(kFibers));
}

} // namespace
