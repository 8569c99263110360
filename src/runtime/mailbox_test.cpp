#include "runtime/mailbox.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <semaphore>
#include <thread>
#include <vector>

namespace tycho::runtime {
namespace {

// Resource kinds as a host module would define them; the runtime compares them by address.
const ResourceKind k_module{"module"};

using Tags = std::vector<int64_t>;

void no_control(Signal&&) {
    ADD_FAILURE() << "unexpected control signal";
}

// Drains and returns the tags of everything a plain receive would take, in order.
std::vector<int64_t> take_all_tags(Mailbox& mb) {
    mb.drain(no_control);
    std::vector<int64_t> tags;
    while (auto m = mb.take_first({}))
        tags.push_back(m->tag);
    return tags;
}

// The message a take_first() returned; fails the test (and yields an empty message) if none.
Message taken(std::optional<Message> m) {
    if (!m) {
        ADD_FAILURE() << "no message taken";
        return Message::data(INT64_MIN);
    }
    return std::move(*m);
}

void push_tags(Mailbox& mb, std::initializer_list<int64_t> tags) {
    for (int64_t tag : tags)
        (void)mb.push(Message::data(tag));
}

TEST(Mailbox, MessagesAreInvisibleUntilDrained) {
    Mailbox mb;
    (void)mb.push(Message::data(1));
    EXPECT_TRUE(mb.has_signals());
    EXPECT_EQ(mb.take_first({}), std::nullopt);
    EXPECT_EQ(mb.drain(no_control), 1u);
    EXPECT_FALSE(mb.has_signals());
    ASSERT_EQ(mb.size(), 1u);
    EXPECT_EQ(taken(mb.take_first({})).tag, 1);
    EXPECT_TRUE(mb.empty());
    EXPECT_EQ(mb.drain(no_control), 0u);
}

TEST(Mailbox, PlainReceiveTakesEveryKindInArrivalOrder) {
    Mailbox mb;
    (void)mb.push(Message::data(5));
    (void)mb.push(Message::process_died(42));
    (void)mb.push(Message::link_died(0));
    (void)mb.push(Message::data(0));
    mb.drain(no_control);
    EXPECT_EQ(taken(mb.take_first({})).kind, MessageKind::data);
    EXPECT_EQ(taken(mb.take_first({})).process_id, 42u);
    EXPECT_EQ(taken(mb.take_first({})).kind, MessageKind::link_died);
    EXPECT_EQ(taken(mb.take_first({})).tag, 0);
    EXPECT_EQ(mb.take_first({}), std::nullopt);
}

TEST(Mailbox, SelectiveReceiveTakesTheOldestMatchAndKeepsTheRestInOrder) {
    Mailbox mb;
    push_tags(mb, {1, 2, 3, 2, 4, 3});
    mb.drain(no_control);
    const Tags two{2};
    EXPECT_EQ(taken(mb.take_first(two)).tag, 2);
    const Tags four_or_three{4, 3};
    EXPECT_EQ(taken(mb.take_first(four_or_three)).tag,
              3); // the oldest of either, not the first listed
    EXPECT_EQ(take_all_tags(mb), (Tags{1, 2, 4, 3}));
}

TEST(Mailbox, SelectiveReceiveFindsNothing) {
    Mailbox mb;
    push_tags(mb, {1, 2});
    mb.drain(no_control);
    const Tags seven{7};
    EXPECT_EQ(mb.take_first(seven), std::nullopt);
    EXPECT_EQ(take_all_tags(mb), (Tags{1, 2}));
}

TEST(Mailbox, TagZeroInAFilterMatchesNothing) {
    Mailbox mb;
    push_tags(mb, {0, 0, 6});
    (void)mb.push(Message::link_died(0));
    mb.drain(no_control);
    const Tags zero{0};
    EXPECT_EQ(mb.take_first(zero), std::nullopt);
    const Tags zero_or_six{0, 6};
    EXPECT_EQ(taken(mb.take_first(zero_or_six)).tag, 6);
    EXPECT_EQ(mb.take_first(zero_or_six), std::nullopt);
    EXPECT_EQ(mb.size(), 3u);
}

TEST(Mailbox, ProcessDiedNeverMatchesAFilterButLinkDiedDoes) {
    Mailbox mb;
    (void)mb.push(Message::process_died(3));
    (void)mb.push(Message::link_died(3));
    mb.drain(no_control);
    const Tags three{3};
    std::optional<Message> m = mb.take_first(three);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->kind, MessageKind::link_died);
    EXPECT_EQ(mb.take_first(three), std::nullopt);
    EXPECT_EQ(taken(mb.take_first({})).kind, MessageKind::process_died);
}

TEST(Mailbox, ControlSignalsGoToTheHandlerInQueueOrder) {
    Mailbox mb;
    (void)mb.push(Message::data(1));
    (void)mb.push(LinkSignal{9, 5});
    (void)mb.push(Message::data(2));
    (void)mb.push(LinkDiedSignal{9, 5, DeathReason::failure});
    (void)mb.push(Message::data(3));
    (void)mb.push(KillSignal{});

    std::vector<SignalKind> seen;
    std::vector<size_t> mailbox_size_when_seen;
    const size_t handled = mb.drain([&](Signal&& s) {
        seen.push_back(signal_kind(s));
        mailbox_size_when_seen.push_back(mb.size());
        // What a process with die_when_link_dies off does with a link death.
        if (auto* died = std::get_if<LinkDiedSignal>(&s)) mb.deliver(Message::link_died(died->tag));
    });
    EXPECT_EQ(handled, 6u);
    EXPECT_EQ(seen,
              (std::vector<SignalKind>{SignalKind::link, SignalKind::link_died, SignalKind::kill}));
    EXPECT_EQ(mailbox_size_when_seen, (std::vector<size_t>{1, 2, 4}));
    EXPECT_EQ(take_all_tags(mb), (Tags{1, 2, 5, 3}));
}

TEST(MailboxSkipSearch, IgnoresMessagesFromBeforeTheMark) {
    Mailbox mb;
    push_tags(mb, {7, 8});
    mb.drain(no_control);
    const Mailbox::Mark mark = mb.mark();
    const Tags seven{7};
    EXPECT_EQ(mb.take_first(seven, mark), std::nullopt); // the old 7 is not examined

    push_tags(mb, {9, 7, 7});
    mb.drain(no_control);
    std::optional<Message> reply = mb.take_first(seven, mark);
    ASSERT_TRUE(reply);
    EXPECT_EQ(mb.size(), 4u); // 7 8 (old) 9 7 (new) remain
    EXPECT_EQ(take_all_tags(mb), (Tags{7, 8, 9, 7}));
}

TEST(MailboxSkipSearch, SignalsQueuedAtTheMarkCountAsAfter) {
    Mailbox mb;
    push_tags(mb, {4});
    mb.drain(no_control);
    push_tags(mb, {4, 5}); // pushed but not yet drained when the mark is taken
    const Mailbox::Mark mark = mb.mark();
    mb.drain(no_control);
    const Tags four{4};
    ASSERT_TRUE(mb.take_first(four, mark));
    EXPECT_EQ(take_all_tags(mb), (Tags{4, 5})); // the pre-mark 4 was left alone
}

TEST(MailboxSkipSearch, ReplyOfAnyKindMatchesButTagZeroNever) {
    Mailbox mb;
    const Mailbox::Mark mark = mb.mark();
    (void)mb.push(Message::process_died(11));
    (void)mb.push(Message::data(0));
    (void)mb.push(Message::link_died(11));
    mb.drain(no_control);
    const Tags zero{0};
    EXPECT_EQ(mb.take_first(zero, mark), std::nullopt);
    const Tags eleven{11};
    std::optional<Message> reply = mb.take_first(eleven, mark);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->kind, MessageKind::link_died);
    EXPECT_EQ(mb.size(), 2u);
}

