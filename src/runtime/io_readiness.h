// What a host file descriptor can be waited for, and a direct look at its readiness with
// poll(2). The Reactor (reactor.h) waits for the same interests without holding a thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tycho::runtime {

// A set of IoEvent bits.
using IoEvents = uint8_t;

struct IoEvent {
    static constexpr IoEvents readable = 1; // a read would not block (data or end of file)
    static constexpr IoEvents writable = 2; // a write would not block
    // Reported whether asked for or not: the peer closed its end (a read then returns end
    // of file), or the fd has an error pending, or is not an open fd at all.
    static constexpr IoEvents hang_up = 4;
    static constexpr IoEvents error = 8;
};

// One fd and what to wait for on it: readable, writable or both.
struct IoInterest {
    int fd = -1;
    IoEvents events = 0;
};

// The poll(2) event bits asking for `events`, and the events that poll(2) bits report
// (POLLNVAL, not an open fd, is an error). epoll(7) uses the same bit values.
uint32_t poll_bits_of(IoEvents events);
IoEvents io_events_of(uint32_t poll_bits);

// What `interests[i]` is ready for, into out[i] (0: nothing yet): its asked events that are
// ready, plus hang_up and error. Waits until at least one is ready or `deadline` passes
// (nullopt: no deadline; a past one looks once); returns how many are ready. With no
// interests it simply sleeps until the deadline. If poll(2) itself fails (more interests
// than open files allowed), every interest is reported as error rather than waiting.
// `out` must have interests.size() entries. Blocks the calling thread: for code that runs
// off the scheduler's workers, or with a deadline already passed.
size_t poll_ready(std::span<const IoInterest> interests, std::span<IoEvents> out,
                  std::optional<std::chrono::steady_clock::time_point> deadline);

} // namespace tycho::runtime
