// The reactor: one-shot watches on pipes and sockets, several on one fd, fds epoll refuses,
// cancellation (also racing a firing), and that an fd leaves epoll with its last watch.
#include "runtime/reactor.h"

#include "runtime/io_test_support.h"
#include "runtime/task_test_support.h"

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

using namespace tycho::runtime;
using namespace tycho::runtime::test_support;
using namespace std::chrono_literals;

namespace {

// What one watch's callback saw; shared, so a late callback never outlives it.
struct Seen {
    Event fired;
    std::atomic<IoEvents> events{0};
    std::atomic<int> calls{0};
};

Reactor::Callback record(const std::shared_ptr<Seen>& seen) {
    return [seen](IoEvents events) {
        seen->events = events;
        ++seen->calls;
        seen->fired.set();
    };
}

Reactor::WatchId expect_watching(const Reactor::Watch& watch) {
    EXPECT_EQ(watch.status, Reactor::Watch::Status::watching) << "errno " << watch.error;
    EXPECT_NE(watch.id, 0u);
    return watch.id;
}

// Waits until `condition` holds, checking every millisecond, for at most 20 s.
template <class Condition> bool eventually(Condition condition) {
    for (int i = 0; i < 20000; ++i) {
        if (condition()) return true;
        std::this_thread::sleep_for(1ms);
    }
    return condition();
}

// Watches `fd` for `events` and waits until the watch has fired.
std::shared_ptr<Seen> watch_until_fired(Reactor& reactor, int fd, IoEvents events) {
    auto seen = std::make_shared<Seen>();
    expect_watching(reactor.watch(fd, events, record(seen)));
    EXPECT_TRUE(seen->fired.wait_for(20s));
    return seen;
}

// Watches `interest`, then runs `make_ready`: true if the watch fired, reporting `expected`,
// and not before make_ready began.
bool fires_only_after(Reactor& reactor, IoInterest interest, IoEvents expected,
                      const std::function<void()>& make_ready) {
    struct Outcome {
        std::atomic<bool> began{false};
        std::atomic<bool> as_expected{false};
        Event fired;
    };
    auto outcome = std::make_shared<Outcome>();
    expect_watching(
        reactor.watch(interest.fd, interest.events, [outcome, expected](IoEvents events) {
            outcome->as_expected = outcome->began.load() && events == expected;
            outcome->fired.set();
        }));
    outcome->began = true;
    make_ready();
    return outcome->fired.wait_for(20s) && outcome->as_expected;
}

// Makes a watch on a fresh, readable pipe fire: an fd made ready before, if it still were
// in epoll, would have fired by then (or at worst together with it).
void outrun_by_a_firing(Reactor& reactor) {
    Pipe pipe;
    ASSERT_TRUE(pipe.put());
    watch_until_fired(reactor, pipe.read_end(), IoEvent::readable);
    EXPECT_FALSE(registered_in_epoll(pipe.read_end()));
}

TEST(Reactor, APipeBecomingReadableFiresOnce) {
    Reactor reactor;
    Pipe pipe;
    ASSERT_TRUE(pipe.valid());
    auto seen = std::make_shared<Seen>();
    expect_watching(reactor.watch(pipe.read_end(), IoEvent::readable, record(seen)));
    EXPECT_EQ(reactor.pending(), 1u);
    EXPECT_EQ(reactor.watched_fds(), 1u);
    EXPECT_TRUE(registered_in_epoll(pipe.read_end()));
    ASSERT_TRUE(pipe.put());
    ASSERT_TRUE(seen->fired.wait_for(20s));
    EXPECT_EQ(seen->events.load(), IoEvent::readable);
    // One-shot: more data fires nothing more, and the fd has left epoll.
    ASSERT_TRUE(pipe.put());
    outrun_by_a_firing(reactor);
    EXPECT_EQ(seen->calls.load(), 1);
    EXPECT_EQ(reactor.pending(), 0u);
    EXPECT_EQ(reactor.watched_fds(), 0u);
    EXPECT_FALSE(registered_in_epoll(pipe.read_end()));
}

TEST(Reactor, AnFdReadyAlreadyFiresAtOnce) {
    Reactor reactor;
    Pipe pipe;
    ASSERT_TRUE(pipe.put());
    EXPECT_EQ(watch_until_fired(reactor, pipe.read_end(), IoEvent::readable)->events.load(),
              IoEvent::readable);
    // An empty pipe has room: its write end is writable already.
    EXPECT_EQ(watch_until_fired(reactor, pipe.write_end(), IoEvent::writable)->events.load(),
              IoEvent::writable);
}

TEST(Reactor, AFullPipeBecomesWritableOnlyOnceTheReaderDrainsIt) {
    Reactor reactor;
    Pipe pipe;
    ASSERT_TRUE(pipe.fill());
    EXPECT_TRUE(fires_only_after(reactor, {pipe.write_end(), IoEvent::writable}, IoEvent::writable,
                                 [&] { EXPECT_GT(pipe.drain(), 0u); }));
}

// A reader whose writer is gone hears a hang-up; a writer whose reader is gone, an error.
TEST(Reactor, TheOtherEndClosingIsReported) {
    Reactor reactor;
    Pipe to_reader;
    Pipe to_writer;
    ASSERT_TRUE(to_writer.fill());
    auto reader = std::make_shared<Seen>();
    auto writer = std::make_shared<Seen>();
    expect_watching(reactor.watch(to_reader.read_end(), IoEvent::readable, record(reader)));
    expect_watching(reactor.watch(to_writer.write_end(), IoEvent::writable, record(writer)));
    to_reader.close_write();
    to_writer.close_read();
    ASSERT_TRUE(reader->fired.wait_for(20s));
    ASSERT_TRUE(writer->fired.wait_for(20s));
    EXPECT_TRUE(reader->events & IoEvent::hang_up);
    EXPECT_TRUE(writer->events & IoEvent::error);
}

TEST(Reactor, RegularFilesAndDevNullAreAlwaysReady) {
    Reactor reactor;
    std::unique_ptr<FILE, int (*)(FILE*)> file(tmpfile(), fclose);
    ASSERT_NE(file, nullptr);
    const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    ASSERT_GE(null, 0);
    for (const int fd : {fileno(file.get()), null}) {
        const auto watch =
            reactor.watch(fd, IoEvent::readable | IoEvent::writable, [](IoEvents) {});
        EXPECT_EQ(watch.status, Reactor::Watch::Status::always_ready) << fd;
        EXPECT_EQ(watch.id, 0u);
    }
    EXPECT_EQ(reactor.pending(), 0u);
    EXPECT_EQ(reactor.watched_fds(), 0u);
    close(null);
}

TEST(Reactor, FdsThatAreNotOpenAreRefusedWithEbadf) {
    Reactor reactor;
    int closed;
    {
        Pipe pipe;
        closed = pipe.read_end();
    }
    for (const int fd : {-1, closed}) {
        const auto watch = reactor.watch(fd, IoEvent::readable, [](IoEvents) {});
        EXPECT_EQ(watch.status, Reactor::Watch::Status::failed) << fd;
        EXPECT_EQ(watch.error, EBADF) << fd;
    }
    EXPECT_EQ(reactor.watched_fds(), 0u);
}

// A watch that asks for nothing still hears of a hang-up, and only of that.
TEST(Reactor, AWatchForNothingFiresOnlyOnHangUp) {
    Reactor reactor;
    Pipe pipe;
    ASSERT_TRUE(pipe.put());
    EXPECT_TRUE(fires_only_after(reactor, {pipe.read_end(), 0}, IoEvent::hang_up,
                                 [&] { pipe.close_write(); }));
}

TEST(Reactor, ManyWatchesOnOneFdAllFire) {
    Reactor reactor;
    Pipe pipe;
    constexpr int kWatches = 200;
    std::atomic<int> fired{0};
    Event all;
    for (int i = 0; i < kWatches; ++i)
        expect_watching(reactor.watch(pipe.read_end(), IoEvent::readable, [&](IoEvents events) {
            if (events == IoEvent::readable && ++fired == kWatches) all.set();
        }));
    EXPECT_EQ(reactor.pending(), size_t(kWatches));
    EXPECT_EQ(reactor.watched_fds(), 1u);
    ASSERT_TRUE(pipe.put());
    ASSERT_TRUE(all.wait_for(20s));
    EXPECT_EQ(reactor.pending(), 0u);
    EXPECT_EQ(reactor.watched_fds(), 0u);
    EXPECT_FALSE(registered_in_epoll(pipe.read_end()));
}

// A reader and a writer on one socket: the writer fires at once (the socket has room), the
// reader stays registered until data arrives.
TEST(Reactor, WatchesOnOneFdFireEachForWhatTheyWant) {
    Reactor reactor;
    std::array<int, 2> ends{-1, -1};
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends.data()), 0);
    auto reader = std::make_shared<Seen>();
    auto writer = std::make_shared<Seen>();
    expect_watching(reactor.watch(ends[0], IoEvent::readable, record(reader)));
    expect_watching(reactor.watch(ends[0], IoEvent::writable, record(writer)));
    ASSERT_TRUE(writer->fired.wait_for(20s));
    EXPECT_EQ(writer->events.load(), IoEvent::writable);
    EXPECT_FALSE(reader->fired.is_set());
    EXPECT_EQ(reactor.pending(), 1u);
    EXPECT_TRUE(registered_in_epoll(ends[0]));
    const char byte = 'x';
    ASSERT_EQ(write(ends[1], &byte, 1), 1);
    ASSERT_TRUE(reader->fired.wait_for(20s));
    EXPECT_EQ(reader->events.load(), IoEvent::readable);
    EXPECT_EQ(writer->calls.load(), 1);
    EXPECT_FALSE(registered_in_epoll(ends[0]));
    close(ends[0]);
    close(ends[1]);
}

