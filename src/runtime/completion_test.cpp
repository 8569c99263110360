// Tests of processes parked on a Completion (Process::wait_for): the worker stays free, the
// wait ends when it is completed, when its deadline passes or when the process is killed, and
// a completion that comes after the waiter gave up touches nothing of it.
#include "runtime/completion.h"
#include "runtime/process.h"
#include "runtime/process_test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using namespace tycho::runtime;
using namespace tycho::runtime::test_support;
using namespace std::chrono_literals;

namespace {

// One worker: a process that blocked it would stop every other process.
class CompletionTest : public ::testing::Test {
  protected:
    Scheduler scheduler{Scheduler::Options{1}};
    TimerService timers;
    Reactor reactor;
    StackPool stacks{StackPool::Options{64 << 10, 16}};
    BlockingPool blocking{1};
    Environment env{1, scheduler, timers, reactor, stacks, blocking};

    void TearDown() override {
        EXPECT_TRUE(env.wait_until_empty(20s));
        scheduler.stop();
    }
};

TEST_F(CompletionTest, TheWaitEndsWhenAnotherThreadCompletesIt) {
    auto completion = std::make_shared<Completion>();
    Event parked;
    Event waiter_done;
    std::atomic<bool> ready{false};
    std::atomic<bool> kept_message{false};
    const ProcessId waiter = start(env, [&](FnProcess& self) {
        parked.set();
        ready = self.wait_for(*completion, std::nullopt) == Process::WaitOutcome::ready;
        // A message that arrived during the wait did not end it and is still there.
        std::optional<Message> m;
        const int64_t tag[] = {7};
        kept_message = self.receive(tag, Process::Clock::now(), m) == Process::WaitOutcome::ready;
        waiter_done.set();
        return DeathReason::normal;
    });
    ASSERT_TRUE(parked.wait_for(20s));

    // The only worker is free while the process waits.
    Event other_ran;
    start(env, [&](FnProcess& self) {
        self.send(waiter, Message::data(7));
        other_ran.set();
        return DeathReason::normal;
    });
    ASSERT_TRUE(other_ran.wait_for(20s));
    EXPECT_FALSE(waiter_done.is_set());

    std::thread completer([completion] { completion->complete(); });
    completer.join();
    ASSERT_TRUE(waiter_done.wait_for(20s));
    EXPECT_TRUE(ready);
    EXPECT_TRUE(kept_message);
}

TEST_F(CompletionTest, TheDeadlineEndsTheWaitAndALateCompletionIsHarmless) {
    auto completion = std::make_shared<Completion>();
    Event done;
    std::atomic<bool> timed_out{false};
    std::atomic<int64_t> waited_ms{0};
    start(env, [&](FnProcess& self) {
        const auto start = Process::Clock::now();
        timed_out = self.wait_for(*completion, start + 30ms) == Process::WaitOutcome::timed_out;
        waited_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Process::Clock::now() - start)
                .count();
        done.set();
        return DeathReason::normal;
    });
    ASSERT_TRUE(done.wait_for(20s));
    EXPECT_TRUE(timed_out);
    EXPECT_GE(waited_ms.load(), 30);
    EXPECT_TRUE(env.wait_until_empty(20s));
    // The waiter is gone: completing now notifies nobody (the sanitizer build checks that
    // nothing freed is touched).
    completion->complete();
    EXPECT_TRUE(completion->is_complete());
}

TEST_F(CompletionTest, ADeadlineInThePastStillLooksOnce) {
    auto complete = std::make_shared<Completion>();
    complete->complete();
    auto pending = std::make_shared<Completion>();
    Event done;
    std::atomic<bool> ready{false};
    std::atomic<bool> timed_out{false};
    start(env, [&](FnProcess& self) {
        const auto past = Process::Clock::now() - 1s;
        ready = self.wait_for(*complete, past) == Process::WaitOutcome::ready;
        timed_out = self.wait_for(*pending, past) == Process::WaitOutcome::timed_out;
        done.set();
        return DeathReason::normal;
    });
    ASSERT_TRUE(done.wait_for(20s));
    EXPECT_TRUE(ready);
    EXPECT_TRUE(timed_out);
}

TEST_F(CompletionTest, AKillEndsTheWait) {
    auto completion = std::make_shared<Completion>();
    Event parked;
    std::atomic<bool> dying{false};
    const ProcessId waiter = start(env, [&](FnProcess& self) {
        parked.set();
        dying = self.wait_for(*completion, std::nullopt) == Process::WaitOutcome::dying;
        return DeathReason::failure;
    });
    ASSERT_TRUE(parked.wait_for(20s));
    env.deliver(waiter, KillSignal{});
    EXPECT_TRUE(env.wait_until_empty(20s));
    EXPECT_TRUE(dying);
    EXPECT_FALSE(completion->is_complete());
    completion->complete(); // finds no waiter
}

TEST_F(CompletionTest, CompletionsRacingTheParkingAllArrive) {
    // Stresses the hand-over: completed before, during or after the process parks.
    constexpr int kRounds = 2000;
    std::atomic<int> ready{0};
    Event done;
    start(env, [&](FnProcess& self) {
        for (int i = 0; i < kRounds; ++i) {
            auto completion = std::make_shared<Completion>();
            blocking.submit([completion] { completion->complete(); });
            if (self.wait_for(*completion, Process::Clock::now() + 20s) ==
                Process::WaitOutcome::ready)
                ++ready;
        }
        done.set();
        return DeathReason::normal;
    });
    ASSERT_TRUE(done.wait_for(60s));
    EXPECT_EQ(ready.load(), kRounds);
}

// A process not started yet cannot park: the calling thread blocks instead.
TEST_F(CompletionTest, OffItsOwnFiberTheThreadBlocks) {
    FnProcess unstarted(env, [](FnProcess&) { return DeathReason::normal; });
    Completion never;
    const auto start = Process::Clock::now();
    EXPECT_EQ(unstarted.wait_for(never, start + 20ms), Process::WaitOutcome::timed_out);
    EXPECT_GE(Process::Clock::now() - start, 20ms);

    auto later = std::make_shared<Completion>();
    std::thread completer([later] {
        std::this_thread::sleep_for(10ms);
        later->complete();
    });
    EXPECT_EQ(unstarted.wait_for(*later, std::nullopt), Process::WaitOutcome::ready);
    completer.join();
}

} // namespace
