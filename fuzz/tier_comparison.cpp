#include "tier_comparison.h"

#include "dummy_imports.h"

#include <tycho/wasm/engine.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <optional>
#include <sstream>

namespace tycho::fuzz {

using namespace tycho::wasm;

namespace {

// Every call (and a raw module's start function) gets three slices of this many reductions,
// then the hook stops it. Both tiers count at function entries and loop back-edges, so a
// stop must come at the same point in both: their state is compared like after a trap.
constexpr int64_t kSlice = 2000;
constexpr int kMaxSlices = 3;
// Memories may grow to this many pages (or their initial size), so that comparing them
// after every call stays cheap.
constexpr uint32_t kMaxComparedPages = 16;
constexpr uint8_t kWasmMagic[] = {0x00, 0x61, 0x73, 0x6D};

// One tier's module, instance and context. Not movable: the hook points at `slices`.
struct TierRun {
    explicit TierRun(const char* name) : name(name) {}
    TierRun(const TierRun&) = delete;
    TierRun& operator=(const TierRun&) = delete;

    const char* name;
    std::shared_ptr<const Module> module;
    Linker linker;
    std::unique_ptr<ExecutionContext> context;
    int slices = 0;
    std::shared_ptr<Instance> instance;

    void make_context() {
        ExecutionContext::Options options;
        // A small value stack reaches stack exhaustion quickly instead of spending the budget.
        options.value_stack_bytes = size_t(1) << 20;
        context = ExecutionContext::create(options);
        context->set_reduction_hook(kSlice, [this](ExecutionContext& ctx) {
            if (++slices < kMaxSlices) return HookAction::Continue;
            ctx.set_stop_reason("fuzzer budget exhausted");
            return HookAction::Stop;
        });
    }
};

// NaNs. The spec fixes the bits of every value except the NaNs that arithmetic operators
// produce: their sign and payload are nondeterministic, only the quiet bit is set (an
// "arithmetic NaN"). Operators that merely move bits (const, load, store, local, global,
// select, call, abs, neg, copysign, reinterpret) keep them, signalling NaNs included. So
// two correct tiers give either the same bits or two quiet NaNs, which is what we accept.
// (The spec also demands the canonical NaN when no operand was a non-canonical NaN; telling
// that apart needs the value's history, so a quiet NaN is accepted where a canonical one
// was due.) The generator canonicalizes a NaN that may come from arithmetic before a
// reinterpret, a float store or copysign's sign operand, so those bits never reach
// integers or memory, where they are compared exactly.
bool quiet_nan32(uint32_t b) {
    return (b & 0x7FC00000) == 0x7FC00000;
}
bool quiet_nan64(uint64_t b) {
    return (b & 0x7FF8000000000000) == 0x7FF8000000000000;
}

bool same_value(ValType type, uint64_t a, uint64_t b) {
    switch (type) {
    case ValType::I32: return uint32_t(a) == uint32_t(b);
    case ValType::I64: return a == b;
    case ValType::F32:
        return uint32_t(a) == uint32_t(b) || (quiet_nan32(uint32_t(a)) && quiet_nan32(uint32_t(b)));
    case ValType::F64: return a == b || (quiet_nan64(a) && quiet_nan64(b));
    default: return (a == 0) == (b == 0); // references: addresses differ between instances
    }
}

std::string hex(uint64_t v) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(v));
    return buffer;
}

std::string describe(const Value& v) {
    return v.to_string() + " (" + to_string(v.type) + " bits " + hex(v.bits) + ")";
}

std::string describe(const std::vector<Value>& values) {
    std::string out = "[";
    for (size_t i = 0; i < values.size(); ++i)
        out += (i ? ", " : "") + describe(values[i]);
    return out + "]";
}

std::string describe(const Trap& trap) {
    std::string out =
        "trap " + std::to_string(int(trap.code)) + " \"" + trap.message + "\", backtrace [";
    for (size_t i = 0; i < trap.backtrace.size(); ++i)
        out += (i ? ", " : "") + std::to_string(trap.backtrace[i].func_index);
    return out + "]";
}

CompileOptions options_for(Tier tier) {
    CompileOptions options;
    options.tier = tier;
    return options;
}

using CallResult = Result<std::vector<Value>, Trap>;

