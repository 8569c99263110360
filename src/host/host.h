// The host: the one Linker that offers every lunatic::* and wasi_snapshot_preview1 function,
// and the spawn procedure that turns a compiled module into a running process. Shared by all
// processes of an environment; thread-safe after construction.
#pragma once

#include "host/distributed/cluster.h"
#include "host/failure_report.h"
#include "host/metrics/guest_metrics.h"
#include "host/networking/net_policy.h"
#include "host/process_config.h"
#include "host/wasi/preopens.h"
#include "runtime/environment.h"
#include "runtime/memory_budget.h"

#include <tycho/wasm/engine.h>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tycho::host {

class CaptureGroup;
class WasmProcess;

// The arguments for a process's entry function (lunatic-abi.md §8.2). Up to kInline of them
// are kept in place, so the usual spawn with one or two allocates nothing for them.
class EntryParams {
  public:
    void push_back(wasm::Value value) {
        if (size_ < kInline) {
            inline_[size_] = value;
        } else {
            if (size_ == kInline) heap_.assign(inline_.begin(), inline_.end());
            heap_.push_back(value);
        }
        ++size_;
    }
    size_t size() const { return size_; }
    std::span<const wasm::Value> view() const {
        return size_ <= kInline ? std::span<const wasm::Value>(inline_.data(), size_)
                                : std::span<const wasm::Value>(heap_);
    }

  private:
    static constexpr size_t kInline = 2;
    std::array<wasm::Value, kInline> inline_{};
    size_t size_ = 0;
    std::vector<wasm::Value> heap_; // all of them, once there are more than kInline
};

struct HostOptions {
    // Reductions (function entries and loop back-edges) per time slice (BEAM uses 4,000).
    int64_t slice_reductions = 4000;
    // Each process's fiber stack holds its Wasm value stack at the bottom and its native
    // stack above; the interpreter stops `native_headroom` bytes above the value stack so
    // host functions and the scheduler always have room.
    size_t value_stack_bytes = size_t(64) << 10;
    size_t native_headroom = size_t(48) << 10;
    // Called (on the failing process's worker) for every failed process; without it, the
    // report goes to stderr with as much detail as `log_level` gives it.
    std::function<void(const FailureReport&)> on_failure;
    LogLevel log_level = LogLevel::error;
    // Called (on its worker) when any process ends: its id and exit status (0 after a
    // normal end, the code given to proc_exit, 1 after any other failure).
    std::function<void(runtime::ProcessId, int)> on_end;
    // The id of the host's environment (the one roots join by default), reported by
    // process::environment_id.
    uint64_t environment_id = 1;
    // What all processes together may hold of the memory Tycho counts for them
    // (process_memory.h); 0: runtime::MemoryBudget::default_limit().
    uint64_t max_total_memory = 0;
    // lunatic::metrics: with it, what guests record goes to a registry an exporter can serve
    // (metrics/guest_metrics.h); without it (the default, as Lunatic without an exporter)
    // the calls check their arguments and do nothing else.
    bool record_guest_metrics = false;
    GuestMetrics::Limits guest_metrics_limits;
    // Which addresses lunatic::networking may bind, connect and send to (default: all).
    NetPolicy net_policy = NetPolicy::allow_all();
    // How modules are compiled: which tier runs them (--tier).
    wasm::CompileOptions compile;
};

class Host {
  public:
    Host(runtime::Environment& environment, HostOptions options);
    ~Host();
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    runtime::Environment& environment() const { return environment_; }
    const HostOptions& options() const { return options_; }
    const wasm::Linker& linker() const { return linker_; }
    // Where processes' linear memories come from (reused, so spawning touches no new pages).
    const std::shared_ptr<wasm::MemoryPool>& memory_pool() const { return memory_pool_; }
    // The runtime-wide memory budget every process draws from.
    runtime::MemoryBudget& memory_budget() { return memory_budget_; }
    // This node and the others it can reach (a runtime on its own today).
    const Cluster& cluster() const { return cluster_; }
    // What guests record with lunatic::metrics; nullptr unless
    // HostOptions::record_guest_metrics.
    GuestMetrics* guest_metrics() const { return guest_metrics_.get(); }