TEST(Reactor, ACancelledWatchNeverFiresAndItsFdLeavesEpoll) {
    Reactor reactor;
    Pipe pipe;
    auto seen = std::make_shared<Seen>();
    const auto id =
        expect_watching(reactor.watch(pipe.read_end(), IoEvent::readable, record(seen)));
    auto stays = std::make_shared<Seen>();
    const auto other =
        expect_watching(reactor.watch(pipe.read_end(), IoEvent::readable, record(stays)));
    EXPECT_TRUE(reactor.cancel(id));
    EXPECT_FALSE(reactor.cancel(id));                  // once only
    EXPECT_TRUE(registered_in_epoll(pipe.read_end())); // the other watch keeps it
    EXPECT_TRUE(reactor.cancel(other));
    EXPECT_FALSE(registered_in_epoll(pipe.read_end()));
    EXPECT_EQ(reactor.watched_fds(), 0u);
    ASSERT_TRUE(pipe.put());
    outrun_by_a_firing(reactor);
    EXPECT_EQ(seen->calls.load(), 0);
    EXPECT_EQ(stays->calls.load(), 0);
    EXPECT_FALSE(reactor.cancel(0));
}

// Cancelling a watch on an fd that is ready races its firing: either the cancel wins (true,
// and the callback never runs) or the firing does (false, and the callback runs once).
TEST(Reactor, CancelRacingAFiringDecidesExactlyOnce) {
    Reactor reactor;
    Pipe pipe;
    ASSERT_TRUE(pipe.put());
    constexpr int kRounds = 5000;
    auto fired = std::make_shared<std::atomic<int>>(0);
    int cancelled = 0;
    for (int i = 0; i < kRounds; ++i) {
        const auto id = expect_watching(
            reactor.watch(pipe.read_end(), IoEvent::readable, [fired](IoEvents) { ++*fired; }));
        if (reactor.cancel(id)) ++cancelled;
    }
    ASSERT_TRUE(eventually([&] { return fired->load() + cancelled == kRounds; }));
    reactor.stop(); // nothing fires any more: the count is final
    EXPECT_EQ(fired->load() + cancelled, kRounds);
    EXPECT_EQ(reactor.pending(), 0u);
    EXPECT_EQ(reactor.watched_fds(), 0u);
}

