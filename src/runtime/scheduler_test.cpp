// The work-stealing scheduler: completion, yielding, waiting and waking across threads,
// stealing, and parking when idle.
#include "runtime/scheduler.h"
#include "runtime/task_test_support.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

using namespace tycho::runtime;
using namespace tycho::runtime::test_support;
using namespace std::chrono_literals;

namespace {

TEST(Scheduler, RunsManyYieldingTasksToCompletion) {
    StackPool pool(StackPool::Options{32 << 10, 1024});
    Scheduler scheduler(Scheduler::Options{2});
    Done done;
    std::atomic<long> steps{0};
    constexpr int kTasks = 2000, kYields = 20;
    std::vector<std::unique_ptr<FnTask>> tasks;
    for (int i = 0; i < kTasks; ++i)
        tasks.push_back(std::make_unique<FnTask>(pool, done, [&] {
            for (int k = 0; k < kYields; ++k) {
                ++steps;
                Scheduler::yield();
            }
        }));
    for (auto& t : tasks)
        scheduler.spawn(t.get());
    ASSERT_TRUE(done.wait_for(kTasks));
    EXPECT_EQ(steps.load(), long(kTasks) * kYields);
}

TEST(Scheduler, WaitAndWakePingPongAcrossWorkers) {
    StackPool pool;
    Scheduler scheduler(Scheduler::Options{2});
    Done done;
    constexpr int kRounds = 20000;
    std::atomic<int> turn{0}; // even: ping's turn, odd: pong's
    FnTask* ping_ptr = nullptr;
    FnTask* pong_ptr = nullptr;
    auto player = [&](int parity, FnTask** other) {
        return [&, parity, other] {
            for (int r = 0; r < kRounds; ++r) {
                while (turn.load() % 2 != parity)
                    Scheduler::wait(); // may return early: re-check
                turn.fetch_add(1);
                scheduler.wake(*other);
            }
        };
    };
    FnTask ping(pool, done, player(0, &pong_ptr));
    FnTask pong(pool, done, player(1, &ping_ptr));
    ping_ptr = &ping;
    pong_ptr = &pong;
    scheduler.spawn(&ping);
    scheduler.spawn(&pong);
    ASSERT_TRUE(done.wait_for(2));
    EXPECT_EQ(turn.load(), 2 * kRounds);
}

TEST(Scheduler, AWakingPairDoesNotStarveQueuedTasks) {
    // Woken tasks run next on their waker's worker; on one worker, a pair that wakes each
    // other forever would then keep everything else off it without the streak limit.
    StackPool pool;
    Scheduler scheduler(Scheduler::Options{1});
    Done done;
    std::atomic<bool> bystander_ran{false};
    std::atomic<int> turn{0};
    FnTask* ping_ptr = nullptr;
    FnTask* pong_ptr = nullptr;
    auto player = [&](int parity, FnTask** other) {
        return [&, parity, other] {
            while (!bystander_ran.load()) {
                while (turn.load() % 2 != parity && !bystander_ran.load())
                    Scheduler::wait();
                turn.fetch_add(1);
                scheduler.wake(*other);
            }
            scheduler.wake(*other); // let the partner see the flag too
        };
    };
    FnTask ping(pool, done, player(0, &pong_ptr));
    FnTask pong(pool, done, player(1, &ping_ptr));
    FnTask bystander(pool, done, [&] { bystander_ran = true; });
    ping_ptr = &ping;
    pong_ptr = &pong;
    scheduler.spawn(&ping);
    scheduler.spawn(&pong);
    scheduler.spawn(&bystander);
    ASSERT_TRUE(done.wait_for(3, 10s));
    EXPECT_TRUE(bystander_ran.load());
}

TEST(Scheduler, WakeBeforeWaitIsNotLost) {
    StackPool pool;
    Scheduler scheduler(Scheduler::Options{2});
    Done done;
    std::atomic<bool> flag{false};
    FnTask* self = nullptr;
    FnTask task(pool, done, [&] {
        scheduler.wake(self); // a wake while running...
        flag = true;
        while (!flag.load())
            Scheduler::wait();
        Scheduler::wait(); // ...makes this wait return at once instead of hanging
    });
    self = &task;
    scheduler.spawn(&task);
    ASSERT_TRUE(done.wait_for(1, 5s));
}

TEST(Scheduler, IdleWorkersStealQueuedWork) {
    StackPool pool;
    Scheduler scheduler(Scheduler::Options{2});
    Done done;
    std::mutex lock;
    std::set<std::thread::id> threads;
    constexpr int kChildren = 200;
    std::vector<std::unique_ptr<FnTask>> children;
    for (int i = 0; i < kChildren; ++i)
        children.push_back(std::make_unique<FnTask>(pool, done, [&] {
            {
                std::lock_guard guard(lock);
                threads.insert(std::this_thread::get_id());
            }
            const auto until = std::chrono::steady_clock::now() + 1ms; // 0.2 s in all
            while (std::chrono::steady_clock::now() < until) {
            }
        }));
    // The parent spawns everything onto its own worker's queue; the other worker must steal.
    FnTask parent(pool, done, [&] {
        for (auto& c : children)
            scheduler.spawn(c.get());
    });
    scheduler.spawn(&parent);
    ASSERT_TRUE(done.wait_for(kChildren + 1));
    EXPECT_EQ(threads.size(), 2u);
}

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The process's CPU time over the next `window` of wall time, in seconds.
double cpu_seconds_during(std::chrono::milliseconds window) {
    const double before = cpu_seconds();
    std::this_thread::sleep_for(window);
    return cpu_seconds() - before;
}

TEST(Scheduler, IdleWorkersParkInsteadOfSpinning) {
    Scheduler scheduler(Scheduler::Options{2});
    // Workers poll for a moment before they park: wait until a quiet window shows that both
    // have parked (two spinning workers burn about 0.2 s of CPU in 100 ms), giving up after
    // 5 s.
    bool parked = false;
    for (int i = 0; i < 50 && !parked; ++i)
        parked = cpu_seconds_during(100ms) < 0.025;
    ASSERT_TRUE(parked) << "idle workers kept burning CPU for 5 s";
    // Then they stay parked: two spinning workers would burn about 0.8 s here.
    EXPECT_LT(cpu_seconds_during(400ms), 0.1);
}

} // namespace