TEST(MailboxSkipSearch, AMarkAfterAFailedScanSkipsOnlyRejectedMessages) {
    Mailbox mb;
    push_tags(mb, {1, 2});
    mb.drain(no_control);
    const Tags three{3};
    Mailbox::Mark scanned = mb.mark();
    ASSERT_EQ(mb.take_first(three), std::nullopt);
    push_tags(mb, {3});
    mb.drain(no_control);
    EXPECT_EQ(taken(mb.take_first(three, scanned)).tag, 3);
    EXPECT_EQ(take_all_tags(mb), (Tags{1, 2}));
}

TEST(Mailbox, CloseDiscardsEverything) {
    Mailbox mb;
    push_tags(mb, {1, 2});
    mb.drain(no_control);
    push_tags(mb, {3});
    mb.close();
    EXPECT_TRUE(mb.empty());
    EXPECT_FALSE(mb.has_signals());
    EXPECT_FALSE(mb.push(Message::data(4)));
    EXPECT_EQ(mb.drain(no_control), 0u);
}

// ---- The ring the messages live in ------------------------------------------------------
// These use deliver() to place messages directly; the ring starts with four slots and
// doubles, so the positions below are chosen to make it wrap around and grow.

void deliver_tags(Mailbox& mb, std::initializer_list<int64_t> tags) {
    for (int64_t tag : tags)
        mb.deliver(Message::data(tag));
}

