// clock_res_get and clock_time_get.
//
// Realtime and monotonic are the host's clocks. The CPU-time clocks measure the calling
// process: a Tycho process is one thread of execution, so both count the time it has spent
// running on workers (through the binding's cpu_time), from its first reading on. Without
// that binding they fall back to the host's clocks of the runtime and the calling thread.
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

bool is_cpu_time(uint32_t id) {
    return ClockId(id) == ClockId::ProcessCputime || ClockId(id) == ClockId::ThreadCputime;
}

uint64_t nanoseconds(const timespec& t) {
    return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
}

// Checks the output first so that a bad pointer is EFAULT whatever the clock says.
template <class Read> Errno read_clock(Call& call, uint32_t id, uint32_t out, Read read) {
    auto clock = host_clock(id);
    if (!clock) return Errno::Inval;
    if (!call.memory.bytes(out, 8)) return Errno::Fault;
    timespec t{};
    if (read(*clock, &t) != 0) return errno_from_host(errno);
    call.memory.store<uint64_t>(out, nanoseconds(t));
    return Errno::Success;
}

} // namespace

Errno clock_res_get(Call& call, uint32_t id, uint32_t resolution_out) {
    if (is_cpu_time(id) && call.binding.cpu_time != nullptr) {
        if (!call.memory.bytes(resolution_out, 8)) return Errno::Fault;
        timespec t{};
        ::clock_getres(CLOCK_MONOTONIC, &t); // what the process's running time is read with
        call.memory.store<uint64_t>(resolution_out, nanoseconds(t));
        return Errno::Success;
    }
    return read_clock(call, id, resolution_out, ::clock_getres);
}

// `precision` is a hint the host clocks have no use for.
Errno clock_time_get(Call& call, uint32_t id, uint64_t /*precision*/, uint32_t time_out) {
    if (is_cpu_time(id) && call.binding.cpu_time != nullptr) {
        if (!call.memory.bytes(time_out, 8)) return Errno::Fault;
        call.memory.store<uint64_t>(time_out, call.binding.cpu_time(call.caller));
        return Errno::Success;
    }
    return read_clock(call, id, time_out, ::clock_gettime);
}

} // namespace tycho::host::wasi
