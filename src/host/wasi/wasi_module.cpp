// wasi_snapshot_preview1 bound to processes (lunatic-abi.md §23): each process's WASI
// state is a per-process state of this module, made from its config at the first WASI
// call; sched_yield yields its worker, proc_exit ends only that process. The folder also
// holds lunatic::wasi (lunatic_wasi.cpp), which edits the WASI lists of configs.
#include "host/wasi/wasi.h"
#include "host/wasm_process.h"

namespace tycho::host {

namespace {

class WasiState final : public ProcessState {
  public:
    explicit WasiState(WasmProcess& process) {
        // The config snapshot never changes and outlives this state.
        context.args = process.config().args;
        context.env = process.config().env;
        context.stdin_fd = process.stdin_fd();
        context.output = process.output_sink();
    }
    WasiContext context;
};

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
    add_wasi(linker, binding);
    add_lunatic_wasi(linker);
}

} // namespace tycho::host
