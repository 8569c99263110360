#include "host/networking/net_functions.h"

namespace tycho::host {

void add_tls_functions(wasm::Linker& /*linker*/) {}

} // namespace tycho::host
