// What Module::compile produces: the decoded module plus interpreter code for every
// defined function. Immutable after construction and shared by all instances.
#pragma once

#include "code.h"

#include <tycho/wasm/engine.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace tycho::wasm::detail {

struct CompiledModule {
    ModuleInfo info;
    std::vector<uint32_t> canonical_type_ids;          // per type index
    std::vector<CompiledFunction> functions;           // per defined function
    std::unordered_map<std::string, uint32_t> exports; // name -> index into info.exports

    static Result<std::shared_ptr<const Module>> compile(std::span<const uint8_t> bytes);
};

// A process-wide id per structurally distinct function type, so that call_indirect's
// signature check is one integer compare, also across modules.
uint32_t canonical_type_id(const FuncType& type);

} // namespace tycho::wasm::detail
