// Processes parked on fd readiness (Process::wait_ready): woken by the fd, a deadline or a
// kill, without holding their worker, and leaving nothing registered once the wait is over.
#include "runtime/io_test_support.h"
#include "runtime/process.h"
#include "runtime/process_test_support.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <memory>
#include <set>
#include <thread>
#include <vector>

using namespace tycho::runtime;
using namespace tycho::runtime::test_support;
using namespace std::chrono_literals;

namespace {

template <unsigned Workers> class ProcessIoFixture : public ::testing::Test {
  protected:
    Scheduler scheduler{Scheduler::Options{Workers}};
    TimerService timers;
    Reactor reactor;
    StackPool stacks{StackPool::Options{64 << 10, 64}};
    BlockingPool blocking{1};
    Environment env{1, scheduler, timers, reactor, stacks, blocking};

    void TearDown() override {
        EXPECT_TRUE(env.wait_until_empty(20s));
        EXPECT_EQ(reactor.pending(), 0u);
        EXPECT_EQ(reactor.watched_fds(), 0u);
        // A callback may still be finishing its notify: end them before env goes.
        reactor.stop();
        timers.stop();
    }

    // Waits until `count` watches are registered: the processes behind them are parked.
    bool parked(size_t count) {
        for (int i = 0; i < 20000 && reactor.pending() < count; ++i)
            std::this_thread::sleep_for(1ms);
        return reactor.pending() >= count;
    }
};
// One worker: a process that held it while waiting would stop every other process.
using ProcessIoTest = ProcessIoFixture<1>;
// Two: processes park and wake on two threads at once, while the reactor's thread fires.
using ProcessIoParallelTest = ProcessIoFixture<2>;

// What a process's single-interest wait came to.
struct WaitResult {
    Event done;
    std::atomic<Process::WaitOutcome> outcome{Process::WaitOutcome::timed_out};
    std::atomic<IoEvents> events{0};
    std::atomic<bool> dying_when_returned{false};
};

FnProcess::Body wait_once(const std::shared_ptr<WaitResult>& result, IoInterest interest,
                          std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    return [result, interest, timeout](FnProcess& self) {
        std::optional<Process::Clock::time_point> deadline;
        if (timeout) deadline = Process::Clock::now() + *timeout;
        std::array<IoEvents, 1> out{};
        result->outcome = self.wait_ready(std::span(&interest, 1), deadline, out);
        result->events = out[0];
        result->dying_when_returned = self.dying();
        result->done.set();
        return self.dying() ? DeathReason::failure : DeathReason::normal;
    };
}

TEST_F(ProcessIoTest, APipeBecomingReadableWakesAParkedProcess) {
    Pipe pipe;
    auto result = std::make_shared<WaitResult>();
    start(env, wait_once(result, {pipe.read_end(), IoEvent::readable}));
    ASSERT_TRUE(parked(1));
    // The only worker is free: another process runs, and it is the one that writes.
    start(env, [&](FnProcess&) {
        EXPECT_TRUE(pipe.put());
        return DeathReason::normal;
    });
    ASSERT_TRUE(result->done.wait_for(20s));
    EXPECT_EQ(result->outcome.load(), Process::WaitOutcome::ready);
    EXPECT_EQ(result->events.load(), IoEvent::readable);
    EXPECT_EQ(pipe.drain(), 1u);
}

TEST_F(ProcessIoTest, AFullPipeWakesItsWriterOnceDrained) {
    Pipe pipe;
    ASSERT_TRUE(pipe.fill());
    auto result = std::make_shared<WaitResult>();
    start(env, wait_once(result, {pipe.write_end(), IoEvent::writable}));
    ASSERT_TRUE(parked(1));
    EXPECT_FALSE(result->done.is_set());
    EXPECT_GT(pipe.drain(), 0u);
    ASSERT_TRUE(result->done.wait_for(20s));
    EXPECT_EQ(result->outcome.load(), Process::WaitOutcome::ready);
    EXPECT_EQ(result->events.load(), IoEvent::writable);
}

TEST_F(ProcessIoTest, TheDeadlineEndsTheWait) {
    Pipe pipe;
    auto result = std::make_shared<WaitResult>();
    const auto begin = Process::Clock::now();
    start(env, wait_once(result, {pipe.read_end(), IoEvent::readable}, 30ms));
    ASSERT_TRUE(result->done.wait_for(20s));
    EXPECT_EQ(result->outcome.load(), Process::WaitOutcome::timed_out);
    EXPECT_GE(Process::Clock::now() - begin, 30ms);
}

TEST_F(ProcessIoTest, AKillEndsTheWaitAtOnce) {
    Pipe pipe;
    auto result = std::make_shared<WaitResult>();
    const ProcessId waiter = start(env, wait_once(result, {pipe.read_end(), IoEvent::readable}));
    ASSERT_TRUE(parked(1));
    EXPECT_TRUE(env.deliver(waiter, KillSignal{}));
    ASSERT_TRUE(result->done.wait_for(20s));
    EXPECT_EQ(result->outcome.load(), Process::WaitOutcome::dying);
    EXPECT_TRUE(result->dying_when_returned);
    EXPECT_TRUE(env.wait_until_empty(20s));
    EXPECT_EQ(reactor.watched_fds(), 0u);
    EXPECT_FALSE(registered_in_epoll(pipe.read_end()));
}

TEST_F(ProcessIoTest, HangUpIsReported) {
    Pipe pipe;
    auto result = std::make_shared<WaitResult>();
    start(env, wait_once(result, {pipe.read_end(), IoEvent::readable}));
    ASSERT_TRUE(parked(1));
    pipe.close_write();
    ASSERT_TRUE(result->done.wait_for(20s));
    EXPECT_EQ(result->outcome.load(), Process::WaitOutcome::ready);
    EXPECT_TRUE(result->events & IoEvent::hang_up);
}

TEST_F(ProcessIoTest, MessagesDoNotEndTheWait) {
    Pipe pipe;
    auto result = std::make_shared<WaitResult>();
    auto kept_message = std::make_shared<std::atomic<bool>>(false);
    const ProcessId waiter = start(env, [result, kept_message, &pipe](FnProcess& self) {
        wait_once(result, {pipe.read_end(), IoEvent::readable})(self);
        std::optional<Message> m;
        *kept_message = self.receive({}, Process::Clock::now(), m) == Process::WaitOutcome::ready;
        return DeathReason::normal;
    });
    ASSERT_TRUE(parked(1));
    EXPECT_TRUE(env.deliver(waiter, Message::data(1)));
    ASSERT_TRUE(pipe.put());
    ASSERT_TRUE(result->done.wait_for(20s));
    EXPECT_EQ(result->outcome.load(), Process::WaitOutcome::ready);
    EXPECT_EQ(result->events.load(), IoEvent::readable);
    EXPECT_TRUE(env.wait_until_empty(20s));
    EXPECT_TRUE(*kept_message);
}

TEST_F(ProcessIoTest, TheFirstReadyOfSeveralInterestsEndsTheWait) {
    Pipe full;
    Pipe busy;
    Pipe idle;
    ASSERT_TRUE(full.fill());
    auto outs = std::make_shared<std::array<std::atomic<IoEvents>, 3>>();
    Event done;
    start(env, [&, outs](FnProcess& self) {
        const std::array<IoInterest, 3> interests{{{full.write_end(), IoEvent::writable},
                                                   {busy.read_end(), IoEvent::readable},
                                                   {idle.read_end(), IoEvent::readable}}};
        std::array<IoEvents, 3> out{};
        EXPECT_EQ(self.wait_ready(interests, std::nullopt, out), Process::WaitOutcome::ready);
        for (size_t i = 0; i < out.size(); ++i)
            (*outs)[i] = out[i];
        done.set();
        return DeathReason::normal;
    });
    ASSERT_TRUE(parked(3));
    ASSERT_TRUE(busy.put());
    ASSERT_TRUE(done.wait_for(20s));
    EXPECT_EQ((*outs)[0].load(), 0);
    EXPECT_EQ((*outs)[1].load(), IoEvent::readable);
    EXPECT_EQ((*outs)[2].load(), 0);
}

TEST_F(ProcessIoTest, ARegularFileIsReadyAtOnce) {
    std::unique_ptr<FILE, int (*)(FILE*)> file(tmpfile(), fclose);
    ASSERT_NE(file, nullptr);
    auto result = std::make_shared<WaitResult>();
    start(env, wait_once(result, {fileno(file.get()), IoEvent::readable | IoEvent::writable}));
    ASSERT_TRUE(result->done.wait_for(20s));
    EXPECT_EQ(result->outcome.load(), Process::WaitOutcome::ready);
    EXPECT_EQ(result->events.load(), IoEvent::readable | IoEvent::writable);
}

TEST_F(ProcessIoTest, AnFdThatIsNotOpenIsReportedAsAnError) {
    int closed;
    {
        Pipe pipe;
        closed = pipe.read_end();
    }
    auto result = std::make_shared<WaitResult>();
    start(env, wait_once(result, {closed, IoEvent::readable}));
    ASSERT_TRUE(result->done.wait_for(20s));
    EXPECT_EQ(result->outcome.load(), Process::WaitOutcome::ready);
    EXPECT_EQ(result->events.load(), IoEvent::error);
}

TEST_F(ProcessIoTest, NoInterestsAndADeadlineIsASleep) {
    auto slept = std::make_shared<Event>();
    auto outcome = std::make_shared<std::atomic<Process::WaitOutcome>>();
    const auto begin = Process::Clock::now();
    start(env, [slept, outcome](FnProcess& self) {
        self.send(self.id(), Message::data(1)); // not what ends it
        *outcome = self.wait_ready({}, Process::Clock::now() + 30ms, {});
        slept->set();
        return DeathReason::normal;
    });
    ASSERT_TRUE(slept->wait_for(20s));
    EXPECT_EQ(outcome->load(), Process::WaitOutcome::timed_out);
    EXPECT_GE(Process::Clock::now() - begin, 30ms);
}

// A process not started yet cannot park: it polls right where it is called.
TEST_F(ProcessIoTest, OffItsOwnFiberItPolls) {
    FnProcess unstarted(env, [](FnProcess&) { return DeathReason::normal; });
    Pipe pipe;
    const IoInterest interest{pipe.read_end(), IoEvent::readable};
    std::array<IoEvents, 1> out{};
    const auto begin = Process::Clock::now();
    EXPECT_EQ(unstarted.wait_ready(std::span(&interest, 1), begin + 20ms, out),
              Process::WaitOutcome::timed_out);
    EXPECT_GE(Process::Clock::now() - begin, 20ms);
    std::thread writer([&] {
        std::this_thread::sleep_for(10ms); // so that the poll is likely waiting already
        EXPECT_TRUE(pipe.put());
    });
    EXPECT_EQ(unstarted.wait_ready(std::span(&interest, 1), std::nullopt, out),
              Process::WaitOutcome::ready);
    EXPECT_EQ(out[0], IoEvent::readable);
    writer.join();
    EXPECT_EQ(reactor.pending(), 0u);
}

TEST_F(ProcessIoTest, ManyProcessesWaitingOnOneFdAllWake) {
    constexpr int kWaiters = 100;
    Pipe pipe;
    std::vector<std::shared_ptr<WaitResult>> results;
    for (int i = 0; i < kWaiters; ++i) {
        results.push_back(std::make_shared<WaitResult>());
        start(env, wait_once(results.back(), {pipe.read_end(), IoEvent::readable}));
    }
    ASSERT_TRUE(parked(kWaiters));
    EXPECT_EQ(reactor.watched_fds(), 1u);
    ASSERT_TRUE(pipe.put()); // nobody reads it: every waiter finds it readable
    for (const auto& result : results) {
        ASSERT_TRUE(result->done.wait_for(20s));
        EXPECT_EQ(result->outcome.load(), Process::WaitOutcome::ready);
        EXPECT_EQ(result->events.load(), IoEvent::readable);
    }
}

// Two processes pass a byte back and forth through two pipes, each parking until its pipe
// is readable, with no deadline: any lost wake-up (an fd that became ready just as its
// process parked) stalls the exchange for good, and the test then ends it with kills.
TEST_F(ProcessIoParallelTest, APingPongOverPipesLosesNoWakeUp) {
    constexpr int kRounds = 2000;
    auto to_b = std::make_shared<Pipe>();
    auto to_a = std::make_shared<Pipe>();
    auto rounds = std::make_shared<std::array<std::atomic<int>, 2>>();
    auto player = [rounds](int index, const std::shared_ptr<Pipe>& in,
                           const std::shared_ptr<Pipe>& out, bool serves) {
        return [=](FnProcess& self) {
            if (serves && !out->put()) return DeathReason::failure;
            const IoInterest interest{in->read_end(), IoEvent::readable};
            std::array<IoEvents, 1> ready{};
            for (int i = 0; i < kRounds; ++i) {
                if (self.wait_ready(std::span(&interest, 1), std::nullopt, ready) !=
                    Process::WaitOutcome::ready)
                    return DeathReason::failure;
                if (in->drain() != 1) return DeathReason::failure;
                ++(*rounds)[size_t(index)];
                if ((!serves || i + 1 < kRounds) && !out->put()) return DeathReason::failure;
            }
            return DeathReason::normal;
        };
    };
    const ProcessId a = start(env, player(0, to_a, to_b, true));
    const ProcessId b = start(env, player(1, to_b, to_a, false));
    const bool finished = env.wait_until_empty(30s);
    if (!finished) {
        env.deliver(a, KillSignal{});
        env.deliver(b, KillSignal{});
    }
    EXPECT_TRUE(finished);
    EXPECT_EQ((*rounds)[0].load(), kRounds);
    EXPECT_EQ((*rounds)[1].load(), kRounds);
}

TEST_F(ProcessIoTest, AThousandProcessesEachOnItsOwnPipeAllWake) {
    constexpr int kProcesses = 1000;
    ASSERT_TRUE(allow_open_files(2 * kProcesses + 64)) << "the hard limit on open files is too low";
    std::vector<std::unique_ptr<Pipe>> pipes;
    std::vector<std::shared_ptr<WaitResult>> results;
    for (int i = 0; i < kProcesses; ++i) {
        pipes.push_back(std::make_unique<Pipe>());
        ASSERT_TRUE(pipes.back()->valid());
        results.push_back(std::make_shared<WaitResult>());
        start(env, wait_once(results.back(), {pipes.back()->read_end(), IoEvent::readable}));
    }
    ASSERT_TRUE(parked(kProcesses));
    EXPECT_EQ(reactor.watched_fds(), size_t(kProcesses));
    const std::set<int> while_parked = registered_in_epoll();
    for (const auto& pipe : pipes)
        EXPECT_TRUE(while_parked.contains(pipe->read_end()));
    for (const auto& pipe : pipes)
        ASSERT_TRUE(pipe->put());
    int woken = 0;
    for (const auto& result : results) {
        ASSERT_TRUE(result->done.wait_for(20s));
        if (result->outcome == Process::WaitOutcome::ready && result->events == IoEvent::readable)
            ++woken;
    }
    EXPECT_EQ(woken, kProcesses);
    EXPECT_TRUE(env.wait_until_empty(20s));
    EXPECT_EQ(reactor.watched_fds(), 0u);
    const std::set<int> registered = registered_in_epoll();
    for (const auto& pipe : pipes)
        EXPECT_FALSE(registered.contains(pipe->read_end()));
}

} // namespace
