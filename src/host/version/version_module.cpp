// lunatic::version (lunatic-abi.md §22): Tycho reports the ABI version it implements.
#include <tycho/wasm/engine.h>

namespace tycho::host {

void define_version_module(wasm::Linker& linker) {
    linker.func("lunatic::version", "major", [](wasm::Caller&) -> int32_t { return 0; });
    linker.func("lunatic::version", "minor", [](wasm::Caller&) -> int32_t { return 13; });
    linker.func("lunatic::version", "patch", [](wasm::Caller&) -> int32_t { return 2; });
}

} // namespace tycho::host
