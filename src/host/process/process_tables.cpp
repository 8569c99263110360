#include "host/process/process_tables.h"

namespace tycho::host {

const runtime::ResourceKind kModuleResource{"module"};

ConfigEntry* ProcessTables::config_or_trap(wasm::Caller& caller, const char* function, int64_t id) {
    ConfigEntry* config = configs.find(uint64_t(id));
    if (config == nullptr)
        caller.trap(std::string(function) + ": unknown config id " + std::to_string(id));
    return config;
}

} // namespace tycho::host
