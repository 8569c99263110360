// The functions a Host offers to guests: every function definition of its linker, with its
// type, in a stable order (by namespace, then name).
#pragma once

#include <tycho/wasm/engine.h>

#include <ostream>
#include <string>
#include <vector>

namespace tycho::hostile {

struct HostFunction {
    std::string module;
    std::string name;
    wasm::FuncType type;

    // "lunatic::process::spawn"
    std::string full_name() const { return module + "::" + name; }
    // "lunatic_process_spawn": for test names.
    std::string identifier() const;
};
// How GoogleTest shows one (in test names, too).
inline void PrintTo(const HostFunction& function, std::ostream* out) {
    *out << function.full_name();
}

// The function definitions of `linker`, sorted.
std::vector<HostFunction> functions_of(const wasm::Linker& linker);
// The functions every Host defines (host_module.h's define_host_modules), sorted.
std::vector<HostFunction> every_host_function();

} // namespace tycho::hostile
