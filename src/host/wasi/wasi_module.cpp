// wasi_snapshot_preview1 bound to processes (lunatic-abi.md §23): each process's WASI
// state is a per-process state of this module, made from its config and preopens at the
// first WASI call; waiting calls park only the calling process; sched_yield yields its
// worker, proc_exit ends only that process. The folder also holds lunatic::wasi
// (lunatic_wasi.cpp), which edits the WASI lists of configs.
#include "host/wasi/preopens.h"
#include "host/wasi/wasi.h"
#include "host/wasm_process.h"

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

WaitResult wait_for(wasm::Caller& caller, std::span<const IoInterest> interests,
                    std::optional<WasiBinding::Clock::time_point> deadline,
                    std::span<short> revents) {
    WasmProcess& self = WasmProcess::of(caller);
    if (interests.empty()) {
        if (!deadline) deadline = WasiBinding::Clock::time_point::max();
        return self.sleep_until(*deadline) ? WaitResult::timed_out : dying(caller, self);
    }
    // poll(2) on a thread of the blocking pool while the process is parked; the job owns its
    // copy of the descriptors' numbers and its result.
    struct Outcome {
        std::vector<pollfd> fds;
        int ready = 0;
    };
    auto outcome = std::make_shared<Outcome>();
    for (const IoInterest& i : interests)
        outcome->fds.push_back({i.fd, i.events, 0});
    const bool finished = self.run_blocking([outcome, deadline] {
        for (;;) {
            int timeout = -1;
            if (deadline) {
                const auto left = *deadline - WasiBinding::Clock::now();
                timeout = left <= WasiBinding::Clock::duration::zero()
                              ? 0
                              : int(std::min<int64_t>(
                                    std::chrono::ceil<std::chrono::milliseconds>(left).count(),
                                    INT32_MAX));
            }
            outcome->ready = ::poll(outcome->fds.data(), outcome->fds.size(), timeout);
            if (outcome->ready >= 0 || errno != EINTR) return;
        }
    });
    if (!finished) return dying(caller, self);
    for (size_t i = 0; i < revents.size() && i < outcome->fds.size(); ++i)
        revents[i] = outcome->fds[i].revents;
    return outcome->ready > 0 ? WaitResult::ready : WaitResult::timed_out;
}

} // namespace

bool looked_for_preopens_in_vain(WasmProcess& process) {
    const WasiState* state = process.find_state<WasiState>();
    return state != nullptr && state->context.found_no_preopens;
}

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
