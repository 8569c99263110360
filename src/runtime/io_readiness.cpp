#include "runtime/io_readiness.h"

#include <poll.h>

#include <array>
#include <cerrno>
#include <ctime>
#include <vector>

namespace tycho::runtime {

uint32_t poll_bits_of(IoEvents events) {
    uint32_t asked = 0;
    if (events & IoEvent::readable) asked |= POLLIN;
    if (events & IoEvent::writable) asked |= POLLOUT;
    return asked;
}

IoEvents io_events_of(uint32_t poll_bits) {
    IoEvents ready = 0;
    if (poll_bits & POLLIN) ready |= IoEvent::readable;
    if (poll_bits & POLLOUT) ready |= IoEvent::writable;
    if (poll_bits & POLLHUP) ready |= IoEvent::hang_up;
    if (poll_bits & (POLLERR | POLLNVAL)) ready |= IoEvent::error;
    return ready;
}

namespace {

using Clock = std::chrono::steady_clock;

// What is left until `deadline` for ppoll: nullptr for no deadline, zero once it passed.
const timespec* remaining(std::optional<Clock::time_point> deadline, timespec& storage) {
    if (!deadline) return nullptr;
    const Clock::time_point now = Clock::now();
    const auto nanos =
        *deadline > now
            ? std::chrono::duration_cast<std::chrono::nanoseconds>(*deadline - now).count()
            : 0;
    storage.tv_sec = time_t(nanos / 1'000'000'000);
    storage.tv_nsec = long(nanos % 1'000'000'000);
    return &storage;
}

size_t poll_into(std::span<pollfd> fds, std::span<const IoInterest> interests,
                 std::span<IoEvents> out, std::optional<Clock::time_point> deadline) {
    for (size_t i = 0; i < interests.size(); ++i)
        fds[i] = pollfd{interests[i].fd, short(poll_bits_of(interests[i].events)), 0};
    int ready;
    do {
        timespec storage{};
        ready = ppoll(fds.data(), fds.size(), remaining(deadline, storage), nullptr);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) { // EINVAL (too many fds) or ENOMEM: say so instead of waiting
        for (IoEvents& events : out)
            events = IoEvent::error;
        return out.size();
    }
    for (size_t i = 0; i < interests.size(); ++i)
        out[i] = io_events_of(uint16_t(fds[i].revents));
    return size_t(ready);
}

} // namespace

size_t poll_ready(std::span<const IoInterest> interests, std::span<IoEvents> out,
                  std::optional<Clock::time_point> deadline) {
    // A few interests are the rule (one socket, stdin): their pollfds stay on the stack.
    constexpr size_t kOnStack = 16;
    if (interests.size() <= kOnStack) {
        std::array<pollfd, kOnStack> fds{};
        return poll_into(std::span(fds).first(interests.size()), interests, out, deadline);
    }
    std::vector<pollfd> fds(interests.size());
    return poll_into(fds, interests, out, deadline);
}

} // namespace tycho::runtime
