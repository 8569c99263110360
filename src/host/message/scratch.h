// A process's message scratch slot (lunatic-abi.md §10.2): the message being written
// before a send, or the one last received. Other host modules put host objects into it
// (push_*) and take them out (take_*).
#pragma once

#include "host/host_module.h"
#include "runtime/environment.h"
#include "runtime/message.h"

#include <optional>

namespace tycho::host {

class WasmProcess;

class Scratch final : public ProcessState {
  public:
    explicit Scratch(WasmProcess& process) : process_(process) {}

    std::optional<runtime::Message> message;

    // The message in the slot, or nullptr after trapping the call (no message, or with
    // `data_only` one that is not a data message). `function` names the caller.
    runtime::Message* any_or_trap(wasm::Caller& caller, const char* function);
    runtime::Message* data_or_trap(wasm::Caller& caller, const char* function);
    // Sends what the slot holds and empties it (callers check first that it holds one).
    void send_to(runtime::ProcessId to);
    // Empties the slot and returns what it held (callers check first that it holds one).
    runtime::Message take();

  private:
    WasmProcess& process_;
};

} // namespace tycho::host

namespace tycho::host {

// take_<kind>(index) of lunatic::message (§17): empties slot `index` of the data message in
// the scratch slot and returns its object, or nullptr after trapping the call (no data
// message, index out of range, slot already taken, another kind).
std::shared_ptr<void> take_resource_or_trap(wasm::Caller& caller, const char* function,
                                            int64_t index, const runtime::ResourceKind& kind);

} // namespace tycho::host
