// Stand-ins for a module's imports, so that any module that compiles can be instantiated.
#pragma once

#include <tycho/wasm/engine.h>

namespace tycho::fuzz {

// Memories the fuzzer creates or finds may not grow beyond this many pages (256 MiB), so
// that memory.grow loops stay within libFuzzer's RSS limit.
inline constexpr uint32_t kMaxFuzzPages = 4096;

// Defines every import of `info` in `linker` with a dummy of the import's type: functions
// return zeros, tables hold nulls, memories are zeroed, globals hold zero. Returns false
// when an import asks for more than the fuzzer is willing to allocate.
bool define_dummy_imports(const wasm::ModuleInfo& info, wasm::Linker& linker);

} // namespace tycho::fuzz
