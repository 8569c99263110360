// Tests of poll_oneoff through wasi_all.wasm (and wasi_unstable_all.wasm for the older
// subscription layout): clocks relative and absolute, descriptors becoming ready, files that
// are always ready, and the errors each subscription can get.
#include "host/wasi/wasi_test_preopened.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <thread>
#include <unistd.h>

using namespace wasi_testing;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using tycho::host::wasi::Descriptor;
using tycho::host::wasi::HostFd;

namespace {

constexpr uint32_t kSubscriptions = 0x2000;
constexpr uint32_t kEvents = 0x4000;
constexpr uint32_t kSubscriptionSize = 48;
constexpr uint32_t kUnstableSubscriptionSize = 56;
constexpr uint8_t kClockTag = 0, kFdReadTag = 1, kFdWriteTag = 2;
constexpr uint32_t kRealtime = 0, kMonotonic = 1;
constexpr uint16_t kAbstime = 1;
constexpr uint16_t kHangup = 1;

uint64_t clock_now(clockid_t id) {
    timespec t{};
    ::clock_gettime(id, &t);
    return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
}

uint64_t ns(milliseconds ms) {
    return uint64_t(std::chrono::nanoseconds(ms).count());
}

struct Event {
    uint64_t userdata = 0;
    uint16_t error = 0xFFFF;
    uint8_t type = 0xFF;
    uint64_t nbytes = 0;
    uint16_t flags = 0;
};

class WasiPoll : public WasiPreopened {
  protected:
    void put_clock(uint32_t index, uint64_t userdata, uint32_t id, uint64_t timeout,
                   uint16_t flags = 0) {
        const uint32_t s = kSubscriptions + index * kSubscriptionSize;
        std::memset(at(s), 0, kSubscriptionSize);
        put_u64(s, userdata);
        *at(s + 8) = kClockTag;
        put_u32(s + 16, id);
        put_u64(s + 24, timeout);
        put_u64(s + 32, 0); // precision
        std::memcpy(at(s + 40), &flags, 2);
    }
    void put_fd(uint32_t index, uint64_t userdata, uint8_t tag, uint32_t fd) {
        const uint32_t s = kSubscriptions + index * kSubscriptionSize;
        std::memset(at(s), 0, kSubscriptionSize);
        put_u64(s, userdata);
        *at(s + 8) = tag;
        put_u32(s + 16, fd);
    }
    Errno poll(uint32_t count) {
        return wasi("poll_oneoff", {i32(kSubscriptions), i32(kEvents), i32(count), i32(kOut)});
    }
    uint32_t nevents() { return u32(kOut); }
    Event event(uint32_t index) {
        const uint32_t e = kEvents + index * 32;
        Event out;
        out.userdata = u64(e);
        out.error = u16(e + 8);
        out.type = *at(e + 10);
        out.nbytes = u64(e + 16);
        out.flags = u16(e + 24);
        EXPECT_TRUE(untouched(e + 11, e + 16, 0)) << "padding";
        EXPECT_TRUE(untouched(e + 26, e + 32, 0)) << "padding";
        return out;
    }
    // Puts a host pipe end in the table as the process would hold it.
    uint32_t add_host_fd(int fd) {
        Descriptor d;
        d.host = HostFd::borrowed(fd);
        const auto p = tycho::host::wasi::probe(fd);
        d.type = p.type;
        d.rights_base = p.rights;
        return *context.fds.insert(std::move(d));
    }

    // Polls `count` subscriptions, one on the idle pipe, that must be answered at once with
    // `expected` events; a Watchdog writes to the pipe to end a wait that should not be.
    void poll_at_once(uint32_t count, uint32_t expected) {
        Watchdog watchdog([&] { EXPECT_EQ(::write(idle.write_end, "!", 1), 1); });
        const Errno e = poll(count);
        watchdog.dismiss();
        ASSERT_EQ(e, Errno::Success);
        EXPECT_FALSE(watchdog.fired()) << "waited for the idle pipe although events were due";
        ASSERT_EQ(nevents(), expected);
    }
    uint32_t idle_fd() { return add_host_fd(idle.read_end); }

