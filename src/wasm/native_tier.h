// The seam between the engine and its native tier. The native tier (src/wasm/jit/, built on
// LLVM) is a plugin the engine loads on first use, so that programs which never need it
// do not pay LLVM's start-up cost. Engine and plugin come from the same build; the
// plugin's entry point refuses any other kNativeTierAbi.
//
// Generated code reads the engine's objects through the layouts of layout.h and calls back
// into the engine only through the functions of NativeRuntime, whose addresses the engine
// hands over when it loads the plugin.
#pragma once

#include "code.h"
#include "layout.h"

#include <tycho/wasm/module_info.h>
#include <tycho/wasm/result.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tycho::wasm::detail {

// Changed whenever anything in this header or in layout.h changes meaning.
inline constexpr uint32_t kNativeTierAbi = 2;

// The engine functions generated code calls. All return a TrapCode as uint32_t (0: none).
struct NativeRuntime {
    // The reduction budget ran out: runs the hook (which may switch fibers) and refills it.
    uint32_t (*budget_spent)(ContextLayout* ex);
    // Adds `func_index`'s backtrace frame to the trap being unwound and returns `code`.
    uint32_t (*unwind)(ContextLayout* ex, InstanceImpl* inst, uint32_t func_index, uint32_t code);
    // Calls import `import_index` of `inst` with its frame at `frame` on the value stack.
    uint32_t (*call_import)(ContextLayout* ex, InstanceImpl* inst, uint64_t* frame,
                            uint32_t import_index);
    // Calls a funcref that is not one of the caller's own compiled functions.
    uint32_t (*call_ref)(ContextLayout* ex, InstanceImpl* inst, uint64_t* frame,
                         const FunctionImpl* callee);
    // One of the rare operators, as run_rare_op does it, on the operands in slots[0..3)
    // (its result, if any, in slots[3]).
    uint32_t (*rare_op)(InstanceImpl* inst, uint32_t which, uint32_t idx0, uint32_t idx1,
                        uint64_t* slots);
};

// What a module's native code needs to know beyond the module itself.
struct NativeCompileInput {
    const ModuleInfo& module;
    const std::vector<bool>& declared_refs; // functions usable by ref.func
    bool count_reductions = true;
};

// A module's native code, linked into this process. Destroying it frees the code.
class NativeCode {
  public:
    virtual ~NativeCode() = default;
    // The entry of defined function `defined_index`, with the interpreter's calling convention.
    virtual NativeEntry entry(uint32_t defined_index) const = 0;
};

class NativeBackend {
  public:
    virtual ~NativeBackend() = default;
    // Compiles the whole module to a relocatable object file for this machine.
    virtual Result<std::vector<uint8_t>> compile(const NativeCompileInput& input) = 0;
    // Links an object file made by compile() (in this run or, from a cache, an earlier one).
    virtual Result<std::unique_ptr<NativeCode>> load(std::span<const uint8_t> object,
                                                     uint32_t num_defined_funcs) = 0;
    // The CPU the code is generated for (name and features): part of a cache key.
    virtual std::string target_id() const = 0;
};

// Operand and result slots of NativeRuntime::rare_op.
inline constexpr size_t kNativeRareSlots = 4;

} // namespace tycho::wasm::detail

// The plugin's one exported symbol. Returns nullptr when `abi` is not the plugin's
// kNativeTierAbi; `error` then says why.
extern "C" tycho::wasm::detail::NativeBackend*
tycho_native_backend(uint32_t abi, const tycho::wasm::detail::NativeRuntime* runtime,
                     std::string* error);
