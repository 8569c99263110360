// A process running a Wasm instance: the runtime's Process plus what every host function
// needs (lunatic-abi.md §4): the instance and its execution context, the module and the
// config it was spawned with, and the per-process state of each host module (see
// host_module.h), made when the module is first used. Host functions find it through their
// Caller.
#pragma once

#include "host/host.h"
#include "host/host_module.h"
#include "host/output_capture.h"
#include "host/process_memory.h"
#include "runtime/process.h"

#include <tycho/wasm/engine.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tycho::host {

class WasmProcess final : public runtime::Process {
  public:
    // Host::spawn has drawn the process's share from the runtime's memory budget
    // (ProcessMemory::kProcessShare), and chosen the environment (request.environment); the
    // process gives the share back when it ends.
    WasmProcess(Host& host, runtime::ProcessId id, Host::SpawnRequest request);

    // A process's fiber stack holds, from the top: kValueLift unused bytes, the Wasm value
    // stack (HostOptions::value_stack_bytes, growing up), then the native stack growing
    // down. The stack must be that much bigger than the native part.
    static constexpr size_t kValueLift = 1024;
    ~WasmProcess() override;

    // The process whose code made this host call.
    static WasmProcess& of(wasm::Caller& caller) {
        return *static_cast<WasmProcess*>(caller.context().embedder_data);
    }

    bool fiber_stack_ok() { return fiber().stack().valid(); }

    Host& host() const { return host_; }
    const std::shared_ptr<const wasm::Module>& module() const { return module_; }
    const ProcessConfig& config() const { return *config_; }
    // The name failure reports show for the module ("" when it has none).
    const std::string& module_name() const { return module_name_; }
    // The same config, for children spawned with config -1 (§11.2).
    const std::shared_ptr<const ProcessConfig>& config_snapshot() const { return config_; }
    wasm::Instance* instance() const { return instance_.get(); }
    wasm::ExecutionContext& context() { return *context_; }
    // The memory the instance exports as "memory" (the one host functions read and write),
    // or nullptr; looked up at the first call (it may come from the start function).
    wasm::Memory* exported_memory(wasm::Caller& caller) {
        if (!memory_looked_up_ && caller.instance() != nullptr) {
            memory_ = caller.instance()->exported_memory("memory");
            memory_looked_up_ = true;
        }
        return memory_;
    }
    // False until the module's start function has returned (spawning is refused while it
    // runs, §2.4).
    bool initialised() const { return initialised_; }

    // Ends the process from a host function (WASI proc_exit): unwinds the guest.
    void exit(wasm::Caller& caller, uint32_t code);
    bool exit_requested() const { return exit_code_.has_value(); }
    // Lets other processes run, then handles this one's signals; false when it must die
    // (the caller unwinds with dying_cause()).
    bool yield_to_others();

    // The state host module `State` keeps for this process, made at first use.
    template <class State> State& state() {
        const size_t slot = detail::state_slot<State>();
        if (slot >= states_.size()) states_.resize(slot + 1);
        std::unique_ptr<ProcessState>& held = states_[slot];
        if (!held) held = std::make_unique<State>(*this);
        return static_cast<State&>(*held);
    }
    // The same, or nullptr when the module has not made it yet.
    template <class State> State* find_state() {
        const size_t slot = detail::state_slot<State>();
        return slot < states_.size() ? static_cast<State*>(states_[slot].get()) : nullptr;
    }

    // The memory Tycho counts for this process, against its limits (process_memory.h).
    ProcessMemory& memory_account() { return account_; }

    // The preopened directories (never null).
    const std::shared_ptr<const PreopenSet>& preopens() const { return preopens_; }
    // The host fd behind WASI fd 0 (-1: end of file at once), as the spawn asked.
    int stdin_fd() const { return stdin_fd_; }
    // Where the process's output is captured, or nullptr when it goes to the runtime's
    // stdout and stderr.
    OutputSink* output_sink() { return capture_ ? &*capture_ : nullptr; }
    std::shared_ptr<CaptureGroup> capture_group() const {
        return capture_ ? capture_->group() : nullptr;
    }

  protected:
    runtime::DeathReason run() override;

  private:
    runtime::DeathReason run_entry();
    // Checks that the module exports `name` as a function that takes the spawn parameters
    // (§2.5); sets entry_index_ or start_failure_.
    void find_entry(std::string_view name);
    // Instantiates the module and runs its start function, on this process's fiber.
    std::optional<runtime::DeathReason> start_instance();
    // How the process ends after its code stopped with `trap` (a trap, proc_exit, a kill).
    runtime::DeathReason ended_by(wasm::Trap trap);
    wasm::HookAction on_slice_end();
    // Adds the reductions run since the last call to the runtime's statistics.
    void count_reductions();
    runtime::DeathReason fail(std::string reason, wasm::TrapCode code,
                              std::vector<wasm::BacktraceFrame> backtrace = {});

    Host& host_;
    std::shared_ptr<const wasm::Module> module_;
    std::shared_ptr<const ProcessConfig> config_; // never null
    std::optional<uint32_t> entry_index_;         // nullopt: start_failure_ says why
    std::string start_failure_;
    EntryParams params_;
    std::string module_name_;
    std::unique_ptr<wasm::ExecutionContext> context_;
    ProcessMemory account_; // the instance's limiter: declared before it, so it outlives it
    std::shared_ptr<wasm::Instance> instance_;
    uint64_t fuel_limit_ = 0; // in reductions; 0 = unlimited
    uint64_t reductions_counted_ = 0;
    std::optional<uint32_t> exit_code_;
    bool initialised_ = false;
    wasm::Memory* memory_ = nullptr;
    bool memory_looked_up_ = false;
    int stdin_fd_ = -1;
    std::shared_ptr<const PreopenSet> preopens_;
    std::optional<CaptureSink> capture_;
    std::function<void(int)> on_end_;
    // Indexed by detail::state_slot<State>(); declared last, so the states go first, while
    // the instance and the rest of the process still exist.
    std::vector<std::unique_ptr<ProcessState>> states_;
};

} // namespace tycho::host