    // A pipe nobody writes to (but a Watchdog), subscribed to as the last subscription.
    Pipe idle;
};

TEST_F(WasiPoll, ZeroSubscriptionsIsEinval) {
    fill(0xAA);
    EXPECT_EQ(poll(0), Errno::Inval);
    EXPECT_TRUE(untouched(0, kPage, 0xAA));
}

TEST_F(WasiPoll, RelativeClockWaitsItsTimeout) {
    for (uint32_t id : {kMonotonic, kRealtime}) {
        fill(0xAA);
        put_clock(0, 0x1122334455667788, id, ns(milliseconds(20)));
        const auto start = Clock::now();
        ASSERT_EQ(poll(1), Errno::Success) << id;
        EXPECT_GE(Clock::now() - start, milliseconds(20)) << id;
        ASSERT_EQ(nevents(), 1u);
        const Event e = event(0);
        EXPECT_EQ(e.userdata, 0x1122334455667788u);
        EXPECT_EQ(e.error, 0);
        EXPECT_EQ(e.type, kClockTag);
        EXPECT_EQ(e.nbytes, 0u);
        EXPECT_TRUE(untouched(kEvents + 32, kEvents + 64, 0xAA)) << "one event only";
    }
}

TEST_F(WasiPoll, EarlierOfTwoClocksFiresAlone) {
    put_clock(0, 1, kMonotonic, ns(milliseconds(10'000)));
    put_clock(1, 2, kMonotonic, ns(milliseconds(10)));
    const auto start = Clock::now();
    ASSERT_EQ(poll(2), Errno::Success);
    EXPECT_LT(Clock::now() - start, milliseconds(5'000));
    ASSERT_EQ(nevents(), 1u);
    EXPECT_EQ(event(0).userdata, 2u);
}

TEST_F(WasiPoll, AbsoluteClocksWaitUntilTheirTime) {
    struct Case {
        uint32_t id;
        clockid_t host;
    };
    for (const Case c : {Case{kMonotonic, CLOCK_MONOTONIC}, Case{kRealtime, CLOCK_REALTIME}}) {
        const auto start = Clock::now();
        put_clock(0, 5, c.id, clock_now(c.host) + ns(milliseconds(30)), kAbstime);
        ASSERT_EQ(poll(1), Errno::Success);
        // The realtime clock may be slewed a little against the monotonic one.
        EXPECT_GE(Clock::now() - start, milliseconds(29)) << c.id;
        EXPECT_LT(Clock::now() - start, milliseconds(5'000)) << c.id;
        ASSERT_EQ(nevents(), 1u);
        EXPECT_EQ(event(0).userdata, 5u);
        EXPECT_EQ(event(0).type, kClockTag);
    }
    // A time already past (2 s after boot, or after 1970) is due at once; read as relative it
    // would wait those 2 s.
    for (uint32_t id : {kMonotonic, kRealtime}) {
        const auto start = Clock::now();
        put_clock(0, 6, id, ns(milliseconds(2'000)), kAbstime);
        ASSERT_EQ(poll(1), Errno::Success);
        EXPECT_LT(Clock::now() - start, milliseconds(1'000)) << id;
        ASSERT_EQ(nevents(), 1u);
        EXPECT_EQ(event(0).userdata, 6u);
    }
}

TEST_F(WasiPoll, PipeBecomingReadableFromAnotherThread) {
    Pipe in;
    stdio(in.read_end, 1, 2);
    put_fd(0, 7, kFdReadTag, 0);
    put_clock(1, 8, kMonotonic, ns(milliseconds(10'000)));
    std::thread writer([&] {
        std::this_thread::sleep_for(milliseconds(50));
        EXPECT_EQ(::write(in.write_end, "hello", 5), 5);
    });
    const auto start = Clock::now();
    const Errno e = poll(2);
    writer.join();
    ASSERT_EQ(e, Errno::Success);
    EXPECT_LT(Clock::now() - start, milliseconds(5'000)) << "woken by the data, not the clock";
    ASSERT_EQ(nevents(), 1u);
    const Event ev = event(0);
    EXPECT_EQ(ev.userdata, 7u);
    EXPECT_EQ(ev.type, kFdReadTag);
    EXPECT_EQ(ev.error, 0);
    EXPECT_EQ(ev.nbytes, 5u);
    EXPECT_EQ(ev.flags, 0);
}

TEST_F(WasiPoll, ClosedPipeIsAHangup) {
    Pipe in;
    stdio(in.read_end, 1, 2);
    in.close_write();
    put_fd(0, 9, kFdReadTag, 0);
    ASSERT_EQ(poll(1), Errno::Success);
    ASSERT_EQ(nevents(), 1u);
    EXPECT_EQ(event(0).userdata, 9u);
    EXPECT_EQ(event(0).flags, kHangup);
}

TEST_F(WasiPoll, PipeWithRoomIsWritable) {
    Pipe out;
    stdio(-1, out.write_end, 2);
    put_fd(0, 10, kFdWriteTag, 1);
    ASSERT_EQ(poll(1), Errno::Success);
    ASSERT_EQ(nevents(), 1u);
    EXPECT_EQ(event(0).userdata, 10u);
    EXPECT_EQ(event(0).type, kFdWriteTag);
    EXPECT_EQ(event(0).error, 0);
}

// A subscription settled before waiting (a regular file, which is always ready, a bad
// descriptor, one without the poll right, an unknown clock) makes poll_oneoff answer at
// once, with any other subscription that is ready at that moment, as wasmtime and Node do.
// Each test also subscribes to an idle pipe, which a Watchdog writes to after 3 s, so a wait
// would show.
//
// The subscriptions below are settled without waiting; the idle pipe is subscribed to as well
// and must not be waited for.
TEST_F(WasiPoll, RegularFileIsAlwaysReadyWithTheBytesLeft) {
    write_file(root + "/f.txt", "0123456789");
    const uint32_t fd = open_ok("f.txt", 0, kReadWrite | rights::kPollFdReadwrite);
    ASSERT_EQ(seek(fd, 3, 0), Errno::Success);
    const uint32_t pipe = idle_fd();
    put_fd(0, 1, kFdReadTag, fd);
    put_fd(1, 2, kFdWriteTag, fd);
    put_fd(2, 3, kFdReadTag, pipe);
    ASSERT_NO_FATAL_FAILURE(poll_at_once(3, 2));
    const Event read = event(0), write = event(1);
    EXPECT_EQ(read.userdata, 1u);
    EXPECT_EQ(read.type, kFdReadTag);
    EXPECT_EQ(read.error, 0);
    EXPECT_EQ(read.nbytes, 7u);
    EXPECT_EQ(write.userdata, 2u);
    EXPECT_EQ(write.type, kFdWriteTag);
    EXPECT_EQ(write.error, 0);
}

TEST_F(WasiPoll, BadDescriptorIsAnEventWithEbadf) {
    const uint32_t pipe = idle_fd();
    put_fd(0, 0xBAD, kFdReadTag, 99);
    put_fd(1, 2, kFdReadTag, pipe);
    ASSERT_NO_FATAL_FAILURE(poll_at_once(2, 1));
    EXPECT_EQ(event(0).userdata, 0xBADu);
    EXPECT_EQ(event(0).error, uint16_t(Errno::Badf));
    EXPECT_EQ(event(0).type, kFdReadTag);
}

TEST_F(WasiPoll, DescriptorWithoutThePollRightIsAnEventWithEnotcapable) {
    write_file(root + "/f.txt", "");
    const uint32_t fd = open_ok("f.txt", 0, rights::kFdRead);
    const uint32_t pipe = idle_fd();
    put_fd(0, 4, kFdReadTag, fd);
    put_fd(1, 5, kFdReadTag, pipe);
    ASSERT_NO_FATAL_FAILURE(poll_at_once(2, 1));
    EXPECT_EQ(event(0).userdata, 4u);
    EXPECT_EQ(event(0).error, uint16_t(Errno::Notcapable));
}

TEST_F(WasiPoll, UnknownClockIsAnEventWithEinval) {
    const uint32_t pipe = idle_fd();
    put_clock(0, 6, 4, 0);
    put_fd(1, 7, kFdReadTag, pipe);
    ASSERT_NO_FATAL_FAILURE(poll_at_once(2, 1));
    EXPECT_EQ(event(0).userdata, 6u);
    EXPECT_EQ(event(0).error, uint16_t(Errno::Inval));
}

// The same without a descriptor that could end a wait.
TEST_F(WasiPoll, SettledSubscriptionAloneReturnsAtOnce) {
    put_fd(0, 1, kFdReadTag, 99);
    ASSERT_EQ(poll(1), Errno::Success);
    ASSERT_EQ(nevents(), 1u);
    EXPECT_EQ(event(0).error, uint16_t(Errno::Badf));
}

TEST_F(WasiPoll, UnknownTagIsEinval) {
    put_fd(0, 1, 3, 0);
    EXPECT_EQ(poll(1), Errno::Inval);
    put_clock(0, 1, kMonotonic, 0);
    put_fd(1, 1, 0xFF, 0);
    EXPECT_EQ(poll(2), Errno::Inval);
}

TEST_F(WasiPoll, BadPointersAreEfaultAndWriteNothing) {
    fill(0xAA);
    put_clock(0, 1, kMonotonic, 0);
    EXPECT_EQ(wasi("poll_oneoff", {i32(kPage - 40), i32(kEvents), i32(1), i32(kOut)}), Errno::Fault)
        << "subscriptions";
    EXPECT_EQ(wasi("poll_oneoff", {i32(kSubscriptions), i32(kPage - 31), i32(1), i32(kOut)}),
              Errno::Fault)
        << "events";
    EXPECT_EQ(wasi("poll_oneoff", {i32(kSubscriptions), i32(kEvents), i32(2000), i32(kOut)}),
              Errno::Fault)
        << "2000 subscriptions run past the end";
    EXPECT_EQ(wasi("poll_oneoff", {i32(kSubscriptions), i32(kEvents), i32(1), i32(0xFFFFFFFE)}),
              Errno::Fault)
        << "nevents";
    EXPECT_TRUE(untouched(kEvents, kPage, 0xAA));
    EXPECT_TRUE(untouched(kOut, kOut + 4, 0xAA));
}

// wasi_unstable's clock subscription has a u64 identifier first: 56 bytes in all.
TEST_F(WasiPoll, UnstableSubscriptionsAreFiftySixBytes) {
    use(instantiate("wasi_unstable_all.wasm"));
    auto put_unstable_clock = [&](uint32_t index, uint64_t userdata, uint64_t timeout) {
        const uint32_t s = kSubscriptions + index * kUnstableSubscriptionSize;
        std::memset(at(s), 0, kUnstableSubscriptionSize);
        put_u64(s, userdata);
        *at(s + 8) = kClockTag;
        put_u64(s + 16, 0xFFFFFFFFFFFFFFFF); // the identifier, which means nothing here
        put_u32(s + 24, kMonotonic);
        put_u64(s + 32, timeout);
    };
    fill(0xAA);
    put_unstable_clock(0, 1, ns(milliseconds(10'000)));
    put_unstable_clock(1, 2, ns(milliseconds(20)));
    const auto start = Clock::now();
    ASSERT_EQ(poll(2), Errno::Success);
    EXPECT_GE(Clock::now() - start, milliseconds(20));
    EXPECT_LT(Clock::now() - start, milliseconds(5'000));
    ASSERT_EQ(nevents(), 1u);
    EXPECT_EQ(u64(kEvents), 2u);
    EXPECT_EQ(*at(kEvents + 10), kClockTag);
    EXPECT_TRUE(untouched(kEvents + 32, kEvents + 64, 0xAA));

    // An absolute one, with the flags at 48: 2 s after boot is long past (read as relative,
    // it would wait those 2 s).
    put_unstable_clock(0, 3, ns(milliseconds(2'000)));
    *at(kSubscriptions + 48) = kAbstime;
    const auto again = Clock::now();
    ASSERT_EQ(poll(1), Errno::Success);
    EXPECT_LT(Clock::now() - again, milliseconds(1'000)) << "read as absolute";
    EXPECT_EQ(u64(kEvents), 3u);
}

} // namespace
