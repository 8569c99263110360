#include "runtime/signal_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

namespace tycho::runtime {
namespace {

const ResourceKind k_socket{"socket"}; // as a host module would define it

// Appends every queued signal, in order, to `out`.
void append_all(SignalQueue& queue, std::vector<Signal>& out) {
    queue.take_each([&out](Signal&& signal) { out.push_back(std::move(signal)); });
}

std::vector<Signal> take_all(SignalQueue& queue) {
    std::vector<Signal> out;
    append_all(queue, out);
    return out;
}

TEST(SignalQueue, KeepsPushOrderAcrossSignalKinds) {
    SignalQueue queue;
    EXPECT_FALSE(queue.has_signals());
    (void)queue.push(Message::data(1));
    (void)queue.push(LinkSignal{7, 3});
    (void)queue.push(KillSignal{});
    (void)queue.push(Message::process_died(9));
    (void)queue.push(LinkDiedSignal{8, 4, DeathReason::no_such_process});
    EXPECT_TRUE(queue.has_signals());

    std::vector<Signal> out = take_all(queue);
    EXPECT_FALSE(queue.has_signals());
    ASSERT_EQ(out.size(), 5u);
    EXPECT_EQ(signal_kind(out[0]), SignalKind::message);
    EXPECT_EQ(std::get<Message>(out[0]).tag, 1);
    EXPECT_EQ(signal_kind(out[1]), SignalKind::link);
    EXPECT_EQ(std::get<LinkSignal>(out[1]).process, 7u);
    EXPECT_EQ(std::get<LinkSignal>(out[1]).tag, 3);
    EXPECT_EQ(signal_kind(out[2]), SignalKind::kill);
    EXPECT_EQ(signal_kind(out[3]), SignalKind::message);
    EXPECT_EQ(std::get<Message>(out[3]).process_id, 9u);
    EXPECT_EQ(signal_kind(out[4]), SignalKind::link_died);
    EXPECT_EQ(std::get<LinkDiedSignal>(out[4]).reason, DeathReason::no_such_process);
    EXPECT_TRUE(take_all(queue).empty());
}

TEST(SignalQueue, PushWakesOnlyAWaitingConsumer) {
    SignalQueue queue;
    EXPECT_FALSE(queue.push(Message::data(1))); // consumer not waiting
    EXPECT_FALSE(queue.prepare_wait());         // something is queued: look again
    EXPECT_FALSE(queue.push(Message::data(2))); // the failed prepare_wait set nothing
    (void)take_all(queue);

    ASSERT_TRUE(queue.prepare_wait());
    EXPECT_TRUE(queue.push(Message::data(3)));  // this caller schedules the consumer
    EXPECT_FALSE(queue.push(Message::data(4))); // already being woken
    EXPECT_FALSE(queue.notify());
    EXPECT_EQ(take_all(queue).size(), 2u);
}

TEST(SignalQueue, NotifyEndsAWaitOnce) {
    SignalQueue queue;
    EXPECT_FALSE(queue.notify());
    ASSERT_TRUE(queue.prepare_wait());
    EXPECT_TRUE(queue.notify());
    EXPECT_FALSE(queue.notify());
    EXPECT_FALSE(queue.push(Message::data(1)));
}

TEST(SignalQueue, CancelWaitWithdrawsAnUnclaimedWait) {
    SignalQueue queue;
    EXPECT_FALSE(queue.cancel_wait()); // nothing to withdraw
    ASSERT_TRUE(queue.prepare_wait());
    EXPECT_TRUE(queue.cancel_wait());
    EXPECT_FALSE(queue.push(Message::data(1))); // nobody to wake any more
    EXPECT_FALSE(queue.notify());
    (void)take_all(queue);

    ASSERT_TRUE(queue.prepare_wait());
    EXPECT_TRUE(queue.push(Message::data(2)));
    EXPECT_FALSE(queue.cancel_wait()); // already claimed by that push
}

TEST(SignalQueue, CloseDropsQueuedAndLaterSignals) {
    SignalQueue queue;
    auto first = std::make_shared<int>(1);
    auto second = std::make_shared<int>(2);
    std::weak_ptr<int> first_alive = first;
    std::weak_ptr<int> second_alive = second;

    Message m1 = Message::data(0);
    (void)m1.push_resource(k_socket, std::move(first));
    (void)queue.push(std::move(m1));
    EXPECT_FALSE(queue.prepare_wait());
    queue.close();
    EXPECT_TRUE(first_alive.expired());
    EXPECT_FALSE(queue.has_signals());

    Message m2 = Message::data(0);
    (void)m2.push_resource(k_socket, std::move(second));
    EXPECT_FALSE(queue.push(std::move(m2)));
    EXPECT_TRUE(second_alive.expired());
    EXPECT_TRUE(take_all(queue).empty());
}

TEST(SignalQueue, CloseEndsAWaitWithoutAWakeUp) {
    SignalQueue queue;
    ASSERT_TRUE(queue.prepare_wait());
    queue.close();
    EXPECT_FALSE(queue.push(Message::data(1)));
    EXPECT_FALSE(queue.notify());
}

// Several threads push interleaved messages and control signals, each numbered per sender,
// while the consumer keeps swapping the queue out. Every signal must come out exactly once,
// and each sender's signals in the order it pushed them, whatever their kind.
TEST(SignalQueue, ConcurrentPushesKeepPerSenderOrder) {
    constexpr int kSenders = 4;
    constexpr int kPerSender = 50'000;
    SignalQueue queue;
    std::atomic<int> finished{0};
    std::vector<std::thread> senders;
    for (int s = 0; s < kSenders; ++s) {
        senders.emplace_back([&, s] {
            for (int i = 0; i < kPerSender; ++i) {
                if (i % 5 == 0) {
                    (void)queue.push(LinkSignal{uint64_t(s), i});
                } else {
                    (void)queue.push(Message::data(int64_t(s) << 32 | i));
                }
            }
            finished.fetch_add(1);
        });
    }

    std::vector<int> next(kSenders, 0);
    std::vector<Signal> batch;
    auto consume = [&] {
        append_all(queue, batch);
        for (const Signal& signal : batch) {
            int sender = 0;
            int number = 0;
            if (const auto* m = std::get_if<Message>(&signal)) {
                sender = int(m->tag >> 32);
                number = int(m->tag & 0xffffffff);
            } else {
                const auto& link = std::get<LinkSignal>(signal);
                sender = int(link.process);
                number = int(link.tag);
            }
            ASSERT_EQ(number, next[sender]) << "sender " << sender;
            ++next[sender];
        }
        batch.clear();
    };
    while (finished.load() < kSenders) {
        consume();
        std::this_thread::yield();
    }
    consume();
    for (auto& t : senders)
        t.join();
    for (int s = 0; s < kSenders; ++s)
        EXPECT_EQ(next[s], kPerSender) << "sender " << s;
}

// Not a timed assertion: prints what a push and a drain cost on this machine.
TEST(SignalQueueCost, PrintsPushAndDrainCost) {
    using Clock = std::chrono::steady_clock;
    auto ns_per = [](Clock::duration d, int n) {
        return double(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()) / n;
    };

    constexpr int kCount = 200'000;
    SignalQueue queue;
    std::vector<Signal> batch;
    // Warm-up: the allocator's free lists and the batch's capacity, as a long-lived
    // process would have them.
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < kCount; ++i)
            (void)queue.push(Message::data(i));
        append_all(queue, batch);
        batch.clear();
    }