namespace {

// Statistics (counters.h): counts from workers and from other threads all arrive.
TEST(SchedulerStatistics, CountsOnWorkersAndOffThem) {
    StackPool pool(StackPool::Options{32 << 10, 64});
    Scheduler scheduler(Scheduler::Options{2});
    Done done;
    constexpr int kTasks = 200;
    std::vector<std::unique_ptr<FnTask>> tasks;
    for (int i = 0; i < kTasks; ++i)
        tasks.push_back(std::make_unique<FnTask>(pool, done, [&] {
            scheduler.count(Counter::messages_sent, 3);
            Scheduler::yield(); // perhaps resumed on the other worker
            scheduler.count(Counter::reductions);
        }));
    for (auto& t : tasks)
        scheduler.spawn(t.get());
    std::thread outsider([&] { scheduler.count(Counter::messages_sent, 1000); });
    outsider.join();
    ASSERT_TRUE(done.wait_for(kTasks));
    EXPECT_EQ(scheduler.total(Counter::messages_sent), 3u * kTasks + 1000);
    EXPECT_EQ(scheduler.total(Counter::reductions), uint64_t(kTasks));
    EXPECT_EQ(scheduler.total(Counter::processes_failed), 0u);
}

// Idle workers count idle time; a worker running a task for 30 ms counts it as busy.
TEST(SchedulerStatistics, WorkerStatsSplitBusyFromIdle) {
    StackPool pool;
    Scheduler scheduler(Scheduler::Options{2});
    auto busy = [](const std::vector<Scheduler::WorkerStats>& stats) {
        std::chrono::nanoseconds sum{0};
        for (const auto& s : stats)
            sum += s.alive - s.idle;
        return sum;
    };
    // Both workers find nothing to do at once: their idle time grows.
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    std::vector<Scheduler::WorkerStats> stats = scheduler.worker_stats();
    while ((stats[0].idle == 0ns || stats[1].idle == 0ns) &&
           std::chrono::steady_clock::now() < deadline)
        stats = scheduler.worker_stats();
    ASSERT_EQ(stats.size(), 2u);
    for (const auto& s : stats) {
        EXPECT_GT(s.idle, 0ns);
        EXPECT_LE(s.idle, s.alive);
        EXPECT_EQ(s.queued, 0u);
    }
    const auto busy_before = busy(stats);
    Done done;
    FnTask spinner(pool, done, [] {
        const auto until = std::chrono::steady_clock::now() + 30ms;
        while (std::chrono::steady_clock::now() < until) {
        }
    });
    scheduler.spawn(&spinner);
    ASSERT_TRUE(done.wait_for(1));
    EXPECT_GE(busy(scheduler.worker_stats()) - busy_before, 30ms);
}

// A queued task shows in its worker's queue length.
TEST(SchedulerStatistics, QueueLengthsCountQueuedTasks) {
    StackPool pool;
    Scheduler scheduler(Scheduler::Options{1});
    Done done;
    std::atomic<bool> release{false};
    std::atomic<bool> blocking_started{false};
    FnTask blocker(pool, done, [&] { // holds the only worker
        blocking_started = true;
        while (!release.load()) {
        }
    });
    scheduler.spawn(&blocker);
    while (!blocking_started.load()) {
    }
    std::vector<std::unique_ptr<FnTask>> queued;
    for (int i = 0; i < 3; ++i) {
        queued.push_back(std::make_unique<FnTask>(pool, done, [] {}));
        scheduler.spawn(queued.back().get());
    }
    EXPECT_EQ(scheduler.worker_stats().at(0).queued, 3u);
    release = true;
    ASSERT_TRUE(done.wait_for(4));
    EXPECT_EQ(scheduler.worker_stats().at(0).queued, 0u);
}

} // namespace
