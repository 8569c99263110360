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
// code in the cache; once it has spent more, the thread compiles it.
void note_reductions(const std::shared_ptr<const Module>& module, int64_t reductions);

} // namespace tycho::wasm::detail
