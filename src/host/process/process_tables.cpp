#include "host/process/process_tables.h"

#include "host/wasm_process.h"

namespace tycho::host {

const runtime::ResourceKind kModuleResource{"module"};

ProcessTables::ProcessTables(WasmProcess& process)
    : configs(process.memory_account()), modules(process.memory_account()) {}

uint64_t module_bytes(const wasm::Module& module) {
    return 3 * module.info().bytes.size();
}

ConfigEntry* ProcessTables::config_or_trap(wasm::Caller& caller, const char* function, int64_t id) {
    ConfigEntry* config = configs.find(uint64_t(id));
    if (config == nullptr)
        caller.trap(std::string(function) + ": unknown config id " + std::to_string(id));
    return config;
}

} // namespace tycho::host