TEST(MailboxRing, WrapsAroundAndGrowsWhileWrappedInArrivalOrder) {
    Mailbox mb;
    deliver_tags(mb, {1, 2, 3});
    EXPECT_EQ(taken(mb.take_first({})).tag, 1);
    EXPECT_EQ(taken(mb.take_first({})).tag, 2);
    deliver_tags(mb, {4, 5, 6}); // 3 4 | 5 6 wrap to the front slots
    deliver_tags(mb, {7, 8});    // full: grows with the oldest not in slot 0
    EXPECT_EQ(mb.size(), 6u);
    EXPECT_EQ(take_all_tags(mb), (Tags{3, 4, 5, 6, 7, 8}));
    deliver_tags(mb, {9});
    EXPECT_EQ(take_all_tags(mb), (Tags{9}));
}

TEST(MailboxRing, TakingFromTheMiddleOfAWrappedRingClosesTheGapEitherWay) {
    Mailbox mb;
    deliver_tags(mb, {1, 2, 3, 4});
    EXPECT_EQ(taken(mb.take_first({})).tag, 1);
    EXPECT_EQ(taken(mb.take_first({})).tag, 2);
    deliver_tags(mb, {5, 6}); // slots: 5 6 3 4, oldest at slot 2
    const Tags four{4};
    EXPECT_EQ(taken(mb.take_first(four)).tag, 4); // near the front: the front moves up
    const Tags six{6};
    EXPECT_EQ(taken(mb.take_first(six)).tag, 6); // the newest: nothing moves
    deliver_tags(mb, {7, 8, 9});                 // 3 5 7 8 9: grows again
    const Tags eight{8};
    EXPECT_EQ(taken(mb.take_first(eight)).tag, 8); // near the back: the back moves down
    const Tags five{5};
    EXPECT_EQ(taken(mb.take_first(five)).tag, 5);
    EXPECT_EQ(take_all_tags(mb), (Tags{3, 7, 9}));
}

