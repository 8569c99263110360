// wasi_snapshot_preview1 bound to processes: each process's WASI state lives in its
// WasmProcess, sched_yield yields its worker, proc_exit ends only that process (§23).
#include "host/namespaces.h"
#include "host/wasm_process.h"

namespace tycho::host {

void add_wasi_preview1(wasm::Linker& linker) {
    WasiBinding binding;
    binding.context_of = [](wasm::Caller& caller) -> WasiContext& {
        return WasmProcess::of(caller).wasi;
    };
    binding.yield = [](wasm::Caller& caller) {
        WasmProcess& self = WasmProcess::of(caller);
        if (!self.yield_to_others()) caller.stop(self.dying_cause());
    };
    binding.exit = [](wasm::Caller& caller, uint32_t code) {
        WasmProcess::of(caller).exit(caller, code);
    };
    add_wasi(linker, binding);
}

} // namespace tycho::host
