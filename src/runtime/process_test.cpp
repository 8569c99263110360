#include "runtime/process.h"
#include "runtime/process_test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

using namespace tycho::runtime;
using namespace tycho::runtime::test_support;
using namespace std::chrono_literals;

namespace {

class ProcessTest : public ::testing::Test {
  protected:
    Scheduler scheduler{Scheduler::Options{2}};
    TimerService timers;
    Reactor reactor;
    StackPool stacks{StackPool::Options{64 << 10, 64}};
    BlockingPool blocking{1};
    Environment env{1, scheduler, timers, reactor, stacks, blocking};

    void TearDown() override { EXPECT_TRUE(env.wait_until_empty(20s)); }
};

Message data(int64_t tag, uint8_t byte = 0) {
    Message m = Message::data(tag);
    m.append(std::span(&byte, 1));
    return m;
}

// A process that waits for one message and returns it to the test through `out`.
struct Inbox {
    std::atomic<bool> done{false};
    MessageKind kind{};
    int64_t tag = 0;
    uint64_t process_id = 0;
    bool timed_out = false;
};

FnProcess::Body receive_into(Inbox& inbox, std::optional<std::chrono::milliseconds> timeout,
                             std::function<void(FnProcess&)> first = {}) {
    return [&inbox, timeout, first](FnProcess& self) {
        if (first) first(self);
        std::optional<Message> m;
        std::optional<Process::Clock::time_point> deadline;
        if (timeout) deadline = Process::Clock::now() + *timeout;
        auto outcome = self.receive({}, deadline, m);
        if (outcome == Process::WaitOutcome::dying) return DeathReason::failure;
        inbox.timed_out = outcome == Process::WaitOutcome::timed_out;
        if (m) {
            inbox.kind = m->kind;
            inbox.tag = m->tag;
            inbox.process_id = m->process_id;
        }
        inbox.done = true;
        return DeathReason::normal;
    };
}

// A body that ends with `reason` once `go` is set (busy-waiting: it never handles signals).
FnProcess::Body end_when(const std::atomic<bool>& go, DeathReason reason) {
    return [&go, reason](FnProcess&) {
        while (!go)
            std::this_thread::sleep_for(1ms);
        return reason;
    };
}

void wait_for(const std::atomic<bool>& flag) {
    for (int i = 0; i < 2000 && !flag.load(); ++i)
        std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(flag.load());
}

TEST_F(ProcessTest, MessagesArriveInOrderAndSelectiveReceiveSkipsOthers) {
    std::vector<int64_t> order;
    std::atomic<bool> done{false};
    start(env, [&](FnProcess& self) {
        for (int64_t tag : {5, 6, 7})
            self.send(self.id(), data(tag));
        std::optional<Message> m;
        const int64_t seven[] = {7};
        EXPECT_EQ(self.receive(seven, std::nullopt, m), Process::WaitOutcome::ready);
        order.push_back(m->tag);
        for (int i = 0; i < 2; ++i) {
            EXPECT_EQ(self.receive({}, std::nullopt, m), Process::WaitOutcome::ready);
            order.push_back(m->tag);
        }
        done = true;
        return DeathReason::normal;
    });
    wait_for(done);
    EXPECT_EQ(order, (std::vector<int64_t>{7, 5, 6}));
}

TEST_F(ProcessTest, ReceiveTimesOutAfterTheDeadline) {
    Inbox inbox;
    const auto begin = Process::Clock::now();
    start(env, receive_into(inbox, 30ms));
    wait_for(inbox.done);
    EXPECT_TRUE(inbox.timed_out);
    EXPECT_GE(Process::Clock::now() - begin, 30ms);
}

TEST_F(ProcessTest, ZeroTimeoutStillTakesAQueuedMessage) {
    std::atomic<bool> done{false};
    start(env, [&](FnProcess& self) {
        self.send(self.id(), data(1));
        std::optional<Message> m;
        EXPECT_EQ(self.receive({}, Process::Clock::now(), m), Process::WaitOutcome::ready);
        EXPECT_EQ(self.receive({}, Process::Clock::now(), m), Process::WaitOutcome::timed_out);
        done = true;
        return DeathReason::normal;
    });
    wait_for(done);
}

TEST_F(ProcessTest, KillEndsAProcessWaitingInReceive) {
    Inbox watcher;
    const ProcessId victim = start(env, [](FnProcess& self) {
        std::optional<Message> m;
        EXPECT_EQ(self.receive({}, std::nullopt, m), Process::WaitOutcome::dying);
        EXPECT_EQ(self.dying_cause(), "killed");
        EXPECT_EQ(self.fatal_link(), std::nullopt);
        return DeathReason::failure;
    });
    start(env, receive_into(watcher, std::nullopt, [victim](FnProcess& self) {
              self.monitor(victim);
              self.kill(victim);
          }));
    wait_for(watcher.done);
    EXPECT_EQ(watcher.kind, MessageKind::process_died);
    EXPECT_EQ(watcher.process_id, victim);
    EXPECT_FALSE(env.exists(victim));
}

TEST_F(ProcessTest, LinkedFailureKillsByDefault) {
    Inbox watcher;
    std::atomic<bool> go{false};
    std::atomic<bool> linked{false};
    // parent <-link-> child; the child fails, the parent dies, the watcher sees the parent die.
    const ProcessId parent = start(env, [&](FnProcess& self) {
        const ProcessId child = start(env, end_when(go, DeathReason::failure));
        self.link(child, 42);
        linked = true;
        std::optional<Message> m;
        EXPECT_EQ(self.receive({}, std::nullopt, m), Process::WaitOutcome::dying);
        EXPECT_EQ(self.dying_cause(),
                  "killed because linked process " + std::to_string(child) + " failed");
        EXPECT_EQ(self.fatal_link(), child);
        return DeathReason::failure;
    });
    wait_for(linked); // the child fails only once it is linked (not a link to a dead process)
    start(env, receive_into(watcher, std::nullopt, [&](FnProcess& self) {
              self.monitor(parent);
              go = true;
          }));
    wait_for(watcher.done);
    EXPECT_EQ(watcher.kind, MessageKind::process_died);
    EXPECT_EQ(watcher.process_id, parent);
}

TEST_F(ProcessTest, LinkDiedBecomesAMessageWhenTrappingIsOff) {
    Inbox inbox;
    start(env, receive_into(inbox, 5s, [&](FnProcess& self) {
              self.set_die_when_link_dies(false);
              start(
                  env, [](FnProcess&) { return DeathReason::failure; },
                  [&](FnProcess& child) {
                      child.add_link_entry(self.id(), 99); // the tag the parent will be told
                      self.add_link_entry(child.id(), 0);
                  });
          }));
    wait_for(inbox.done);
    EXPECT_FALSE(inbox.timed_out);
    EXPECT_EQ(inbox.kind, MessageKind::link_died);
    EXPECT_EQ(inbox.tag, 99);
}

// "Nothing arrives" is checked without guessing how long the child takes: once the child
// has finished it has told its links and monitors all it will, so a marker sent after that
// must be the first message its peer receives.
constexpr int64_t kMarker = 1234;

void expect_only_the_marker(const Inbox& inbox) {
    EXPECT_FALSE(inbox.timed_out);
    EXPECT_EQ(inbox.kind, MessageKind::data);
    EXPECT_EQ(inbox.tag, kMarker);
}

TEST_F(ProcessTest, NormalExitOfALinkIsNotReported) {
    Inbox inbox;
    std::atomic<bool> child_finished{false};
    const ProcessId parent = start(env, receive_into(inbox, 10s, [&](FnProcess& self) {
                                       self.set_die_when_link_dies(false);
                                       start(
                                           env, [](FnProcess&) { return DeathReason::normal; },
                                           [&](FnProcess& c) {
                                               c.add_link_entry(self.id(), 5);
                                               self.add_link_entry(c.id(), 0);
                                           },
                                           &child_finished);
                                   }));
    wait_for(child_finished);
    EXPECT_TRUE(env.deliver(parent, data(kMarker)));
    wait_for(inbox.done);
    expect_only_the_marker(inbox);
}

TEST_F(ProcessTest, LinkingAMissingProcessReportsNoSuchProcess) {
    Inbox inbox;
    start(env, receive_into(inbox, 5s, [&](FnProcess& self) {
              self.set_die_when_link_dies(false);
              self.link(123456, 17);
          }));
    wait_for(inbox.done);
    EXPECT_EQ(inbox.kind, MessageKind::link_died);
    EXPECT_EQ(inbox.tag, 17);
}

TEST_F(ProcessTest, LinkingAMissingProcessKillsNamingIt) {
    std::atomic<bool> done{false};
    start(env, [&](FnProcess& self) {
        self.link(123456, 17);
        std::optional<Message> m;
        EXPECT_EQ(self.receive({}, std::nullopt, m), Process::WaitOutcome::dying);
        EXPECT_EQ(self.dying_cause(),
                  "killed because it linked to process 123456, which did not exist");
        EXPECT_EQ(self.fatal_link(), ProcessId(123456));
        done = true;
        return DeathReason::failure;
    });
    wait_for(done);
}

TEST_F(ProcessTest, UnlinkedFailureIsIgnored) {
    Inbox inbox;
    std::atomic<bool> go{false}, child_finished{false};
    const ProcessId parent =
        start(env, receive_into(inbox, 10s, [&](FnProcess& self) {
                  const ProcessId child =
                      start(env, end_when(go, DeathReason::failure), {}, &child_finished);
                  self.link(child, 3);
                  self.unlink(child);
                  go = true;
              }));
    wait_for(child_finished);
    EXPECT_TRUE(env.deliver(parent, data(kMarker))); // false: the failure killed the parent
    wait_for(inbox.done);
    expect_only_the_marker(inbox);
}

TEST_F(ProcessTest, StopMonitoringSilencesTheMonitor) {
    Inbox inbox;
    std::atomic<bool> go{false}, child_finished{false};
    const ProcessId watcher =
        start(env, receive_into(inbox, 10s, [&](FnProcess& self) {
                  const ProcessId child =
                      start(env, end_when(go, DeathReason::normal), {}, &child_finished);
                  self.monitor(child);
                  self.stop_monitoring(child);
                  go = true;
              }));
    wait_for(child_finished);
    EXPECT_TRUE(env.deliver(watcher, data(kMarker)));
    wait_for(inbox.done);
    expect_only_the_marker(inbox);
}

TEST_F(ProcessTest, SleepIsNotEndedByMessages) {
    std::atomic<bool> done{false};
    start(env, [&](FnProcess& self) {
        const auto begin = Process::Clock::now();
        self.send(self.id(), data(1));
        EXPECT_TRUE(self.sleep_until(begin + 40ms));
        EXPECT_GE(Process::Clock::now() - begin, 40ms);
        done = true;
        return DeathReason::normal;
    });
    wait_for(done);
}

// Enough processes that every shard of the environment's table grows several times; then
// half of them end, and each live one must still be found and each ended one not.
TEST_F(ProcessTest, TheEnvironmentFindsEveryLiveProcessThroughGrowthAndRemoval) {
    constexpr int kCount = 3000;
    // Shared with the bodies, which may outlive the test's frame if a check fails early.
    auto ended = std::make_shared<std::atomic<int>>(0);
    std::vector<ProcessId> ids;
    for (int i = 0; i < kCount; ++i) {
        ids.push_back(start(env, [ended](FnProcess& self) {
            std::optional<Message> m;
            EXPECT_EQ(self.receive({}, std::nullopt, m), Process::WaitOutcome::ready);
            ++*ended;
            return DeathReason::normal;
        }));
    }
    for (ProcessId id : ids)
        EXPECT_TRUE(env.exists(id)) << id;
    EXPECT_FALSE(env.exists(ids.back() + 1));
    for (size_t i = 0; i < ids.size(); i += 2)
        EXPECT_TRUE(env.deliver(ids[i], data(1)));
    for (int i = 0; i < 2000 && ended->load() < kCount / 2; ++i)
        std::this_thread::sleep_for(5ms);
    ASSERT_EQ(ended->load(), kCount / 2);
    for (int i = 0; i < 2000 && env.size() > size_t(kCount / 2); ++i)
        std::this_thread::sleep_for(5ms);
    for (size_t i = 0; i < ids.size(); ++i)
        EXPECT_EQ(env.exists(ids[i]), i % 2 == 1) << ids[i];
    for (size_t i = 0; i < ids.size(); ++i)
        EXPECT_EQ(env.deliver(ids[i], data(2)), i % 2 == 1) << ids[i];
}

TEST_F(ProcessTest, ManyProcessesExchangeMessagesWithoutLoss) {
    constexpr int kSenders = 200;
    constexpr int kEach = 50;
    std::atomic<int> received{0};
    std::atomic<bool> done{false};
    const ProcessId sink = start(env, [&](FnProcess& self) {
        std::vector<uint8_t> last(kSenders, 0);
        std::optional<Message> m;
        for (int i = 0; i < kSenders * kEach; ++i) {
            EXPECT_EQ(self.receive({}, std::nullopt, m), Process::WaitOutcome::ready);
            const auto sender = size_t(m->tag);
            // Per-sender order: sequence numbers from one sender only increase.
            EXPECT_EQ(m->buffer.at(0), last[sender]);
            last[sender] = uint8_t(m->buffer.at(0) + 1);
            ++received;
        }
        done = true;
        return DeathReason::normal;
    });
    for (int s = 0; s < kSenders; ++s) {
        start(env, [s, sink](FnProcess& self) {
            for (int i = 0; i < kEach; ++i)
                self.send(sink, data(s, uint8_t(i)));
            return DeathReason::normal;
        });
    }
    wait_for(done);
    EXPECT_EQ(received.load(), kSenders * kEach);
}

} // namespace

// The statistics an exporter reads (counters.h): spawns, failures, and messages that reach a
// mailbox and are taken from it.
TEST_F(ProcessTest, StatisticsCountSpawnsFailuresAndMessages) {
    start(env, [](FnProcess& self) {
        for (int64_t tag : {1, 2, 3})
            self.send(self.id(), data(tag));
        self.send(ProcessId(1) << 40, data(4)); // no such process: not sent
        std::optional<Message> m;
        for (int i = 0; i < 3; ++i)
            EXPECT_EQ(self.receive({}, std::nullopt, m), Process::WaitOutcome::ready);
        return DeathReason::failure;
    });
    start(env, [](FnProcess&) { return DeathReason::normal; });
    ASSERT_TRUE(env.wait_until_empty(20s));
    EXPECT_EQ(scheduler.total(Counter::processes_spawned), 2u);
    EXPECT_EQ(scheduler.total(Counter::processes_failed), 1u);
    EXPECT_EQ(scheduler.total(Counter::messages_sent), 3u);
    EXPECT_EQ(scheduler.total(Counter::messages_received), 3u);
    EXPECT_EQ(scheduler.total(Counter::reductions), 0u); // counted by the host's processes
}