TEST(MailboxRing, MarksFindTheirPlaceAfterWrapsAndRemovals) {
    Mailbox mb;
    deliver_tags(mb, {1, 2, 3});
    EXPECT_EQ(taken(mb.take_first({})).tag, 1);
    const Tags two{2};
    EXPECT_EQ(taken(mb.take_first(two)).tag, 2);
    deliver_tags(mb, {4, 5});
    const Mailbox::Mark mark = mb.mark();
    deliver_tags(mb, {3, 6, 3}); // the ring (3 4 5 3 6 3) has wrapped and grown
    const Tags three{3};
    EXPECT_EQ(mb.take_first(three, mark)->tag, 3);
    EXPECT_EQ(take_all_tags(mb), (Tags{3, 4, 5, 6, 3})); // the first 3 predates the mark
    // A mark after everything, and one in a ring whose older messages are all gone.
    deliver_tags(mb, {3});
    EXPECT_EQ(mb.take_first(three, mb.mark()), std::nullopt);
    EXPECT_EQ(taken(mb.take_first(three, mark)).tag, 3);
}

// 3000 messages: more than the ring holds (1024), so they move to the overflow deque and the
// mailbox returns to a ring once that is empty.
TEST(MailboxRing, ABurstOutgrowsTheRingAndTheMailboxStaysUsable) {
    constexpr int64_t kBurst = 3000;
    Mailbox mb;
    mb.deliver(Message::data(1)); // stays in front while the burst goes through
    const Mailbox::Mark before_burst = mb.mark();
    for (int64_t i = 0; i < kBurst; ++i)
        mb.deliver(Message::data(2 + i % 3));
    const Mailbox::Mark late = mb.mark();
    deliver_tags(mb, {9, 1});
    EXPECT_EQ(mb.size(), size_t(kBurst + 3));
    const Tags one{1};
    EXPECT_EQ(taken(mb.take_first(one, late)).tag, 1); // the late 1, not the first
    const Tags nine{9};
    EXPECT_EQ(mb.take_first(nine, mb.mark()), std::nullopt);
    EXPECT_EQ(taken(mb.take_first(nine, before_burst)).tag, 9);
    const Tags not_one{2, 3, 4};
    for (int64_t i = 0; i < kBurst; ++i)
        ASSERT_EQ(taken(mb.take_first(not_one, before_burst)).tag, 2 + i % 3);
    EXPECT_EQ(mb.size(), 1u);
    deliver_tags(mb, {5, 6});
    EXPECT_EQ(take_all_tags(mb), (Tags{1, 5, 6}));
    EXPECT_TRUE(mb.empty());
    deliver_tags(mb, {7});
    EXPECT_EQ(take_all_tags(mb), (Tags{7}));
    // A burst taken from the back down, then one that is closed while spilled.
    for (int64_t i = 0; i < kBurst; ++i)
        mb.deliver(Message::data(i + 1));
    for (int64_t i = kBurst; i > 0; --i) {
        const Tags last{i};
        ASSERT_EQ(taken(mb.take_first(last)).tag, i);
    }
    EXPECT_TRUE(mb.empty());
    for (int64_t i = 0; i < kBurst; ++i)
        mb.deliver(Message::data(1));
    mb.close();
    EXPECT_TRUE(mb.empty());
}

TEST(MailboxRing, KeepsNoResourceOfATakenMessage) {
    // A taken message's slot and the slots messages were moved out of hold nothing.
    auto object = std::make_shared<int>(7);
    Mailbox mb;
    deliver_tags(mb, {1, 2});
    Message with_resource = Message::data(3);
    with_resource.push_resource(k_module, object);
    mb.deliver(std::move(with_resource));
    deliver_tags(mb, {4, 5});
    const Tags two{2};
    EXPECT_EQ(taken(mb.take_first(two)).tag, 2); // slides 1 over a slot
    const Tags four{4};
    EXPECT_EQ(taken(mb.take_first(four)).tag, 4); // slides 5 down
    EXPECT_EQ(object.use_count(), 2);
    const Tags three{3};
    EXPECT_EQ(taken(mb.take_first(three)).tag, 3);
    EXPECT_EQ(object.use_count(), 1);
    mb.deliver(Message::data(6));
    Message again = Message::data(7);
    again.push_resource(k_module, object);
    mb.deliver(std::move(again));
    mb.close();
    EXPECT_EQ(object.use_count(), 1);
    EXPECT_TRUE(mb.empty());
}

