// clock_res_get and clock_time_get over clock_getres(2)/clock_gettime(2).
//
// The CPU-time clocks are the host's: process_cputime_id counts the whole runtime (every
// process), and thread_cputime_id counts the worker thread running the caller, which other
// processes share.
#include "host/wasi/wasi_functions.h"

#include <cerrno>
#include <ctime>
#include <optional>

namespace tycho::host::wasi {

namespace {

std::optional<clockid_t> host_clock(uint32_t id) {
    switch (ClockId(id)) {
    case ClockId::Realtime: return CLOCK_REALTIME;
    case ClockId::Monotonic: return CLOCK_MONOTONIC;
    case ClockId::ProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
    case ClockId::ThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
    }
    return std::nullopt;
}

uint64_t nanoseconds(const timespec& t) {
    return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
}

// Checks the output first so that a bad pointer is EFAULT whatever the clock says.
template <class Read> Errno read_clock(GuestMemory& memory, uint32_t id, uint32_t out, Read read) {
    auto clock = host_clock(id);
    if (!clock) return Errno::Inval;
    if (!memory.bytes(out, 8)) return Errno::Fault;
    timespec t{};
    if (read(*clock, &t) != 0) return errno_from_host(errno);
    memory.store<uint64_t>(out, nanoseconds(t));
    return Errno::Success;
}

} // namespace

Errno clock_res_get(GuestMemory& memory, uint32_t id, uint32_t resolution_out) {
    return read_clock(memory, id, resolution_out, ::clock_getres);
}

// `precision` is a hint the host clocks have no use for.
Errno clock_time_get(GuestMemory& memory, uint32_t id, uint64_t precision, uint32_t time_out) {
    return read_clock(memory, id, time_out, ::clock_gettime);
}

} // namespace tycho::host::wasi
