// Loading the native tier and giving modules native code: now (Tier::Jit), or in the
// background once they are hot (Tier::Auto).
#pragma once

#include "compiled_module.h"
#include "native_tier.h"

namespace tycho::wasm::detail {

// The native tier's backend, loaded on first use (thread-safe). The error says why it is not
// available: the plugin is missing, or from another build.
Result<NativeBackend*> native_backend();

// Gives `module` native code, from the cache when it holds it, else by compiling it (and
// filling the cache), unless the module has native code already; then switches every
// function to it. Safe while other threads run the module.
Result<void> install_native_code(const CompiledModule& module);

// Called by the interpreter each time a context spends a time slice of `reductions` in
// `module` (Tier::Auto): once it has spent a little, the background thread looks for its
// code in the cache; once it has spent more, the thread compiles it, if the module is small
// enough for that (fits_background_compile).
void note_reductions(const std::shared_ptr<const Module>& module, int64_t reductions);

// Whether the background compiler takes the module on unasked. LLVM needs about half a GB
// and a minute of a core per MB of code (the sqlite3 shell, 1.2 MB of code: 600 MB, 71 s),
// and more than linear time in the size of one function, while modules may come from guests
// (compile_module). So Tier::Auto compiles modules of at most kMaxBackgroundCodeBytes of
// function bodies, none over kMaxBackgroundFunctionBytes; larger ones keep interpreter
// code unless the cache has theirs (`tycho compile` puts it there; Tier::Jit compiles
// anything it is given).
inline constexpr size_t kMaxBackgroundCodeBytes = size_t(4) << 20;
inline constexpr size_t kMaxBackgroundFunctionBytes = size_t(256) << 10;
bool fits_background_compile(const ModuleInfo& module);

} // namespace tycho::wasm::detail