    auto start = Clock::now();
    for (int i = 0; i < kCount; ++i)
        (void)queue.push(Message::data(i));
    const double push_ns = ns_per(Clock::now() - start, kCount);

    start = Clock::now();
    append_all(queue, batch);
    int64_t sum = 0;
    for (Signal& s : batch)
        sum += std::get<Message>(s).tag;
    batch.clear();
    const double drain_ns = ns_per(Clock::now() - start, kCount);
    EXPECT_EQ(sum, int64_t(kCount) * (kCount - 1) / 2);

    constexpr int kThreads = 4;
    constexpr int kPerThread = 100'000;
    std::atomic<int> finished{0};
    size_t drained = 0;
    std::vector<std::thread> threads;
    start = Clock::now();
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kPerThread; ++i)
                (void)queue.push(Message::data(i));
            finished.fetch_add(1);
        });
    }
    while (finished.load() < kThreads || queue.has_signals()) {
        append_all(queue, batch);
        drained += batch.size();
        batch.clear();
    }
    const double contended_ns = ns_per(Clock::now() - start, kThreads * kPerThread);
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(drained, size_t(kThreads) * kPerThread);

    std::printf("[ cost     ] one thread: push %.1f ns, drain %.1f ns per signal; %d pushing "
                "threads + draining consumer: %.1f ns per signal (wall clock, %u cores)\n",
                push_ns, drain_ns, kThreads, contended_ns, std::thread::hardware_concurrency());
}

} // namespace
} // namespace tycho::runtime
