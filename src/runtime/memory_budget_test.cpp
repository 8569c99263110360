#include "runtime/memory_budget.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using tycho::runtime::MemoryBudget;

TEST(MemoryBudget, ChargesUpToTheLimitAndNoFurther) {
    MemoryBudget budget(100);
    EXPECT_TRUE(budget.try_charge(60));
    EXPECT_TRUE(budget.try_charge(40));
    EXPECT_FALSE(budget.try_charge(1));
    EXPECT_EQ(budget.used(), 100u);
    budget.release(30);
    EXPECT_FALSE(budget.try_charge(31));
    EXPECT_TRUE(budget.try_charge(30));
}

TEST(MemoryBudget, RefusesChargesThatWouldOverflow) {
    MemoryBudget budget(UINT64_MAX - 1);
    EXPECT_TRUE(budget.try_charge(UINT64_MAX - 10));
    EXPECT_FALSE(budget.try_charge(UINT64_MAX));
    EXPECT_FALSE(budget.try_charge(10));
    EXPECT_EQ(budget.used(), UINT64_MAX - 10);
}

TEST(MemoryBudget, ConcurrentChargesNeverExceedTheLimit) {
    MemoryBudget budget(10'000);
    std::vector<std::thread> threads;
    std::atomic<uint64_t> granted{0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10'000; ++i)
                if (budget.try_charge(1)) granted.fetch_add(1);
        });
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(granted.load(), 10'000u);
    EXPECT_EQ(budget.used(), 10'000u);
}

TEST(MemoryBudget, DefaultLimitIsAFractionOfPhysicalMemory) {
    const uint64_t limit = MemoryBudget::default_limit();
    EXPECT_GT(limit, uint64_t(64) << 20);
}
