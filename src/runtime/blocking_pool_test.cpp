// Tests of the blocking pool and of processes parked on its jobs (Process::run_blocking):
// the worker stays free for other processes, and a kill ends the wait while the job
// finishes on its own.
#include "runtime/blocking_pool.h"
#include "runtime/process.h"
#include "runtime/process_test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

using namespace tycho::runtime;
using namespace tycho::runtime::test_support;
using namespace std::chrono_literals;

namespace {

TEST(BlockingPool, RunsJobsOnItsOwnThreads) {
    BlockingPool pool(2);
    EXPECT_EQ(pool.threads(), 2u);
    constexpr int kJobs = 50;
    std::atomic<int> ran{0};
    std::atomic<int> on_caller{0};
    Event all_done;
    const auto caller = std::this_thread::get_id();
    for (int i = 0; i < kJobs; ++i) {
        pool.submit([&] {
            if (std::this_thread::get_id() == caller) ++on_caller;
            if (++ran == kJobs) all_done.set();
        });
    }
    ASSERT_TRUE(all_done.wait_for(20s));
    EXPECT_EQ(on_caller.load(), 0);
}

TEST(BlockingPool, TwoThreadsRunTwoJobsAtOnce) {
    BlockingPool pool(2);
    // Each job waits for the other to have started: only possible side by side.
    auto first = std::make_shared<Event>();
    auto second = std::make_shared<Event>();
    auto both = std::make_shared<Event>();
    auto done = std::make_shared<std::atomic<int>>(0);
    pool.submit([=] {
        first->set();
        if (second->wait_for(20s) && ++*done == 2) both->set();
    });
    pool.submit([=] {
        second->set();
        if (first->wait_for(20s) && ++*done == 2) both->set();
    });
    EXPECT_TRUE(both->wait_for(20s));
}

// One worker: a process that blocked it would stop every other process.
class BlockingJobTest : public ::testing::Test {
  protected:
    Scheduler scheduler{Scheduler::Options{1}};
    TimerService timers;
    Reactor reactor;
    StackPool stacks{StackPool::Options{64 << 10, 16}};
    std::unique_ptr<BlockingPool> blocking = std::make_unique<BlockingPool>(1);
    Environment env{1, scheduler, timers, reactor, stacks, *blocking};

    void TearDown() override {
        EXPECT_TRUE(env.wait_until_empty(20s));
        // Jobs may still be finishing (and notifying through env): end them first.
        scheduler.stop();
        blocking.reset();
    }
};

// What a job and the test share; the job holds it by shared_ptr, so it outlives whichever
// side ends first.
struct JobGate {
    Event started;
    Event release;
    Event finished;
};

std::function<void()> gated_job(const std::shared_ptr<JobGate>& gate) {
    return [gate] {
        gate->started.set();
        gate->release.wait_for(20s);
        gate->finished.set();
    };
}

TEST_F(BlockingJobTest, TheWorkerRunsOtherProcessesWhileOneWaitsForItsJob) {
    auto gate = std::make_shared<JobGate>();
    Event waiter_done;
    std::atomic<bool> returned_true{false};
    std::atomic<bool> job_finished_first{false};
    std::atomic<bool> kept_message{false};
    const ProcessId waiter = start(env, [&](FnProcess& self) {
        returned_true = self.run_blocking(gated_job(gate));
        job_finished_first = gate->finished.is_set();
        // A message that arrived during the wait did not end it and is still there.
        std::optional<Message> m;
        const int64_t tag[] = {7};
        kept_message = self.receive(tag, Process::Clock::now(), m) == Process::WaitOutcome::ready;
        waiter_done.set();
        return DeathReason::normal;
    });
    ASSERT_TRUE(gate->started.wait_for(20s));

    Event other_ran;
    start(env, [&](FnProcess& self) {
        self.send(waiter, Message::data(7));
        other_ran.set();
        return DeathReason::normal;
    });
    // The only worker is free although the job still blocks.
    EXPECT_TRUE(other_ran.wait_for(20s));
    EXPECT_FALSE(gate->finished.is_set());

    gate->release.set();
    ASSERT_TRUE(waiter_done.wait_for(20s));
    EXPECT_TRUE(returned_true);
    EXPECT_TRUE(job_finished_first);
    EXPECT_TRUE(kept_message);
}

TEST_F(BlockingJobTest, AKillEndsTheWaitAndTheJobFinishesAlone) {
    auto gate = std::make_shared<JobGate>();
    std::atomic<bool> returned_false{false};
    std::atomic<bool> killed{false};
    const ProcessId waiter = start(env, [&](FnProcess& self) {
        returned_false = !self.run_blocking(gated_job(gate));
        killed = std::string_view(self.dying_cause()) == "killed";
        return DeathReason::failure;
    });
    ASSERT_TRUE(gate->started.wait_for(20s));
    env.deliver(waiter, KillSignal{});
    // The process is gone while its job still blocks.
    EXPECT_TRUE(env.wait_until_empty(20s));
    EXPECT_TRUE(returned_false);
    EXPECT_TRUE(killed);
    EXPECT_FALSE(gate->finished.is_set());
    // The job then finishes on its own; its notification finds no process.
    gate->release.set();
    EXPECT_TRUE(gate->finished.wait_for(20s));
}

// A process not started yet (its module's start function runs on its spawner's fiber, or on
// a plain thread for the root) cannot park: the job runs where it is called.
TEST_F(BlockingJobTest, OffItsOwnFiberTheJobRunsInPlace) {
    auto unstarted =
        std::make_unique<FnProcess>(env, [](FnProcess&) { return DeathReason::normal; });
    std::thread::id ran_on;
    EXPECT_TRUE(unstarted->run_blocking([&] { ran_on = std::this_thread::get_id(); }));
    EXPECT_EQ(ran_on, std::this_thread::get_id());

    Event done;
    std::atomic<bool> in_place{false};
    start(env, [&](FnProcess& self) {
        FnProcess child(env, [](FnProcess&) { return DeathReason::normal; });
        const auto here = std::this_thread::get_id();
        bool same_thread = false;
        const bool finished =
            child.run_blocking([&] { same_thread = std::this_thread::get_id() == here; });
        in_place = finished && same_thread && Scheduler::current() == &self;
        done.set();
        return DeathReason::normal;
    });
    ASSERT_TRUE(done.wait_for(20s));
    EXPECT_TRUE(in_place);
}

TEST_F(BlockingJobTest, ManyShortJobsInARowAllComeBack) {
    // Stresses the hand-over: a job that finishes before or while its process parks.
    constexpr int kJobs = 2000;
    std::atomic<int> results{0};
    Event done;
    start(env, [&](FnProcess& self) {
        for (int i = 0; i < kJobs; ++i) {
            auto value = std::make_shared<int>(0);
            if (!self.run_blocking([value, i] { *value = i + 1; })) break;
            if (*value == i + 1) ++results;
        }
        done.set();
        return DeathReason::normal;
    });
    ASSERT_TRUE(done.wait_for(20s));
    EXPECT_EQ(results.load(), kJobs);
}

} // namespace
