// One function per host namespace, each defining that namespace's functions in a linker
// (lunatic-abi.md §16-24; WASI in host/wasi/wasi.h).
#pragma once

#include <tycho/wasm/engine.h>

namespace tycho::host {

void add_lunatic_process(wasm::Linker& linker);
void add_lunatic_message(wasm::Linker& linker);
void add_lunatic_timer(wasm::Linker& linker);
void add_lunatic_registry(wasm::Linker& linker);
void add_lunatic_error(wasm::Linker& linker);
void add_lunatic_version(wasm::Linker& linker);
void add_lunatic_wasi(wasm::Linker& linker);
void add_lunatic_trap(wasm::Linker& linker);
void add_wasi_preview1(wasm::Linker& linker);

} // namespace tycho::host