// The fd number of a closed pipe comes back with the next pipe: a watch on it sees the new
// pipe, with nothing left over from the old one.
TEST(Reactor, AClosedAndReusedFdNumberStartsAfresh) {
    Reactor reactor;
    int read_number;
    int write_number;
    {
        Pipe old;
        read_number = old.read_end();
        write_number = old.write_end();
        // One watch cancelled, one fired: both ends left epoll before the close.
        EXPECT_TRUE(reactor.cancel(
            expect_watching(reactor.watch(read_number, IoEvent::readable, [](IoEvents) {}))));
        auto seen = std::make_shared<Seen>();
        expect_watching(reactor.watch(write_number, IoEvent::writable, record(seen)));
        ASSERT_TRUE(seen->fired.wait_for(20s));
        ASSERT_TRUE(old.put());
    }
    Pipe reused;
    ASSERT_EQ(reused.read_end(), read_number);
    EXPECT_FALSE(registered_in_epoll(read_number));
    EXPECT_FALSE(registered_in_epoll(write_number));
    // The new pipe is empty, whatever the old one held: the watch fires only after a write.
    EXPECT_TRUE(fires_only_after(reactor, {read_number, IoEvent::readable}, IoEvent::readable,
                                 [&] { EXPECT_TRUE(reused.put()); }));
}

TEST(Reactor, AThousandPipesAllFire) {
    constexpr int kPipes = 1000;
    ASSERT_TRUE(allow_open_files(2 * kPipes + 64)) << "the hard limit on open files is too low";
    Reactor reactor;
    std::vector<std::unique_ptr<Pipe>> pipes;
    std::atomic<int> fired{0};
    Event all;
    for (int i = 0; i < kPipes; ++i) {
        pipes.push_back(std::make_unique<Pipe>());
        ASSERT_TRUE(pipes.back()->valid());
        expect_watching(reactor.watch(pipes.back()->read_end(), IoEvent::readable, [&](IoEvents) {
            if (++fired == kPipes) all.set();
        }));
    }
    EXPECT_EQ(reactor.watched_fds(), size_t(kPipes));
    for (const auto& pipe : pipes)
        ASSERT_TRUE(pipe->put());
    ASSERT_TRUE(all.wait_for(20s));
    EXPECT_EQ(reactor.watched_fds(), 0u);
}

TEST(Reactor, AfterStopNothingFires) {
    Reactor reactor;
    Pipe pipe;
    reactor.stop();
    auto seen = std::make_shared<Seen>();
    const auto id =
        expect_watching(reactor.watch(pipe.read_end(), IoEvent::readable, record(seen)));
    ASSERT_TRUE(pipe.put());
    EXPECT_FALSE(seen->fired.wait_for(50ms));
    EXPECT_TRUE(reactor.cancel(id));
    reactor.stop(); // idempotent
}

} // namespace
