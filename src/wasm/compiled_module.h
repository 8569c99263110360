// What Module::compile produces: the decoded module plus interpreter code for every
// defined function. Immutable after construction and shared by all instances.
#pragma once

#include "code.h"

#include <tycho/wasm/engine.h>

#include <atomic>
#include <memory>
#include <mutex>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tycho::wasm::detail {

// Lets string-keyed maps be searched with a string_view, without building a string.
struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

inline constexpr uint32_t kNoRefSlot = UINT32_MAX;

class NativeCode;

struct CompiledModule {
    ModuleInfo info;
    std::vector<uint32_t> canonical_type_ids; // per type index
    std::vector<CompiledFunction> functions;  // per defined function
    // name -> index into info.exports
    std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> exports;
    // Per defined function: its place among an instance's own Function objects, or
    // kNoRefSlot when nothing can make a funcref of it (lunatic instances then need none).
    std::vector<uint32_t> ref_slots;
    uint32_t num_ref_slots = 0;

    CompileOptions options;
    // Native code, once the native tier compiled the module (install_native_code); then the
    // functions' entries call it. Set once, under native_lock.
    mutable std::mutex native_lock;
    mutable std::unique_ptr<NativeCode> native_code;
    // Tier::Auto: reductions the interpreter spent in the module (counted per time slice),
    // whether the cache was asked for its code, and whether the module waits for the
    // background compiler.
    mutable std::atomic<int64_t> reductions_interpreted{0};
    mutable std::atomic<bool> cache_looked_up{false};
    mutable std::atomic<bool> tier_up_requested{false};
    bool fits_background_compile = true; // native_loader.h

    static Result<std::shared_ptr<const Module>> compile(std::span<const uint8_t> bytes,
                                                         const CompileOptions& options);
};

// A process-wide id per structurally distinct function type, so that call_indirect's
// signature check is one integer compare, also across modules.
uint32_t canonical_type_id(const FuncType& type);

} // namespace tycho::wasm::detail
