// The timer service: order of firing, cancellation, and waking up for an earlier timer.
#include "runtime/timer_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

using namespace tycho::runtime;
using namespace std::chrono_literals;

namespace {

TEST(TimerService, FiresInDeadlineOrder) {
    TimerService timers;
    std::mutex lock;
    std::vector<int> order;
    std::promise<void> last;
    const auto now = TimerService::Clock::now();
    auto record = [&](int n) {
        return [&, n] {
            std::lock_guard guard(lock);
            order.push_back(n);
            if (order.size() == 4) last.set_value();
        };
    };
    timers.schedule_at(now + 40ms, record(3));
    timers.schedule_at(now + 10ms, record(1));
    timers.schedule_at(now + 60ms, record(4));
    timers.schedule_at(now + 20ms, record(2));
    ASSERT_EQ(last.get_future().wait_for(5s), std::future_status::ready);
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
    EXPECT_EQ(timers.pending(), 0u);
}

TEST(TimerService, CancelledTimersNeverFire) {
    TimerService timers;
    std::atomic<int> fired{0};
    std::promise<void> sentinel;
    const auto id = timers.schedule_after(20ms, [&] { ++fired; });
    timers.schedule_after(60ms, [&] { sentinel.set_value(); });
    EXPECT_TRUE(timers.cancel(id));
    EXPECT_FALSE(timers.cancel(id)); // once only
    ASSERT_EQ(sentinel.get_future().wait_for(5s), std::future_status::ready);
    EXPECT_EQ(fired.load(), 0);
}

TEST(TimerService, CancelledTimersLeaveNothingBehindAndStaleIdsMatchNothing) {
    // Receives with timeouts arm and cancel a timer each time they wait: a cancelled timer
    // must go at once, and its id must not cancel a later timer that reuses its slot.
    TimerService timers;
    std::vector<TimerService::TimerId> old;
    for (int i = 0; i < 100000; ++i) {
        const auto id = timers.schedule_after(1h, [] {});
        ASSERT_NE(id, 0u);
        ASSERT_TRUE(timers.cancel(id));
        if (i < 10) old.push_back(id);
    }
    EXPECT_EQ(timers.pending(), 0u);
    std::promise<void> fired;
    const auto live = timers.schedule_after(10ms, [&] { fired.set_value(); });
    for (auto id : old)
        EXPECT_FALSE(timers.cancel(id));
    EXPECT_EQ(timers.pending(), 1u);
    ASSERT_EQ(fired.get_future().wait_for(5s), std::future_status::ready);
    EXPECT_FALSE(timers.cancel(live));
}

TEST(TimerService, CancellingTheEarliestKeepsTheOthersInOrder) {
    TimerService timers;
    std::mutex lock;
    std::vector<int> order;
    std::promise<void> last;
    auto record = [&](int n) {
        return [&, n] {
            std::lock_guard guard(lock);
            order.push_back(n);
            if (order.size() == 3) last.set_value();
        };
    };
    const auto now = TimerService::Clock::now();
    const auto first = timers.schedule_at(now + 5ms, record(0));
    timers.schedule_at(now + 30ms, record(3));
    const auto middle = timers.schedule_at(now + 15ms, record(9));
    timers.schedule_at(now + 10ms, record(1));
    timers.schedule_at(now + 20ms, record(2));
    EXPECT_TRUE(timers.cancel(first));
    EXPECT_TRUE(timers.cancel(middle));
    ASSERT_EQ(last.get_future().wait_for(5s), std::future_status::ready);
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(TimerService, CancelAfterFiringReportsFalse) {
    TimerService timers;
    std::promise<void> fired;
    const auto id = timers.schedule_after(1ms, [&] { fired.set_value(); });
    ASSERT_EQ(fired.get_future().wait_for(5s), std::future_status::ready);
    EXPECT_FALSE(timers.cancel(id));
}

TEST(TimerService, EarlierTimerWakesTheSleepingThread) {
    TimerService timers;
    timers.schedule_after(1h, [] {});
    std::promise<void> soon;
    const auto start = TimerService::Clock::now();
    timers.schedule_after(5ms, [&] { soon.set_value(); });
    ASSERT_EQ(soon.get_future().wait_for(5s), std::future_status::ready);
    EXPECT_LT(TimerService::Clock::now() - start, 4s); // not stuck behind the 1-hour timer
    EXPECT_EQ(timers.pending(), 1u);
}

TEST(TimerService, CallbacksMayScheduleTimers) {
    TimerService timers;
    std::promise<void> second;
    timers.schedule_after(1ms, [&] { timers.schedule_after(1ms, [&] { second.set_value(); }); });
    EXPECT_EQ(second.get_future().wait_for(5s), std::future_status::ready);
}

TEST(TimerService, ManyTimersAllFireOnce) {
    TimerService timers;
    constexpr int kTimers = 10000;
    std::atomic<int> fired{0};
    std::promise<void> all;
    for (int i = 0; i < kTimers; ++i)
        timers.schedule_after(std::chrono::microseconds(i % 500), [&] {
            if (++fired == kTimers) all.set_value();
        });
    ASSERT_EQ(all.get_future().wait_for(10s), std::future_status::ready);
    EXPECT_EQ(fired.load(), kTimers);
}

TEST(TimerService, StopWaitsForTheRunningCallbackAndThenNothingFires) {
    TimerService timers;
    std::promise<void> inside;
    std::atomic<bool> finished{false};
    timers.schedule_after(0ms, [&] {
        inside.set_value();
        std::this_thread::sleep_for(20ms); // stop() is called meanwhile
        finished = true;
    });
    const auto later = timers.schedule_after(1h, [] { ADD_FAILURE() << "fired after stop"; });
    ASSERT_EQ(inside.get_future().wait_for(5s), std::future_status::ready);
    timers.stop();
    EXPECT_TRUE(finished.load()); // stop() returned after the callback did
    // The service stays usable, but nothing fires any more.
    std::atomic<int> fired{0};
    EXPECT_NE(timers.schedule_after(0ms, [&] { ++fired; }), 0u);
    EXPECT_EQ(timers.pending(), 2u);
    EXPECT_TRUE(timers.cancel(later));
    timers.stop(); // again: nothing happens
    EXPECT_EQ(fired.load(), 0);
}

} // namespace
