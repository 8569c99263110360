// The seam between the generic host and its namespaces. A host module is one folder under
// src/host/ (process/, message/, timer/, wasi/, ...). It
//   - defines its functions: the folder has a function
//       void define_<folder>_module(wasm::Linker&)
//     in namespace tycho::host, which the build finds and Host calls at construction
//     (host_modules.cpp is generated from the list of folders; adding a folder is all it
//     takes);
//   - owns its per-process state: a class derived from ProcessState, reached with
//     WasmProcess::state<T>() (made at first use) or find_state<T>() (no creation) and
//     destroyed with the process, so a process that never calls the module pays nothing;
//   - owns the kinds of host object it lets travel in messages (runtime::ResourceKind
//     objects of its own, opaque to the runtime).
#pragma once

#include <tycho/wasm/engine.h>

#include <atomic>
#include <cstddef>

namespace tycho::host {

// Per-process state of a host module, constructed from the WasmProcess on the process's
// fiber at first use. The destructor runs when the process ends (off its fiber, before its
// instance and config go), so it must release what the module holds for the process
// (descriptors, sockets, timers).
class ProcessState {
  public:
    ProcessState() = default;
    virtual ~ProcessState() = default;
    ProcessState(const ProcessState&) = delete;
    ProcessState& operator=(const ProcessState&) = delete;
};

namespace detail {
size_t next_state_slot();
// One small index per state type, handed out at first use.
template <class State> size_t state_slot() {
    static const size_t slot = next_state_slot();
    return slot;
}
} // namespace detail

// Calls every host module's define function (generated: host_modules.cpp).
void define_host_modules(wasm::Linker& linker);

} // namespace tycho::host
