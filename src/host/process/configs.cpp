// lunatic::process's configurations (lunatic-abi.md §11, §16.2).
#include "host/process/process_module.h"
#include "host/process/process_tables.h"
#include "host/wasm_process.h"

namespace tycho::host {

namespace {

using wasm::Caller;

ConfigEntry* config_of(Caller& caller, int64_t config_id) {
    return WasmProcess::of(caller).state<ProcessTables>().config_or_trap(caller, "lunatic::process",
                                                                         config_id);
}

// Each permission has a getter and a setter (§16.2).
template <bool ProcessConfig::* Field>
void add_permission(wasm::Linker& linker, const char* getter, const char* setter) {
    linker.func("lunatic::process", getter, [](Caller& caller, int64_t config_id) -> int32_t {
        ConfigEntry* config = config_of(caller, config_id);
        return config != nullptr && config->get().*Field ? 1 : 0;
    });
    linker.func("lunatic::process", setter, [](Caller& caller, int64_t config_id, int32_t can) {
        if (ConfigEntry* config = config_of(caller, config_id)) config->edit().*Field = can != 0;
    });
}

// Each limit has a getter and a setter (§16.2).
template <uint64_t ProcessConfig::* Field>
void add_limit(wasm::Linker& linker, const char* getter, const char* setter) {
    linker.func("lunatic::process", setter, [](Caller& caller, int64_t config_id, int64_t value) {
        if (ConfigEntry* config = config_of(caller, config_id))
            config->edit().*Field = uint64_t(value);
    });
    linker.func("lunatic::process", getter, [](Caller& caller, int64_t config_id) -> int64_t {
        ConfigEntry* config = config_of(caller, config_id);
        return config ? int64_t(config->get().*Field) : 0;
    });
}

} // namespace

void add_config_functions(wasm::Linker& linker) {
    linker.func("lunatic::process", "create_config", [](Caller& caller) -> int64_t {
        WasmProcess& self = WasmProcess::of(caller);
        if (!self.config().can_create_configs) return -1;
        auto id = self.state<ProcessTables>().configs.insert(
            caller, "lunatic::process::create_config", ConfigEntry{}, sizeof(ProcessConfig));
        return id ? int64_t(*id) : 0;
    });
    linker.func("lunatic::process", "drop_config", [](Caller& caller, int64_t config_id) {
        if (!WasmProcess::of(caller).state<ProcessTables>().configs.erase(uint64_t(config_id)))
            caller.trap("lunatic::process::drop_config: unknown config id " +
                        std::to_string(config_id));
    });
    add_limit<&ProcessConfig::max_memory>(linker, "config_get_max_memory", "config_set_max_memory");
    add_limit<&ProcessConfig::max_fuel>(linker, "config_get_max_fuel", "config_set_max_fuel");
    add_permission<&ProcessConfig::can_compile_modules>(linker, "config_can_compile_modules",
                                                        "config_set_can_compile_modules");
    add_permission<&ProcessConfig::can_create_configs>(linker, "config_can_create_configs",
                                                       "config_set_can_create_configs");
    add_permission<&ProcessConfig::can_spawn_processes>(linker, "config_can_spawn_processes",
                                                        "config_set_can_spawn_processes");
}

} // namespace tycho::host
