// Tiny modules that import one host function and call it with one argument pattern, from
// one of four places:
//   - root_start:     the `_start` of a root process;
//   - spawned_entry:  the entry of a child the root spawns (the root then exits with the
//                     child's id as its status, so the harness can follow the child);
//   - start_function: the module's start function (before any entry runs);
//   - inside_catch:   a root's `_start` calls lunatic::trap::catch, whose handler
//                     (`_lunatic_catch_trap`) makes the call: a host call nested in Wasm
//                     called from a host call.
// Besides the function under test, the module imports the helpers its prelude and the
// spawning root need; their types come from the linker that will run it. It exports
// `lunatic_alloc` for the host functions that return a result buffer.
#pragma once

#include "host_functions.h"
#include "hostile_arguments.h"

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <vector>

namespace tycho::hostile {

enum class Place { root_start, spawned_entry, start_function, inside_catch };
inline constexpr Place kPlaces[] = {Place::root_start, Place::spawned_entry, Place::start_function,
                                    Place::inside_catch};
const char* to_string(Place place);

// The binary of the module; `linker` must define `function` and the helpers.
std::vector<uint8_t> hostile_module(const wasm::Linker& linker, const HostFunction& function,
                                    const ArgumentPattern& pattern, Place place);

} // namespace tycho::hostile
