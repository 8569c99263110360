// wasi_snapshot_preview1 for processes: the subset that wasi-libc's start-up and stdio need
// (args, environ, clocks, random, fd_write to stdout/stderr, fd_read from stdin,
// fd_fdstat_get, fd_close, fd_seek, fd_prestat_*, proc_exit, sched_yield); every other
// preview-1 function exists with its exact type and returns ENOSYS, so any module built
// against wasi-libc links.
//
// The only file descriptors are 0, 1 and 2, and there are no preopened directories. A bad
// guest pointer is answered with EFAULT, never a trap; the module must export its memory as
// "memory" (otherwise every call that touches memory returns EFAULT).
#pragma once

#include <tycho/wasm/engine.h>

#include <array>
#include <cstdint>
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
    // Where fd 1 and fd 2 go (host file descriptors); tests may redirect them.
    int stdout_fd = 1;
    int stderr_fd = 2;
    // When set, fd 1 and fd 2 both write here instead; not owned.
    OutputSink* output = nullptr;
    // Where fd 0 reads from; -1 means an empty stdin (every read is end-of-file). A read
    // blocks the worker thread that runs the process, so set it to 0 only for a process that
    // may own the host's stdin (the CLI's main process), or to a pipe or file.
    int stdin_fd = -1;
    // fd_close of 0, 1 or 2 only hides the descriptor from this process (the host's own
    // descriptors are shared); later calls on it return EBADF.
    std::array<bool, 3> stdio_closed{};
};

// How the WASI functions reach the process that calls them.
struct WasiBinding {
    // The calling process's WASI state.
    WasiContext& (*context_of)(wasm::Caller&) = nullptr;
    // sched_yield: let other processes run.
    void (*yield)(wasm::Caller&) = nullptr;
    // proc_exit(code): end the calling process with `code` (must make the call unwind, e.g.
    // through Caller::stop).
    void (*exit)(wasm::Caller&, uint32_t code) = nullptr;
};

// Defines every wasi_snapshot_preview1 function in `linker`. `binding.context_of` is
// required; without `exit`, proc_exit traps, and without `yield`, sched_yield does nothing.
void add_wasi(wasm::Linker& linker, const WasiBinding& binding);

} // namespace tycho::host
