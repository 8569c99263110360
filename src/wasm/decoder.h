// Decoding of the WebAssembly 2.0 binary format into a ModuleInfo. Function bodies are
// only located (code_offset/code_end), not decoded; see module_info.h.
#pragma once

#include <tycho/wasm/module_info.h>
#include <tycho/wasm/result.h>

#include <cstdint>
#include <span>

namespace tycho::wasm {

// The largest number of locals (beyond the parameters) one function may declare.
inline constexpr uint32_t kMaxFunctionLocals = 50000;

// Decodes a whole module: header, every section in order, the custom "name" section.
// The result owns a copy of `bytes`; every error carries the offset where it was found.
// The module still has to pass validate_module and function-body validation.
Result<ModuleInfo> decode_module(std::span<const uint8_t> bytes);

} // namespace tycho::wasm
