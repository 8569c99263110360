#include "host_functions.h"

#include "host/host_module.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace tycho::hostile {

std::string HostFunction::identifier() const {
    std::string id;
    for (char c : module + "_" + name) {
        if (c == ':' && !id.empty() && id.back() == '_') continue; // "::" becomes one '_'
        id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    }
    return id;
}

std::vector<HostFunction> functions_of(const wasm::Linker& linker) {
    std::vector<HostFunction> functions;
    linker.for_each_definition(
        [&](std::string_view module, std::string_view name, const wasm::Extern& value) {
            if (value.kind == wasm::ExternKind::Func)
                functions.push_back({std::string(module), std::string(name), value.func->type()});
        });
    std::sort(functions.begin(), functions.end(), [](const HostFunction& a, const HostFunction& b) {
        return std::tie(a.module, a.name) < std::tie(b.module, b.name);
    });
    return functions;
}

std::vector<HostFunction> every_host_function() {
    wasm::Linker linker;
    host::define_host_modules(linker);
    return functions_of(linker);
}

} // namespace tycho::hostile
