// poll_oneoff: waits for clocks and descriptor readiness together, parking only the calling
// process (through the binding) until the first of them is due.
#include "host/wasi/wasi_functions.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace tycho::host::wasi {

namespace {

using Clock = WasiBinding::Clock;

// Subscriptions one call may make at most: the host holds a record for each.
constexpr uint32_t kMaxSubscriptions = 65536;

struct Event {
    uint64_t userdata = 0;
    Errno error = Errno::Success;
    EventType type = EventType::Clock;
    uint64_t nbytes = 0;
    uint16_t flags = 0;
};

struct Subscription {
    uint64_t userdata = 0;
    EventType type = EventType::Clock;
    // A clock: when it is due. An fd: its index among the interests, or the event it already
    // has (a bad descriptor, a file that is always ready).
    std::optional<Clock::time_point> deadline;
    std::optional<size_t> interest;
    std::optional<Event> settled;
};

template <class T> T load_at(std::span<const uint8_t> bytes, size_t offset) {
    T v;
    std::memcpy(&v, bytes.data() + offset, sizeof v);
    return v;
}

Clock::time_point saturating_add(Clock::time_point from, uint64_t ns) {
    const auto room = uint64_t((Clock::time_point::max() - from).count());
    return ns >= room ? Clock::time_point::max() : from + std::chrono::nanoseconds(ns);
}

// When a clock subscription is due, on the steady clock; nullopt for a clock poll_oneoff does
// not wait on (the CPU-time clocks).
std::optional<Clock::time_point> clock_deadline(uint32_t id, uint64_t timeout, bool absolute) {
    const Clock::time_point now = Clock::now();
    if (ClockId(id) != ClockId::Monotonic && ClockId(id) != ClockId::Realtime) return std::nullopt;
    if (!absolute) return saturating_add(now, timeout);
    timespec t{};
    if (ClockId(id) == ClockId::Monotonic) {
        ::clock_gettime(CLOCK_MONOTONIC, &t);
    } else if (ClockId(id) == ClockId::Realtime) {
        ::clock_gettime(CLOCK_REALTIME, &t);
    } else {
        return std::nullopt;
    }
    const uint64_t current = uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
    return timeout <= current ? now : saturating_add(now, timeout - current);
}

// The event of an fd subscription whose descriptor never waits: a file or directory (always
// ready; for reading, the bytes left after the offset), an empty input, a sink.
std::optional<Event> settled_fd_event(const Descriptor& d, EventType type) {
    Event e;
    e.type = type;
    if (!d.host) {
        if (type == EventType::FdRead && d.sink == nullptr) e.flags = kEventFdHangup;
        return e;
    }
    if (d.host->pollable()) return std::nullopt;
    if (type == EventType::FdRead) {
        struct stat st{};
        const off_t position = ::lseek(d.host_fd(), 0, SEEK_CUR);
        if (::fstat(d.host_fd(), &st) == 0 && position >= 0 && st.st_size > position)
            e.nbytes = uint64_t(st.st_size - position);
    }
    return e;
}

Event fd_event(const Descriptor* d, EventType type, short revents) {
    Event e;
    e.type = type;
    if ((revents & POLLNVAL) != 0) {
        e.error = Errno::Badf;
        return e;
    }
    if ((revents & POLLHUP) != 0) e.flags = kEventFdHangup;
    if ((revents & POLLERR) != 0 && (revents & (POLLIN | POLLOUT)) == 0) e.error = Errno::Io;
    int available = 0;
    if (type == EventType::FdRead && d != nullptr &&
        ::ioctl(d->host_fd(), FIONREAD, &available) == 0 && available > 0)
        e.nbytes = uint64_t(available);
    return e;
}

void store_event(uint8_t* at, const Event& e) {
    std::memset(at, 0, kEventSize);
    std::memcpy(at, &e.userdata, 8);
    const auto error = uint16_t(e.error);
    std::memcpy(at + kEventErrorOffset, &error, 2);
    at[kEventTypeOffset] = uint8_t(e.type);
    std::memcpy(at + kEventNbytesOffset, &e.nbytes, 8);
    std::memcpy(at + kEventFlagsOffset, &e.flags, 2);
}

} // namespace

