// Tests of the per-process timer table: ids, taking, and forgetting due timers in deadline
// order without a scan.
#include "host/timer/timer_table.h"

#include <gtest/gtest.h>

using tycho::host::TimerTable;
using namespace std::chrono_literals;

namespace {

TEST(TimerTable, IdsCountFromZeroAndAreNeverReused) {
    TimerTable table;
    const auto t0 = TimerTable::Clock::now();
    EXPECT_EQ(table.insert({7, t0}), 0u);
    EXPECT_EQ(table.insert({8, t0}), 1u);
    ASSERT_TRUE(table.take(0));
    EXPECT_EQ(table.insert({9, t0}), 2u);
}

TEST(TimerTable, TakeReturnsTheEntryOnce) {
    TimerTable table;
    const auto deadline = TimerTable::Clock::now() + 1h;
    const uint64_t id = table.insert({42, deadline});
    auto entry = table.take(id);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->timer, 42u);
    EXPECT_EQ(entry->deadline, deadline);
    EXPECT_FALSE(table.take(id));
    EXPECT_FALSE(table.take(id + 1));
    EXPECT_FALSE(table.take(UINT64_MAX));
    EXPECT_EQ(table.size(), 0u);
}

TEST(TimerTable, ForgetDueDropsExactlyTheTimersDueByThen) {
    TimerTable table;
    const auto t0 = TimerTable::Clock::now();
    // Inserted out of deadline order, with two sharing one deadline.
    const uint64_t late = table.insert({1, t0 + 30ms});
    const uint64_t early = table.insert({2, t0 + 10ms});
    const uint64_t same = table.insert({3, t0 + 10ms});
    const uint64_t middle = table.insert({4, t0 + 20ms});
    table.forget_due(t0);
    EXPECT_EQ(table.size(), 4u);
    table.forget_due(t0 + 10ms);
    EXPECT_EQ(table.size(), 2u);
    EXPECT_FALSE(table.take(early));
    EXPECT_FALSE(table.take(same));
    ASSERT_TRUE(table.take(middle));
    table.forget_due(t0 + 1h);
    EXPECT_EQ(table.size(), 0u);
    EXPECT_FALSE(table.take(late));
}

TEST(TimerTable, TakenTimersAreNotForgottenTwice) {
    TimerTable table;
    const auto t0 = TimerTable::Clock::now();
    const uint64_t a = table.insert({1, t0 + 10ms});
    table.insert({2, t0 + 20ms});
    ASSERT_TRUE(table.take(a));
    table.forget_due(t0 + 10ms);
    EXPECT_EQ(table.size(), 1u);
    table.forget_due(t0 + 20ms);
    EXPECT_EQ(table.size(), 0u);
}

} // namespace
