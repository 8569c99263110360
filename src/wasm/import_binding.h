// A module's imports resolved against a Linker: what every instance of the module links to.
// Built once per (linker, module) and shared by all those instances, which it keeps alive.
#pragma once

#include "objects.h"

#include <tycho/wasm/engine.h>

#include <vector>

namespace tycho::wasm::detail {

struct ImportBinding {
    std::vector<Extern> externs;                // one per import, in import order
    std::vector<const FunctionImpl*> functions; // the imported functions, in index order
    bool imports_table = false;
};

} // namespace tycho::wasm::detail
