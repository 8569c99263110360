// A process's message scratch slot (lunatic-abi.md §10.2): the message being written
// before a send, or the one last received. Other host modules put host objects into it
// (push_*) and take them out (take_*).
#pragma once

#include "host/host_module.h"
#include "runtime/environment.h"
#include "runtime/message.h"

#include <optional>
#include <span>

namespace tycho::host {

class WasmProcess;

// A message being written is charged to the process's memory account (process_memory.h)
// as it grows; the charge ends when the message leaves the slot (sent, replaced, handed
// to a timer). A received message is the sender's allocation and is not charged again.
class Scratch final : public ProcessState {
  public:
    explicit Scratch(WasmProcess& process) : process_(process) {}
    ~Scratch() override;

    // Read freely; replace only through start(), or through received() right after a
    // receive put a message there.
    std::optional<runtime::Message> message;

    // Puts a new data message in the slot, with `capacity` bytes reserved (charged);
    // false after trapping `caller` when the account refuses.
    bool start(wasm::Caller& caller, int64_t tag, size_t capacity);
    // Appends to the data message in the slot, charging the growth; false after trapping.
    bool append(wasm::Caller& caller, std::span<const uint8_t> bytes);
    // A receive replaced the message in the slot.
    void received() { release_charge(); }

    // The message in the slot, or nullptr after trapping the call (no message, or with
    // `data_only` one that is not a data message). `function` names the caller.
    runtime::Message* any_or_trap(wasm::Caller& caller, const char* function);
    runtime::Message* data_or_trap(wasm::Caller& caller, const char* function);
    // Sends what the slot holds and empties it (callers check first that it holds one).
    void send_to(runtime::ProcessId to);
    // Empties the slot and returns what it held (callers check first that it holds one).
    runtime::Message take();

  private:
    void release_charge();

    WasmProcess& process_;
    uint64_t charged_ = 0; // for the message in the slot
};

} // namespace tycho::host

namespace tycho::host {

// take_<kind>(index) of lunatic::message (§17): empties slot `index` of the data message in
// the scratch slot and returns its object, or nullptr after trapping the call (no data
// message, index out of range, slot already taken, another kind).
std::shared_ptr<void> take_resource_or_trap(wasm::Caller& caller, const char* function,
                                            int64_t index, const runtime::ResourceKind& kind);

} // namespace tycho::host
