// lunatic::version (lunatic-abi.md §22): Tycho reports the ABI version it implements.
#include "host/namespaces.h"

namespace tycho::host {

void add_lunatic_version(wasm::Linker& linker) {
    linker.func("lunatic::version", "major", [](wasm::Caller&) -> int32_t { return 0; });
    linker.func("lunatic::version", "minor", [](wasm::Caller&) -> int32_t { return 13; });
    linker.func("lunatic::version", "patch", [](wasm::Caller&) -> int32_t { return 2; });
}

} // namespace tycho::host
