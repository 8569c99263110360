// What every lunatic::networking function shares: status codes, error ids, looking up ids
// (an unknown one traps, §4), the runtime's network policy, and waiting for a socket without
// holding a worker thread.
#pragma once

#include "host/guest_memory.h"
#include "host/networking/net_policy.h"
#include "host/networking/net_resources.h"
#include "runtime/io_readiness.h"

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>

namespace tycho::host {

namespace net_status {
constexpr int32_t ok = 0;
constexpr int32_t failed = 1; // an error id is written
constexpr int32_t timed_out = 9027;
} // namespace net_status

// The calling process's networking state (made at first use).
NetState& net_state(wasm::Caller& caller);
// The runtime's policy (HostOptions::net_policy).
const NetPolicy& net_policy(wasm::Caller& caller);

// An OS error as Rust's std::io::Error shows it, so texts match Lunatic's:
// "Connection refused (os error 111)".
std::string os_error_text(int error);

// Stores `text` as a new error of the caller, writes its id (u64) at `out_ptr` and returns
// net_status::failed; returns 0 after trapping when the memory account refuses the error or
// `out_ptr` is out of bounds. `function` names the host call.
int32_t report_error(wasm::Caller& caller, GuestMemory& memory, const char* function,
                     uint32_t out_ptr, std::string text);

// Adds an iterator over `addresses` and returns its id; nullopt after trapping.
std::optional<uint64_t> add_dns_iterator(wasm::Caller& caller, const char* function,
                                         std::vector<SocketAddress> addresses);

// The entry `id` of `table`, or nullptr after trapping "<function>: unknown <kind> id <id>".
template <class T>
T* find_or_trap(wasm::Caller& caller, ChargedTable<T>& table, int64_t id, const char* function,
                const char* kind) {
    T* entry = table.find(uint64_t(id));
    if (entry == nullptr)
        caller.trap(std::string(function) + ": unknown " + kind + " id " + std::to_string(id));
    return entry;
}

// The deadline of a stored timeout (§5): none for kNoTimeout.
std::optional<std::chrono::steady_clock::time_point> stored_deadline(uint64_t timeout_ms);

enum class Readiness { ready, timed_out, stopped };
// Parks the caller until `fd` is ready for `events` (or hangs up, or has an error), the
// deadline passes, or the process must die: then the call is stopped (caller.stop) and the
// host function must return at once.
Readiness wait_for_socket(wasm::Caller& caller, int fd, runtime::IoEvents events,
                          std::optional<std::chrono::steady_clock::time_point> deadline);

// The outcome of a socket operation that may have to wait.
struct IoResult {
    enum class Kind { done, failed, timed_out, stopped };
    Kind kind = Kind::done;
    size_t bytes = 0; // done: what the operation returned
    int error = 0;    // failed: the errno
};

// Runs `attempt` (a non-blocking system call returning a count, or -1 with errno) until it
// does not fail with EAGAIN, parking on `fd` for `events` in between. It always makes one
// attempt, so a deadline already passed still tries once (§5).
template <class Attempt>
IoResult perform_io(wasm::Caller& caller, int fd, runtime::IoEvents events,
                    std::optional<std::chrono::steady_clock::time_point> deadline,
                    Attempt&& attempt) {
    for (;;) {
        const auto result = attempt();
        if (result >= 0) return IoResult{IoResult::Kind::done, size_t(result), 0};
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return IoResult{IoResult::Kind::failed, 0, errno};
        switch (wait_for_socket(caller, fd, events, deadline)) {
        case Readiness::ready: continue;
        case Readiness::timed_out: return IoResult{IoResult::Kind::timed_out, 0, 0};
        case Readiness::stopped: return IoResult{IoResult::Kind::stopped, 0, 0};
        }
    }
}

} // namespace tycho::host
