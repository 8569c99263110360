#include "sweep_node.h"

#include "runtime/signal_queue.h"

namespace tycho::hostile {

SweepNode::SweepNode() {
    host::NodeOptions options;
    options.workers = 2;
    options.host.record_guest_metrics = true; // lunatic::metrics records, as with --metrics
    options.host.on_failure = [this](const host::FailureReport& report) { on_failure(report); };
    options.host.on_end = [this](runtime::ProcessId id, int status) { on_end(id, status); };
    node_ = std::make_unique<host::Node>(std::move(options));
}

SweepNode::~SweepNode() = default;

void SweepNode::on_failure(const host::FailureReport& report) {
    std::lock_guard guard(lock_);
    reports_[report.process_id] = report;
}

// A failed process's report comes first, then its end (WasmProcess::run).
void SweepNode::on_end(runtime::ProcessId id, int status) {
    std::lock_guard guard(lock_);
    Ended ended;
    ended.status = status;
    ended.at = Clock::now();
    if (auto it = reports_.find(id); it != reports_.end()) {
        ended.report = std::move(it->second);
        reports_.erase(it);
    }
    ended_[id] = std::move(ended);
    ends_.fetch_add(1, std::memory_order_relaxed);
}

std::shared_ptr<const wasm::Module> SweepNode::compile(std::span<const uint8_t> bytes,
                                                       std::string& error) {
    auto module = host().compile(bytes);
    if (!module) {
        error = module.error().to_string();
        return nullptr;
    }
    return module.value();
}

std::optional<runtime::ProcessId> SweepNode::start(std::shared_ptr<const wasm::Module> module,
                                                   std::string& error, std::string_view entry) {
    host::ProcessConfig config;
    config.can_compile_modules = true;
    config.can_create_configs = true;
    config.can_spawn_processes = true;
    config.preopens = {{".", "."}}; // so that preludes can open in-memory SQLite databases
    host::Host::SpawnRequest request;
    request.module = std::move(module);
    request.config = std::make_shared<const host::ProcessConfig>(std::move(config));
    request.entry = entry;
    request.stdin_fd = -1;
    auto id = host().spawn(std::move(request), nullptr);
    if (!id) {
        error = id.error();
        return std::nullopt;
    }
    return id.value();
}

SweepNode::Settled SweepNode::settle(runtime::ProcessId first, Clock::duration quiet,
                                     Clock::duration hang_limit) {
    constexpr std::chrono::milliseconds kSlice(10);
    runtime::Environment& environment = node_->environment();
    Settled settled;
    uint64_t ends = ends_.load(std::memory_order_relaxed);
    Clock::time_point last_end = Clock::now();
    while (quiet > Clock::duration::zero() && !environment.wait_until_empty(kSlice)) {
        const uint64_t now_ended = ends_.load(std::memory_order_relaxed);
        if (now_ended != ends) {
            ends = now_ended;
            last_end = Clock::now();
        } else if (Clock::now() - last_end >= quiet) {
            break;
        }
    }
    if (environment.size() == 0) {
        settled.all_ended = true;
        return settled;
    }
    settled.kill = Clock::now();
    const Clock::time_point give_up = *settled.kill + hang_limit;
    // Killed processes may be spawning others: kill every id handed out so far, again and
    // again, until none is live.
    while (Clock::now() < give_up) {
        const runtime::ProcessId fence = id_fence();
        for (runtime::ProcessId id = first; id < fence; ++id)
            environment.deliver(id, runtime::KillSignal{});
        if (environment.wait_until_empty(kSlice)) {
            settled.all_ended = true;
            return settled;
        }
    }
    return settled;
}

std::optional<Ended> SweepNode::ended(runtime::ProcessId id) const {
    std::lock_guard guard(lock_);
    auto it = ended_.find(id);
    if (it == ended_.end()) return std::nullopt;
    return it->second;
}

} // namespace tycho::hostile
