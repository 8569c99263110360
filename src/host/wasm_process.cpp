#include "host/wasm_process.h"

#include "host/process_limits.h"
#include "runtime/scheduler.h"

namespace tycho::host {

namespace {

// Stack layout: [guard | native stack, growing down from T | Wasm values, growing up
// from T | kValueLift unused]. T sits kValueLift below a page boundary, so a process
// parked in receive (about 2.5 KB of native frames, a few hundred bytes of values)
// usually keeps both in the one page around T.
runtime::FiberStack with_value_stack(runtime::FiberStack stack, const HostOptions& options) {
    if (stack.valid()) stack.reserve_top(options.value_stack_bytes + WasmProcess::kValueLift);
    return stack;
}

wasm::ExecutionContext::Options context_options(const runtime::FiberStack& stack,
                                                const HostOptions& options) {
    wasm::ExecutionContext::Options o;
    if (!stack.valid()) { // the spawn fails before anything runs in this context
        static uint64_t unused_values[8];
        o.value_stack = std::span(unused_values);
        return o;
    }
    // The values start where the native stack starts (see with_value_stack); the
    // interpreter must stop `native_headroom` above the bottom of the native stack.
    auto* values = reinterpret_cast<uint64_t*>(stack.top());
    o.value_stack = std::span(values, options.value_stack_bytes / sizeof(uint64_t));
    o.native_stack_limit = reinterpret_cast<uintptr_t>(stack.bottom()) + options.native_headroom;
    return o;
}

} // namespace

WasmProcess::WasmProcess(Host& host, runtime::ProcessId id, Host::SpawnRequest request)
    : Process(*request.environment, id,
              with_value_stack(request.environment->stacks().acquire(), host.options())),
      host_(host), module_(std::move(request.module)), config_(std::move(request.config)),
      params_(std::move(request.params)), module_name_(std::move(request.module_name)),
      context_(wasm::ExecutionContext::create(context_options(fiber().stack(), host.options()))),
      account_(config_->max_memory, host.memory_budget()) {
    context_->embedder_data = this;
    context_->set_reduction_hook(host.options().slice_reductions,
                                 [this](wasm::ExecutionContext&) { return on_slice_end(); });
    fuel_limit_ = fuel_in_reductions(config_->max_fuel);
    stdin_fd_ = request.stdin_fd;
    if (request.preopens)
        preopens_ = std::move(request.preopens);
    else
        preopens_ = no_preopens();
    if (request.capture) capture_.emplace(std::move(request.capture));
    on_end_ = std::move(request.on_end);
    find_entry(request.entry);
}

WasmProcess::~WasmProcess() = default;

void WasmProcess::find_entry(std::string_view name) {
    const std::optional<uint32_t> index = module_->exported_func_index(name);
    if (!index) {
        start_failure_ = "the module has no exported function '" + std::string(name) + "' to start";
        return;
    }
    const wasm::FuncType& type = module_->info().func_type(*index);
    const std::span<const wasm::Value> params = params_.view();
    bool params_match = type.params.size() == params.size();
    for (size_t i = 0; params_match && i < params.size(); ++i)
        params_match = type.params[i] == params[i].type;
    if (!params_match || !type.results.empty()) {
        start_failure_ = "entry function '" + std::string(name) + "' has type " + type.to_string() +
                         ", which does not fit the " + std::to_string(params.size()) +
                         " spawn parameter(s) given (entries take them and return nothing)";
        return;
    }
    entry_index_ = index;
}

std::optional<runtime::DeathReason> WasmProcess::start_instance() {
    wasm::InstantiateOptions options;
    options.memory_pool = host_.memory_pool();
    options.memory_page_limit = memory_page_limit(config_->max_memory);
    options.run_start = false; // run below, where a trap keeps its backtrace
    options.limiter = &account_;
    auto instance = host_.linker().instantiate(*context_, module_, options);
    if (!instance) {
        const std::string& why =
            account_.refusal().empty() ? instance.error().message : account_.refusal();
        return fail("cannot instantiate the module: " + why, wasm::TrapCode::None);
    }
    instance_ = std::move(instance.value());
    auto started = instance_->run_start(*context_);
    if (!started) return ended_by(started.error());
    return std::nullopt;
}

void WasmProcess::exit(wasm::Caller& caller, uint32_t code) {
    exit_code_ = code;
    caller.stop("exited with status " + std::to_string(code));
}

bool WasmProcess::yield_to_others() {
    runtime::Scheduler::yield();
    return handle_signals();
}

// reductions() is approximate within a slice (inside the hook it already includes the
// next one), so only growth is counted.
void WasmProcess::count_reductions() {
    const uint64_t total = context_->reductions();
    if (total <= reductions_counted_) return;
    host_.environment().scheduler().count(runtime::Counter::reductions,
                                          total - reductions_counted_);
    reductions_counted_ = total;
}

wasm::HookAction WasmProcess::on_slice_end() {
    count_reductions();
    if (fuel_limit_ != 0 && context_->reductions() >= fuel_limit_) {
        context_->set_stop_reason(out_of_fuel_reason(config_->max_fuel));
        return wasm::HookAction::Stop;
    }
    if (!yield_to_others()) {
        context_->set_stop_reason(dying_cause());
        return wasm::HookAction::Stop;
    }
    return wasm::HookAction::Continue;
}

runtime::DeathReason WasmProcess::fail(std::string reason, wasm::TrapCode code,
                                       std::vector<wasm::BacktraceFrame> backtrace) {
    FailureReport report;
    report.process_id = id();
    report.module_name = module_name_;
    report.hint = hint_for(code, reason);
    report.reason = std::move(reason);
    report.code = code;
    report.backtrace = std::move(backtrace);
    if (dying())
        report.ending = fatal_link() ? Ending::link_died : Ending::killed;
    else if (exit_code_)
        report.ending = Ending::exited;
    host_.report_failure(report, *this);
    return runtime::DeathReason::failure;
}

runtime::DeathReason WasmProcess::run() {
    const runtime::DeathReason reason = run_entry();
    count_reductions();
    int status = 0;
    if (exit_code_)
        status = int(*exit_code_);
    else if (reason != runtime::DeathReason::normal)
        status = 1;
    host_.process_ended(id(), status);
    if (on_end_) on_end_(status);
    return reason;
}

runtime::DeathReason WasmProcess::run_entry() {
    if (!handle_signals()) return fail(dying_cause(), wasm::TrapCode::Interrupted);
    if (auto ended = start_instance()) return *ended;
    initialised_ = true;
    if (!entry_index_) return fail(std::move(start_failure_), wasm::TrapCode::None);
    const wasm::Function* entry = instance_->function(*entry_index_); // exported: never null
    auto outcome = entry->call(*context_, params_.view());
    if (outcome) return runtime::DeathReason::normal;
    return ended_by(std::move(outcome.error()));
}

runtime::DeathReason WasmProcess::ended_by(wasm::Trap trap) {
    if (exit_code_) {
        if (*exit_code_ == 0) return runtime::DeathReason::normal;
        return fail("exited with status " + std::to_string(*exit_code_), wasm::TrapCode::None);
    }
    return fail(std::move(trap.message), trap.code, std::move(trap.backtrace));
}

} // namespace tycho::host