    // Compiles `bytes` and checks that every import is one Tycho provides, with its type
    // (lunatic-abi.md §2.1). The error names the offending import.
    wasm::Result<std::shared_ptr<const wasm::Module>> compile(std::span<const uint8_t> bytes) const;
    // The same for a module a guest compiles (compile_module). Under --tier jit it gets
    // native code the way --tier auto gives it, in the background once it is hot and within
    // auto's size limits: the guest chose the module and its size, and compiling it at once
    // would cost the host whatever memory and time LLVM needs for it.
    wasm::Result<std::shared_ptr<const wasm::Module>>
    compile_for_guest(std::span<const uint8_t> bytes) const;
    // The first import of `module` that the linker cannot satisfy, as an error message.
    std::optional<std::string> check_imports(const wasm::Module& module) const;

    struct SpawnRequest {
        std::shared_ptr<const wasm::Module> module;
        std::shared_ptr<const ProcessConfig> config; // required
        std::string_view entry;                      // looked up while spawn() runs; not kept
        EntryParams params;
        std::string module_name; // shown in failure reports
        int stdin_fd = -1;       // host fd behind WASI fd 0 (-1: end of file at once)
        // The config's preopened directories, opened (preopens_for); null: spawn() opens
        // them, or shares the parent's when the config is the parent's own.
        std::shared_ptr<const PreopenSet> preopens;
        // A link with the spawner (§7.2): the child stores (parent, tag), the parent
        // (child, 0). Only when `parent` is given and `link_tag` is non-zero.
        int64_t link_tag = 0;
        // For a process without a parent (a root): the environment it joins (default: the
        // host's) and the group its output is captured in (default: none, it goes to the
        // runtime's stdout and stderr). A child always joins its parent's environment and,
        // if the parent's output is captured, gets a buffer of its own in the same group.
        runtime::Environment* environment = nullptr;
        std::shared_ptr<CaptureGroup> capture;
        // Called (on its worker) when the process ends, with its exit status as
        // HostOptions::on_end gives it.
        std::function<void(int status)> on_end;
    };
    // Creates the child and starts it; returns its id at once. The child instantiates its
    // module and runs the start function on its own fiber, as part of its life: a failure
    // there is the child's failure, reported and propagated to its links. Only what can be
    // decided without running anything (a stack for the child, an initial memory above its
    // max_memory) fails the spawn itself, with an error (the id is consumed either way, §4).
    wasm::Result<runtime::ProcessId, std::string> spawn(SpawnRequest request, WasmProcess* parent);

    // The opened preopens for a process spawned with `config` by `parent` (nullptr for a
    // root, whose directories the embedder grants): the parent's own when `config` is its
    // config, else opened now, each inside one of the parent's (preopens.h). The error
    // says which directory failed and why.
    std::variant<std::shared_ptr<const PreopenSet>, std::string>
    preopens_for(const std::shared_ptr<const ProcessConfig>& config,
                 const WasmProcess* parent) const;
    // Shows the report of `process`'s failure as the log level asks: to the process's
    // captured output if it has one, else to stderr (or to HostOptions::on_failure).
    void report_failure(const FailureReport& report, WasmProcess& process) const;

    void process_ended(runtime::ProcessId id, int status) const {
        if (options_.on_end) options_.on_end(id, status);
    }

  private:
    runtime::Environment& environment_;
    HostOptions options_;
    wasm::Linker linker_;
    std::shared_ptr<wasm::MemoryPool> memory_pool_;
    runtime::MemoryBudget memory_budget_;
    Cluster cluster_;
    std::unique_ptr<GuestMetrics> guest_metrics_; // after the budget it charges
};

} // namespace tycho::host
