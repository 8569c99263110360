// libFuzzer target: decode, validate and compile arbitrary bytes; when that succeeds,
// instantiate the module against dummy imports and call its exports with zero arguments
// under a small reduction budget. Errors and traps are expected outcomes; crashes,
// sanitizer reports, leaks and hangs are bugs.
#include "dummy_imports.h"

#include <tycho/wasm/engine.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

using namespace tycho::wasm;

// Reductions per slice, and slices before the hook stops a call: this bounds the work of
// every call (and of the start function) whatever loops the module contains.
constexpr int64_t kSlice = 10000;
constexpr int kMaxSlices = 3;

// Invariants the engine must keep for every module it accepts.
void check_export_types(const Module& module, const Instance& instance) {
    for (const Export& e : module.info().exports) {
        if (e.kind != ExternKind::Func) continue;
        const Function* function = instance.exported_function(e.name);
        const FuncType* declared = module.exported_func_type(e.name);
        if (!function || !declared || function->type() != *declared) __builtin_trap();
    }
}

// Zero arguments for `type`, or false when a parameter has no zero we can pass (v128).
bool zero_args(const FuncType& type, std::vector<Value>& args) {
    args.clear();
    for (ValType t : type.params) {
        // References get null, which every reference parameter accepts.
        if (!is_num(t) && !is_ref(t)) return false;
        args.push_back(Value{t, 0});
    }
    return true;
}

void run(const uint8_t* data, size_t size) {
    auto module = Module::compile(std::span<const uint8_t>(data, size));
    if (!module) {
        (void)module.error().to_string();
        return;
    }
    const std::shared_ptr<const Module>& compiled = module.value();

    Linker linker;
    if (!tycho::fuzz::define_dummy_imports(compiled->info(), linker)) return;

    // A small value stack reaches stack exhaustion quickly instead of spending the budget.
    ExecutionContext::Options options;
    options.value_stack_bytes = size_t(1) << 20;
    auto context = ExecutionContext::create(options);
    int slices = 0;
    context->set_reduction_hook(kSlice, [&slices](ExecutionContext& ctx) {
        if (++slices < kMaxSlices) return HookAction::Continue;
        ctx.set_stop_reason("fuzzer budget exhausted");
        return HookAction::Stop;
    });

    auto instance = linker.instantiate(*context, compiled);
    if (!instance) {
        (void)instance.error().to_string();
        return;
    }
    for (const auto& memory : instance.value()->memories())
        memory->set_page_limit(std::max(memory->pages(), tycho::fuzz::kMaxFuzzPages));
    check_export_types(*compiled, *instance.value());

    std::vector<Value> args;
    for (const Export& e : compiled->info().exports) {
        if (e.kind != ExternKind::Func) continue;
        const Function* function = instance.value()->exported_function(e.name);
        if (!function || !zero_args(function->type(), args)) continue;
        slices = 0;
        auto results = function->call(*context, args);
        if (results && results.value().size() != function->type().results.size()) __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    run(data, size);
    return 0;
}
