// The parts of lunatic::process (lunatic-abi.md §16), each in its own file.
#pragma once

#include <tycho/wasm/engine.h>

namespace tycho::host {

void add_module_functions(wasm::Linker& linker); // modules.cpp
void add_config_functions(wasm::Linker& linker); // configs.cpp

} // namespace tycho::host