// Not a timed assertion: prints what moving messages into the mailbox and taking them costs.
// A filtered take costs O(position of the match), so the filtered case keeps a fixed number
// of non-matching messages ahead of the matching ones.
TEST(MailboxCost, PrintsDrainAndTakeCost) {
    using Clock = std::chrono::steady_clock;
    auto ns_per = [](Clock::duration d, int n) {
        return double(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()) / n;
    };
    constexpr int kCount = 200'000;
    constexpr int kAhead = 16;
    Mailbox mb;
    double drain_ns = 0;
    double take_ns = 0;
    for (int round = 0; round < 2; ++round) { // the first round is a warm-up
        for (int i = 0; i < kCount; ++i)
            (void)mb.push(Message::data(i % 8 + 1));
        const auto start = Clock::now();
        mb.drain(no_control);
        const auto drained = Clock::now();
        int taken = 0;
        while (mb.take_first({}))
            ++taken;
        drain_ns = ns_per(drained - start, kCount);
        take_ns = ns_per(Clock::now() - drained, kCount);
        EXPECT_EQ(taken, kCount);
    }

    for (int i = 0; i < kAhead; ++i)
        (void)mb.push(Message::data(0));
    for (int i = 0; i < kCount; ++i)
        (void)mb.push(Message::data(i % 2 + 1));
    mb.drain(no_control);
    const std::array<int64_t, 2> filter{2, 1};
    const auto start = Clock::now();
    int taken = 0;
    while (mb.take_first(filter))
        ++taken;
    const double filtered_ns = ns_per(Clock::now() - start, kCount);
    EXPECT_EQ(taken, kCount);
    EXPECT_EQ(mb.size(), size_t(kAhead));

    std::printf("[ cost     ] mailbox: drain %.1f ns per message; take_first %.1f ns unfiltered, "
                "%.1f ns with a two-tag filter and %d non-matching messages ahead\n",
                drain_ns, take_ns, filtered_ns, kAhead);
}

// ---- Concurrency -------------------------------------------------------------------------

// A process stand-in: a consumer thread that parks on a semaphore, and the senders' side
// of the wake-up handshake (whoever gets `true` unparks it, as the scheduler would).
struct TestProcess {
    Mailbox mailbox;
    std::counting_semaphore<> unpark{0};
    std::atomic<uint64_t> wakeups{0}; // `true` results handed out by push/notify
    uint64_t waits = 0;               // prepare_wait() == true; consumer only
    std::atomic<int64_t> received{0};
    std::atomic<int64_t> parked_at{-1}; // `received` when the consumer last parked

    void send(Signal signal) {
        if (mailbox.push(std::move(signal))) wake();
    }
    void poke() {
        if (mailbox.notify()) wake();
    }
    void wake() {
        wakeups.fetch_add(1);
        unpark.release();
    }

    // A blocking receive as the host function will do it. nullopt means nobody woke the
    // consumer for ten seconds: a lost wake-up.
    std::optional<Message> receive(std::span<const int64_t> tags, Mailbox::Mark since = {}) {
        for (;;) {
            mailbox.drain(no_control);
            const Mailbox::Mark scanned = mailbox.mark();
            std::optional<Message> m = mailbox.take_first(tags, since);
            if (m) {
                received.fetch_add(1);
                return m;
            }
            since = scanned;
            if (!mailbox.prepare_wait()) continue;
            ++waits;
            parked_at.store(received.load());
            if (!unpark.try_acquire_for(std::chrono::seconds(10))) return std::nullopt;
        }
    }
};

Message numbered(int sender, uint32_t sequence) {
    Message m = Message::data(sender + 1);
    m.append(std::span(reinterpret_cast<const uint8_t*>(&sequence), sizeof sequence));
    return m;
}

