// wasi_snapshot_preview1 bound to processes (lunatic-abi.md §23): each process's WASI
// state is a per-process state of this module, made from its config and preopens at the
// first WASI call; waiting calls park only the calling process; sched_yield yields its
// worker, proc_exit ends only that process. The folder also holds lunatic::wasi
// (lunatic_wasi.cpp), which edits the WASI lists of configs.
#include "host/wasi/preopens.h"
#include "host/wasi/wasi.h"
#include "host/wasm_process.h"

#include "runtime/io_readiness.h"

#include <poll.h>
#include <vector>

namespace tycho::host {

namespace {

class WasiState final : public ProcessState {
  public:
    explicit WasiState(WasmProcess& process) {
        // The config snapshot never changes and outlives this state.
        context.args = process.config().args;
        context.env = process.config().env;
        add_stdio(context, process.stdin_fd(), 1, 2, process.output_sink());
        for (const OpenedPreopen& p : process.preopens()->dirs)
            add_preopen(context, p.directory, p.guest_name, p.root);
        for (const auto& socket : process.preopens()->sockets)
            add_socket(context, socket);
    }
    WasiContext context;
};

// Stops the call of a process that must die while it waited.
WaitResult dying(wasm::Caller& caller, WasmProcess& self) {
    caller.stop(self.dying_cause());
    return WaitResult::dying;
}

// Parks the process in the runtime's reactor until a descriptor is ready or the deadline
// passes; WASI speaks poll(2) bits, the runtime its own.
WaitResult wait_for(wasm::Caller& caller, std::span<const IoInterest> interests,
                    std::optional<WasiBinding::Clock::time_point> deadline,
                    std::span<short> revents) {
    WasmProcess& self = WasmProcess::of(caller);
    std::vector<runtime::IoInterest> asked;
    asked.reserve(interests.size());
    for (const IoInterest& i : interests)
        asked.push_back({i.fd, runtime::io_events_of(uint32_t(uint16_t(i.events)))});
    std::vector<runtime::IoEvents> ready(asked.size(), 0);
    switch (self.wait_ready(asked, deadline, ready)) {
    case runtime::Process::WaitOutcome::dying: return dying(caller, self);
    case runtime::Process::WaitOutcome::timed_out: return WaitResult::timed_out;
    case runtime::Process::WaitOutcome::ready: break;
    }
    for (size_t i = 0; i < revents.size() && i < ready.size(); ++i) {
        const runtime::IoEvents events = ready[i];
        revents[i] = short(runtime::poll_bits_of(events) |
                           ((events & runtime::IoEvent::hang_up) != 0 ? POLLHUP : 0) |
                           ((events & runtime::IoEvent::error) != 0 ? POLLERR : 0));
    }
    return WaitResult::ready;
}

} // namespace

void add_lunatic_wasi(wasm::Linker& linker); // lunatic_wasi.cpp

void define_wasi_module(wasm::Linker& linker) {
    WasiBinding binding;
    binding.context_of = [](wasm::Caller& caller) -> WasiContext& {
        return WasmProcess::of(caller).state<WasiState>().context;
    };
    binding.yield = [](wasm::Caller& caller) {
        WasmProcess& self = WasmProcess::of(caller);
        if (!self.yield_to_others()) caller.stop(self.dying_cause());
    };
    binding.exit = [](wasm::Caller& caller, uint32_t code) {
        WasmProcess::of(caller).exit(caller, code);
    };
    binding.wait = wait_for;
    binding.run_blocking = [](wasm::Caller& caller, std::function<void()> job) {
        WasmProcess& self = WasmProcess::of(caller);
        if (self.run_blocking(std::move(job))) return true;
        caller.stop(self.dying_cause());
        return false;
    };
    binding.cpu_time = [](wasm::Caller& caller) {
        return uint64_t(WasmProcess::of(caller).cpu_time().count());
    };
    add_wasi(linker, binding);
    add_lunatic_wasi(linker);
}

} // namespace tycho::host