std::string describe(const CallResult& r) {
    return r ? "returned " + describe(r.value()) : describe(r.error());
}

bool same_outcome(const CallResult& a, const CallResult& b) {
    if (bool(a) != bool(b)) return false;
    if (a) {
        const auto& x = a.value();
        const auto& y = b.value();
        if (x.size() != y.size()) return false;
        for (size_t i = 0; i < x.size(); ++i)
            if (x[i].type != y[i].type || !same_value(x[i].type, x[i].bits, y[i].bits))
                return false;
        return true;
    }
    const Trap& x = a.error();
    const Trap& y = b.error();
    if (x.code != y.code || x.backtrace.size() != y.backtrace.size()) return false;
    for (size_t i = 0; i < x.backtrace.size(); ++i)
        if (x.backtrace[i].func_index != y.backtrace[i].func_index) return false;
    return true;
}

// Memories (size and every byte) and exported globals; empty when they agree.
std::string state_difference(const ModuleInfo& info, const Instance& a, const Instance& b) {
    const auto ma = a.memories();
    const auto mb = b.memories();
    if (ma.size() != mb.size()) return "memory count differs";
    for (size_t i = 0; i < ma.size(); ++i) {
        if (ma[i]->size() != mb[i]->size())
            return "memory " + std::to_string(i) + " size: interpreter " +
                   std::to_string(ma[i]->size()) + ", native " + std::to_string(mb[i]->size());
        const uint8_t* x = ma[i]->data();
        const uint8_t* y = mb[i]->data();
        if (ma[i]->size() == 0 || std::memcmp(x, y, ma[i]->size()) == 0) continue;
        const auto at = std::mismatch(x, x + ma[i]->size(), y).first - x;
        std::ostringstream out;
        out << "memory " << i << " differs from byte " << at << ":";
        for (auto* side : {x, y}) {
            out << (side == x ? " interpreter" : " native");
            for (size_t k = size_t(at); k < std::min(ma[i]->size(), size_t(at) + 8); ++k)
                out << ' ' << hex(side[k]);
            out << ';';
        }
        return out.str();
    }
    for (const Export& e : info.exports) {
        if (e.kind != ExternKind::Global) continue;
        const auto ga = a.get_export(e.name);
        const auto gb = b.get_export(e.name);
        if (!ga || !gb) return "global \"" + e.name + "\" is not exported by both";
        const Value x = ga->global->get();
        const Value y = gb->global->get();
        if (!same_value(x.type, x.bits, y.bits))
            return "global \"" + e.name + "\": interpreter " + describe(x) + ", native " +
                   describe(y);
    }
    return {};
}

// Arguments for `type`, or nullopt when a parameter has no value we can make (v128).
std::optional<std::vector<Value>> arguments(const FuncType& type, FuzzInput& input) {
    std::vector<Value> args;
    for (ValType t : type.params) {
        if (is_num(t))
            args.push_back(Value{t, interesting_bits(input, t)});
        else if (is_ref(t))
            args.push_back(Value::null(t));
        else
            return std::nullopt;
    }
    return args;
}

TierComparison difference(std::vector<uint8_t> wasm, std::string what) {
    return TierComparison{true, std::move(what), std::move(wasm)};
}