uint32_t sequence_of(Message& m) {
    uint32_t sequence = 0;
    EXPECT_EQ(m.read(std::span(reinterpret_cast<uint8_t*>(&sequence), sizeof sequence)),
              sizeof sequence);
    return sequence;
}

// Four producers push numbered messages while the consumer drains and takes them with
// rotating filters (one sender, two senders with a 0 in the list, anything). Every message
// must be received exactly once, and each sender's in the order it sent them. Each producer
// stays at most kWindow messages ahead of the consumer: without that, on two cores the
// mailbox grows to hundreds of thousands and the test would time the filtered scans instead.
TEST(MailboxStress, EveryMessageOnceInPerSenderOrder) {
    constexpr int kSenders = 4;
    constexpr int kWindow = 512;
    constexpr int kPerSender = 100'000;
    Mailbox mb;
    std::atomic<int> finished{0};
    std::array<std::atomic<int>, kSenders> consumed{};
    std::vector<std::thread> producers;
    for (int s = 0; s < kSenders; ++s) {
        producers.emplace_back([&, s] {
            for (int i = 0; i < kPerSender; ++i) {
                while (i - consumed[s].load(std::memory_order_relaxed) > kWindow) {
                    std::this_thread::yield();
                }
                (void)mb.push(numbered(s, uint32_t(i)));
            }
            finished.fetch_add(1);
        });
    }

    const std::vector<Tags> filters{{1}, {2}, {3}, {4}, {0, 2, 4}, {1, 3}, {}};
    std::vector<Mailbox::Mark> scanned(filters.size()); // per filter: all before rejected
    std::vector<int> next(kSenders, 0);
    int received = 0;
    size_t turn = 0;
    auto take = [&](size_t f) {
        const Mailbox::Mark before = mb.mark();
        std::optional<Message> m = mb.take_first(filters[f], scanned[f]);
        if (!m) {
            scanned[f] = before;
            return false;
        }
        const int sender = int(m->tag) - 1;
        EXPECT_TRUE(m->matches(filters[f]));
        EXPECT_EQ(sequence_of(*m), uint32_t(next[sender])) << "sender " << sender;
        consumed[sender].store(++next[sender], std::memory_order_relaxed);
        ++received;
        return true;
    };
    while (received < kSenders * kPerSender) {
        const bool producers_done = finished.load() == kSenders;
        mb.drain(no_control);
        bool took = false;
        for (size_t i = 0; i < filters.size(); ++i)
            took |= take(turn++ % filters.size());
        if (!took && producers_done && !mb.has_signals()) break; // nothing will ever come
        if (!took) std::this_thread::yield();
    }
    for (auto& t : producers)
        t.join();
    EXPECT_EQ(received, kSenders * kPerSender);
    for (int s = 0; s < kSenders; ++s)
        EXPECT_EQ(next[s], kPerSender) << "sender " << s;
    EXPECT_TRUE(mb.empty());
    EXPECT_FALSE(mb.has_signals());
}