Errno poll_oneoff(Call& call, uint32_t in, uint32_t out, uint32_t nsubscriptions,
                  uint32_t nevents_out) {
    if (nsubscriptions == 0) return Errno::Inval;
    if (nsubscriptions > kMaxSubscriptions) return Errno::Nobufs;
    const SubscriptionLayout& layout =
        call.dialect == Dialect::Preview1 ? kSubscriptionPreview1 : kSubscriptionUnstable;
    auto input = call.memory.read(in, uint64_t(nsubscriptions) * layout.size);
    auto output = call.memory.bytes(out, uint64_t(nsubscriptions) * kEventSize);
    if (!input || !output || !call.memory.bytes(nevents_out, 4)) return Errno::Fault;

    std::vector<Subscription> subscriptions(nsubscriptions);
    std::vector<IoInterest> interests;
    std::vector<const Descriptor*> interest_descriptors;
    std::optional<Clock::time_point> earliest;
    for (uint32_t i = 0; i < nsubscriptions; ++i) {
        const auto record = input->subspan(size_t(i) * layout.size, layout.size);
        Subscription& s = subscriptions[i];
        s.userdata = load_at<uint64_t>(record, 0);
        const uint8_t tag = record[kSubscriptionTagOffset];
        if (tag > uint8_t(EventType::FdWrite)) return Errno::Inval;
        s.type = EventType(tag);
        if (s.type == EventType::Clock) {
            const auto id = load_at<uint32_t>(record, layout.clock_id);
            const auto timeout = load_at<uint64_t>(record, layout.timeout);
            const auto flags = load_at<uint16_t>(record, layout.flags);
            if (id > uint32_t(ClockId::ThreadCputime)) {
                Event e;
                e.error = Errno::Inval;
                s.settled = e;
                continue;
            }
            s.deadline = clock_deadline(id, timeout, (flags & kSubclockAbstime) != 0);
            if (!s.deadline) {
                Event e;
                e.error = Errno::Notsup;
                s.settled = e;
                continue;
            }
            if (!earliest || *s.deadline < *earliest) earliest = s.deadline;
            continue;
        }
        const auto fd = load_at<uint32_t>(record, kSubscriptionFdOffset);
        const Descriptor* d = call.descriptor(fd);
        if (d == nullptr) {
            Event e;
            e.type = s.type;
            e.error = Errno::Badf;
            s.settled = e;
        } else if (!d->has(rights::kPollFdReadwrite)) {
            Event e;
            e.type = s.type;
            e.error = Errno::Notcapable;
            s.settled = e;
        } else if (auto e = settled_fd_event(*d, s.type)) {
            s.settled = e;
        } else {
            s.interest = interests.size();
            interests.push_back(
                {d->host_fd(), short(s.type == EventType::FdRead ? POLLIN : POLLOUT)});
            interest_descriptors.push_back(d);
        }
    }

    const bool settled_any = std::ranges::any_of(
        subscriptions, [](const Subscription& s) { return s.settled.has_value(); });
    std::vector<short> revents(interests.size(), 0);
    // Something is ready already: look at the descriptors once without waiting.
    const std::optional<Clock::time_point> wait_until =
        settled_any ? std::optional(Clock::now()) : earliest;
    uint32_t count = 0;
    // Until at least one event: a wait may end early (a spurious wake-up), and a caller such
    // as sleep() counts on its clock having passed.
    while (count == 0) {
        std::ranges::fill(revents, short(0));
        if (call.wait(interests, wait_until, revents) == WaitResult::dying) return Errno::Intr;
        const Clock::time_point now = Clock::now();
        for (Subscription& s : subscriptions) {
            std::optional<Event> event = s.settled;
            if (!event && s.deadline && *s.deadline <= now) event = Event{};
            if (!event && s.interest && revents[*s.interest] != 0)
                event = fd_event(interest_descriptors[*s.interest], s.type, revents[*s.interest]);
            if (!event) continue;
            event->userdata = s.userdata;
            event->type = s.type;
            store_event(output->data() + size_t(count) * kEventSize, *event);
            ++count;
        }
    }
    call.memory.store<uint32_t>(nevents_out, count);
    return Errno::Success;
}

} // namespace tycho::host::wasi
