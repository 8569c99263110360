// The "spectest" module that the testsuite imports from: print functions, four immutable
// globals, a funcref table and a memory.
#pragma once

#include <tycho/wasm/engine.h>
#include <tycho/wasm/result.h>

#include <string>

namespace tycho::spec {

// Defines every spectest export in `linker`. The print functions write to stdout only when
// `verbose`. Fails only when the table or memory cannot be created.
wasm::Result<void, std::string> define_spectest(wasm::Linker& linker, bool verbose);

} // namespace tycho::spec