// The consumer parks whenever it finds nothing; two producers and a timer-like thread wake it
// through the handshake. No wake-up may be lost (the consumer would stay parked) and each
// wait must be ended by exactly one `true` (no extra unpark tokens). The producers work in
// rounds; between two rounds they wait until the consumer has taken everything and parked,
// so it waits at least once per round however the threads are scheduled. Within a round
// their pushes race freely with the consumer's prepare_wait().
TEST(MailboxStress, NoLostOrDuplicateWakeUps) {
    constexpr int kSenders = 2;
    constexpr int kPerRound = 100;
    constexpr int kRounds = 400;
    TestProcess process;
    std::atomic<bool> done{false};
    std::vector<std::thread> threads;
    for (int s = 0; s < kSenders; ++s) {
        threads.emplace_back([&, s] {
            for (int r = 0; r < kRounds; ++r) {
                for (int i = 0; i < kPerRound; ++i) {
                    process.send(numbered(s, uint32_t(r * kPerRound + i)));
                    if (i % 8 == 0) std::this_thread::yield();
                }
                if (r + 1 == kRounds) break;
                const int64_t round_end = int64_t(r + 1) * kPerRound * kSenders;
                while (process.parked_at.load() < round_end && !done.load()) {
                    std::this_thread::yield();
                }
            }
        });
    }
    threads.emplace_back([&] {
        while (!done.load()) {
            process.poke();
            std::this_thread::yield();
        }
    });

    const int total = kSenders * kPerRound * kRounds;
    std::vector<int> next(kSenders, 0);
    int received = 0;
    bool lost = false;
    bool in_order = true;
    while (received < total) {
        std::optional<Message> m = process.receive({});
        if (!m) {
            lost = true;
            break;
        }
        const int sender = int(m->tag) - 1;
        in_order &= sequence_of(*m) == uint32_t(next[sender]);
        ++next[sender];
        ++received;
    }
    done.store(true);
    for (auto& t : threads)
        t.join();

    EXPECT_FALSE(lost) << "the consumer was never woken";
    EXPECT_TRUE(in_order);
    EXPECT_EQ(received, total);
    EXPECT_EQ(process.wakeups.load(), process.waits);
    EXPECT_FALSE(process.unpark.try_acquire()) << "a wait was ended twice";
    EXPECT_GE(process.waits, uint64_t(kRounds - 1)); // one park between consecutive rounds
    std::printf("[ info     ] %llu waits in %d rounds, each ended by exactly one wake-up\n",
                static_cast<unsigned long long>(process.waits), kRounds);
}

// Request/reply with send_receive_skip_search: before each request an old message with the
// reply's tag sits in the client's mailbox, and a third thread floods the client with other
// messages. The client must always get the server's reply, never the old one.
TEST(MailboxStress, SkipSearchRepliesUnderLoad) {
    constexpr int kRounds = 4'000;
    TestProcess client;
    TestProcess server;
    std::atomic<bool> done{false};

    std::thread server_thread([&] {
        for (int i = 0; i < kRounds; ++i) {
            std::optional<Message> request = server.receive({});
            if (!request) return; // the client gave up; it reports the failure
            Message reply = Message::data(request->tag);
            reply.append(std::array<uint8_t, 1>{1}); // 1 = fresh reply
            client.send(std::move(reply));
        }
    });
    std::thread noise([&] {
        for (int64_t i = 0; !done.load() && i < int64_t(kRounds) * 16; ++i) {
            client.send(Message::data(i % 3 == 0 ? 0 : -i));
            if (i % 16 == 0) std::this_thread::yield();
        }
    });

    int stale = 0;
    for (int i = 0; i < kRounds; ++i) {
        const int64_t reply_tag = 1'000'000 + i;
        Message old = Message::data(reply_tag);
        old.append(std::array<uint8_t, 1>{0});
        client.mailbox.deliver(std::move(old));
        ++stale;

        const Mailbox::Mark mark = client.mailbox.mark();
        server.send(Message::data(reply_tag));
        const std::array<int64_t, 1> tag{reply_tag};
        std::optional<Message> reply = client.receive(tag, mark);
        if (!reply) {
            ADD_FAILURE() << "no reply in round " << i;
            break;
        }
        EXPECT_EQ(reply->tag, reply_tag);
        if (reply->buffer.at(0) != 1) {
            ADD_FAILURE() << "got the stale message in round " << i;
            break;
        }
    }
    done.store(true);
    server_thread.join();
    noise.join();
    if (HasFailure()) return;

    // The old messages are all still there, in order, between the noise.
    client.mailbox.drain(no_control);
    int64_t expected = 1'000'000;
    while (std::optional<Message> m = client.mailbox.take_first({})) {
        if (m->tag >= 1'000'000) {
            EXPECT_EQ(m->tag, expected++);
            EXPECT_EQ(m->buffer.at(0), 0);
        }
    }
    EXPECT_EQ(expected - 1'000'000, stale);
}

} // namespace
} // namespace tycho::runtime
