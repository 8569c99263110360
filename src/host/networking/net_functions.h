// The groups of lunatic::networking functions (lunatic-abi.md §20), one file each;
// networking_module.cpp defines them all.
#pragma once

#include <tycho/wasm/engine.h>

namespace tycho::host {

void add_dns_functions(wasm::Linker& linker); // dns.cpp: resolve, resolve_next, drop
void add_tcp_functions(wasm::Linker& linker); // tcp.cpp
void add_udp_functions(wasm::Linker& linker); // udp.cpp
void add_tls_functions(wasm::Linker& linker); // tls.cpp

} // namespace tycho::host
