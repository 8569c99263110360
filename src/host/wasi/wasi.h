// wasi_snapshot_preview1 (and the older wasi_unstable) for processes: every function of the
// witx, over a per-process descriptor table (fd_table.h) whose files are reachable only
// beneath preopened directories (sandbox.h).
//
// A bad guest pointer is answered with EFAULT, never a trap; the module must export its
// memory as "memory" (otherwise every call that touches memory returns EFAULT). Calls that
// wait (a read from a pipe or terminal, poll_oneoff, fsync) go through the binding, so an
// embedder can park just the calling process.
#pragma once

#include "host/wasi/fd_table.h"

#include <tycho/wasm/engine.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

namespace tycho::host {

// Where a process's fd 1 and fd 2 write instead of host descriptors (test mode captures
// output this way). Called on the writing process's fiber.
class OutputSink {
  public:
    virtual ~OutputSink() = default;
    // Takes all of `bytes`: writes to a sink are never short and never fail.
    virtual void write(std::span<const uint8_t> bytes) = 0;
};

// One process's WASI state.
struct WasiContext {
    // argv, in order (the CLI puts the program name first), and the "KEY=VALUE" strings of
    // environ, in order. Views: whoever sets them keeps the strings alive and unchanged for
    // as long as the context is used (a process points them into its config snapshot).
    std::span<const std::string> args;
    std::span<const std::string> env;
    // The descriptors: 0-2 are stdio (see add_stdio), then the preopens.
    wasi::FdTable fds;
    // Set when fd_prestat_get found no preopened directory at all (wasi-libc looks for them
    // at start-up), and once the note about --dir has been written (see wasi_io.cpp).
    bool found_no_preopens = false;
    bool noted_missing_dir = false;
};

// Puts stdin, stdout and stderr at 0, 1 and 2: host descriptors (-1 for stdin: always at end
// of file), or, when `sink` is set, fds 1 and 2 both write there.
void add_stdio(WasiContext& context, int stdin_fd, int stdout_fd, int stderr_fd,
               OutputSink* sink = nullptr);
// Adds a preopened directory at the next free number, visible to the guest as `name`, with
// every directory right. `root` identifies the preopen (see Descriptor::root); 0 picks a
// fresh one.
void add_preopen(WasiContext& context, std::shared_ptr<wasi::HostFd> directory, std::string name,
                 uint64_t root = 0);

// Adds a socket at the next free number: a listener (sock_accept) or a connection.
void add_socket(WasiContext& context, std::shared_ptr<wasi::HostFd> socket);

// One host descriptor a waiting call is interested in.
struct IoInterest {
    int fd = -1;
    short events = 0; // POLLIN and/or POLLOUT
};

enum class WaitResult { ready, timed_out, dying };

// How the WASI functions reach the process that calls them.
struct WasiBinding {
    using Clock = std::chrono::steady_clock;
    // The calling process's WASI state.
    WasiContext& (*context_of)(wasm::Caller&) = nullptr;
    // sched_yield: let other processes run.
    void (*yield)(wasm::Caller&) = nullptr;
    // proc_exit(code): end the calling process with `code` (must make the call unwind, e.g.
    // through Caller::stop).
    void (*exit)(wasm::Caller&, uint32_t code) = nullptr;
    // Waits until one of `interests` is ready (each revents[i] gets its poll(2) bits) or
    // `deadline` passes. On `dying` the binding has stopped the call (Caller::stop) and the
    // function returns at once. Without it, the calling thread waits in poll(2).
    WaitResult (*wait)(wasm::Caller&, std::span<const IoInterest> interests,
                       std::optional<Clock::time_point> deadline,
                       std::span<short> revents) = nullptr;
    // Runs `job` (fsync and the like) where it may take long without holding up others;
    // false when the process must die first (the binding has stopped the call; the job may
    // still run on its own, so it must own what it touches). Without it, the job runs here.
    bool (*run_blocking)(wasm::Caller&, std::function<void()> job) = nullptr;
    // The calling process's CPU time in nanoseconds, for the process and thread CPU-time
    // clocks. Without it, those are the host's clocks of the runtime and the calling thread.
    uint64_t (*cpu_time)(wasm::Caller&) = nullptr;
};

// Defines every function of wasi_snapshot_preview1 and of wasi_unstable in `linker`.
// `binding.context_of` is required; without `exit`, proc_exit traps, and without `yield`,
// sched_yield does nothing.
void add_wasi(wasm::Linker& linker, const WasiBinding& binding);

} // namespace tycho::host
