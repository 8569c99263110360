#include "host/host.h"

#include "host/host_module.h"
#include "host/process_limits.h"
#include "host/process_memory.h"
#include "host/wasm_process.h"

#include <cstdio>

namespace tycho::host {

Host::Host(runtime::Environment& environment, HostOptions options)
    : environment_(environment), options_(std::move(options)),
      memory_pool_(wasm::MemoryPool::create()),
      memory_budget_(options_.max_total_memory != 0 ? options_.max_total_memory
                                                    : runtime::MemoryBudget::default_limit()) {
    if (options_.record_guest_metrics)
        guest_metrics_ = std::make_unique<GuestMetrics>(
            memory_budget_, options_.guest_metrics_limits,
            [](const std::string& line) { std::fprintf(stderr, "tycho: %s\n", line.c_str()); });
    define_host_modules(linker_);
}

Host::~Host() = default;

std::optional<std::string> Host::check_imports(const wasm::Module& module) const {
    const wasm::ModuleInfo& info = module.info();
    for (const wasm::Import& import : info.imports) {
        const std::string name = import.module + "::" + import.name;
        const wasm::Extern* found = linker_.find(import.module, import.name);
        if (found == nullptr)
            return "the module imports " + name + ", which Tycho does not provide";
        if (found->kind != import.kind)
            return "the module imports " + name + " as a " + wasm::to_string(import.kind) +
                   ", but Tycho provides a " + wasm::to_string(found->kind);
        if (import.kind == wasm::ExternKind::Func) {
            const wasm::FuncType& wanted = info.types[import.func_type];
            if (!(found->func->type() == wanted))
                return "the module imports " + name + " with type " + wanted.to_string() +
                       ", but Tycho's has type " + found->func->type().to_string();
        }
    }
    return std::nullopt;
}

namespace {

wasm::Result<std::shared_ptr<const wasm::Module>>
compile_with(const Host& host, std::span<const uint8_t> bytes,
             const wasm::CompileOptions& options) {
    auto module = wasm::Module::compile(bytes, options);
    if (!module) return module.error();
    if (auto problem = host.check_imports(*module.value())) return wasm::Error{*problem};
    return module;
}

} // namespace

wasm::Result<std::shared_ptr<const wasm::Module>>
Host::compile(std::span<const uint8_t> bytes) const {
    return compile_with(*this, bytes, options_.compile);
}

wasm::Result<std::shared_ptr<const wasm::Module>>
Host::compile_for_guest(std::span<const uint8_t> bytes) const {
    wasm::CompileOptions options = options_.compile;
    if (options.tier == wasm::Tier::Jit) options.tier = wasm::Tier::Auto;
    return compile_with(*this, bytes, options);
}

namespace {

// The limits an instance of `module` breaks before anything of it runs (§2.2), as an error.
std::optional<std::string> static_limit_violation(const wasm::Module& module,
                                                  const ProcessConfig& config) {
    const auto pages = oversized_initial_memory(module, config.max_memory);
    if (!pages) return std::nullopt;
    return "initial memory of " + std::to_string(*pages) + " pages exceeds the limit of " +
           std::to_string(memory_page_limit(config.max_memory)) + " pages (max_memory " +
           std::to_string(config.max_memory) + " bytes)";
}

} // namespace

wasm::Result<runtime::ProcessId, std::string> Host::spawn(SpawnRequest request,
                                                          WasmProcess* parent) {
    if (parent != nullptr) {
        request.environment = &parent->environment();
        request.capture = parent->capture_group();
    } else if (request.environment == nullptr) {
        request.environment = &environment_;
    }
    runtime::Environment& environment = *request.environment;
    const runtime::ProcessId id = environment.allocate_id();
    if (auto problem = static_limit_violation(*request.module, *request.config)) return *problem;
    // The child's share is drawn now (the child gives it back when it ends).
    if (!memory_budget_.try_charge(ProcessMemory::kProcessShare))
        return "the runtime's memory budget (--max-total-memory, " +
               std::to_string(memory_budget_.limit()) + " bytes) is used up";
    if (!request.preopens) {
        auto opened = preopens_for(request.config, parent);
        if (auto* error = std::get_if<std::string>(&opened)) return std::move(*error);
        request.preopens = std::get<0>(std::move(opened));
    }
    const int64_t link_tag = request.link_tag;
    auto child = std::make_unique<WasmProcess>(*this, id, std::move(request));
    if (!child->fiber_stack_ok()) return std::string("cannot allocate a stack for the process");
    if (parent != nullptr && link_tag != 0) {
        child->add_link_entry(parent->id(), link_tag);
        parent->add_link_entry(id, 0);
    }
    environment.start(child.release()); // the process frees itself when it ends
    return id;
}

std::variant<std::shared_ptr<const PreopenSet>, std::string>
Host::preopens_for(const std::shared_ptr<const ProcessConfig>& config,
                   const WasmProcess* parent) const {
    if (parent != nullptr && config == parent->config_snapshot()) return parent->preopens();
    return open_preopens(config->preopens, parent != nullptr ? parent->preopens().get() : nullptr);
}

void Host::report_failure(const FailureReport& report, WasmProcess& process) const {
    if (options_.on_failure) {
        options_.on_failure(report);
        return;
    }
    const ReportDetail detail = report_detail(options_.log_level, report.ending);
    if (detail == ReportDetail::none) return;
    FailureReport named = report;
    named.registered_name = process.environment().registry().name_of(report.process_id);
    const std::string text = named.format(detail);
    if (OutputSink* output = process.output_sink()) {
        output->write({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
        return;
    }
    std::fwrite(text.data(), 1, text.size(), stderr);
}

} // namespace tycho::host