TierComparison run_both(std::vector<uint8_t> wasm, bool generated, FuzzInput& input,
                        TierStats& stats) {
    TierRun interp("interpreter");
    TierRun native("native");
    auto compiled_interp = Module::compile(wasm, options_for(Tier::Interpreter));
    auto compiled_native = Module::compile(wasm, options_for(Tier::Jit));
    if (!compiled_interp && !compiled_native) {
        if (generated)
            return difference(std::move(wasm),
                              "generated module rejected: " + compiled_interp.error().to_string());
        ++stats.rejected;
        return {false, {}, std::move(wasm)};
    }
    if (!compiled_interp || !compiled_native)
        return difference(std::move(wasm),
                          compiled_interp ? "only the interpreter accepts the module; native: " +
                                                compiled_native.error().to_string()
                                          : "only native code accepts the module; interpreter: " +
                                                compiled_interp.error().to_string());
    interp.module = compiled_interp.value();
    native.module = compiled_native.value();
    if (!native.module->has_native_code())
        return difference(std::move(wasm), "Tier::Jit compiled without native code");
    ++stats.modules;
    const ModuleInfo& info = interp.module->info();

    for (TierRun* run : {&interp, &native}) {
        // Separate dummies for each tier, so they share no memory, table or global.
        if (!define_dummy_imports(info, run->linker)) return {false, {}, std::move(wasm)};
        run->make_context();
    }
    auto instance_interp = interp.linker.instantiate(*interp.context, interp.module);
    auto instance_native = native.linker.instantiate(*native.context, native.module);
    if (bool(instance_interp) != bool(instance_native) ||
        (!instance_interp &&
         instance_interp.error().to_string() != instance_native.error().to_string()))
        return difference(
            std::move(wasm),
            "instantiation: interpreter " +
                (instance_interp ? std::string("succeeds") : instance_interp.error().to_string()) +
                "; native " +
                (instance_native ? std::string("succeeds") : instance_native.error().to_string()));
    if (!instance_interp) return {false, {}, std::move(wasm)};
    interp.instance = instance_interp.value();
    native.instance = instance_native.value();
    for (TierRun* run : {&interp, &native})
        for (const auto& memory : run->instance->memories())
            memory->set_page_limit(std::max(memory->pages(), kMaxComparedPages));
    if (auto d = state_difference(info, *interp.instance, *native.instance); !d.empty())
        return difference(std::move(wasm), "after instantiation: " + d);

    for (const Export& e : info.exports) {
        if (e.kind != ExternKind::Func) continue;
        const Function* fi = interp.instance->exported_function(e.name);
        const Function* fn = native.instance->exported_function(e.name);
        auto args = arguments(fi->type(), input);
        if (!args) continue;
        ++stats.calls;
        const uint64_t before_interp = interp.context->reductions();
        const uint64_t before_native = native.context->reductions();
        interp.slices = native.slices = 0;
        const CallResult ri = fi->call(*interp.context, *args);
        const CallResult rn = fn->call(*native.context, *args);
        const uint64_t spent_interp = interp.context->reductions() - before_interp;
        const uint64_t spent_native = native.context->reductions() - before_native;

        // How deep a stack may grow differs between the tiers by design: from here on
        // their states may differ legitimately, so the module ends here.
        const auto exhausted = [](const CallResult& r) {
            return !r && r.error().code == TrapCode::CallStackExhausted;
        };
        if (exhausted(ri) || exhausted(rn)) {
            ++stats.incomparable;
            break;
        }
        std::string call = "call " + e.name + describe(*args) + ": ";
        if (!same_outcome(ri, rn))
            return difference(std::move(wasm),
                              call + "interpreter " + describe(ri) + "; native " + describe(rn));
        if (spent_interp != spent_native)
            return difference(std::move(wasm), call + "reductions: interpreter " +
                                                   std::to_string(spent_interp) + ", native " +
                                                   std::to_string(spent_native));
        if (auto d = state_difference(info, *interp.instance, *native.instance); !d.empty())
            return difference(std::move(wasm), call += describe(ri) + ", then " + d);
        if (ri)
            ++stats.returned;
        else if (ri.error().code == TrapCode::Interrupted)
            ++stats.stopped;
        else
            ++stats.trapped;
        if (!ri) ++stats.traps_by_code[size_t(ri.error().code) % stats.traps_by_code.size()];
    }
    return {false, {}, std::move(wasm)};
}

} // namespace

TierComparison compare_tiers(std::span<const uint8_t> input, TierStats& stats) {
    if (input.size() >= sizeof kWasmMagic &&
        std::equal(std::begin(kWasmMagic), std::end(kWasmMagic), input.begin())) {
        FuzzInput zeros({});
        return run_both(std::vector<uint8_t>(input.begin(), input.end()), false, zeros, stats);
    }
    FuzzInput recipe(input);
    std::vector<uint8_t> wasm = generate_module(recipe);
    return run_both(std::move(wasm), true, recipe, stats);
}

bool native_tier_available() {
    static const uint8_t empty_module[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    auto module = Module::compile(empty_module, options_for(Tier::Jit));
    if (!module) {
        std::fprintf(stderr, "native tier unavailable: %s\n", module.error().to_string().c_str());
        return false;
    }
    return true;
}

} // namespace tycho::fuzz
