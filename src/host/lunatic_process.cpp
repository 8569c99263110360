// lunatic::process (lunatic-abi.md §16): modules, configs, spawning, links, monitors, kill.
#include "host/guest_memory.h"
#include "host/namespaces.h"
#include "host/spawn.h"
#include "host/wasm_process.h"

#include <chrono>

namespace tycho::host {

namespace {

using wasm::Caller;

ConfigEntry* config_of(Caller& caller, int64_t config_id) {
    return WasmProcess::of(caller).config_or_trap(caller, "lunatic::process", config_id);
}

void add_modules(wasm::Linker& linker) {
    linker.func(
        "lunatic::process", "compile_module",
        [](Caller& caller, uint32_t data_ptr, uint32_t data_len, uint32_t id_ptr) -> int32_t {
            WasmProcess& self = WasmProcess::of(caller);
            if (!self.config().can_compile_modules) return -1;
            GuestMemory memory(caller);
            auto bytes = memory.read(data_ptr, data_len);
            if (!bytes || !memory.bytes(id_ptr, 8)) return 0;
            auto module = self.host().compile(*bytes);
            if (!module) {
                memory.store<uint64_t>(id_ptr, self.add_error(module.error().to_string()));
                return 1;
            }
            memory.store<uint64_t>(id_ptr, self.modules.insert(std::move(module.value())));
            return 0;
        });
    linker.func("lunatic::process", "drop_module", [](Caller& caller, int64_t module_id) {
        if (!WasmProcess::of(caller).modules.erase(uint64_t(module_id)))
            caller.trap("lunatic::process::drop_module: unknown module id " +
                        std::to_string(module_id));
    });
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

void add_configs(wasm::Linker& linker) {
    linker.func("lunatic::process", "create_config", [](Caller& caller) -> int64_t {
        WasmProcess& self = WasmProcess::of(caller);
        if (!self.config().can_create_configs) return -1;
        return int64_t(self.configs.insert(ConfigEntry{}));
    });
    linker.func("lunatic::process", "drop_config", [](Caller& caller, int64_t config_id) {
        if (!WasmProcess::of(caller).configs.erase(uint64_t(config_id)))
            caller.trap("lunatic::process::drop_config: unknown config id " +
                        std::to_string(config_id));
    });
    linker.func("lunatic::process", "config_set_max_memory",
                [](Caller& caller, int64_t config_id, int64_t max_memory) {
                    if (ConfigEntry* config = config_of(caller, config_id))
                        config->edit().max_memory = uint64_t(max_memory);
                });
    linker.func("lunatic::process", "config_get_max_memory",
                [](Caller& caller, int64_t config_id) -> int64_t {
                    ConfigEntry* config = config_of(caller, config_id);
                    return config ? int64_t(config->get().max_memory) : 0;
                });
    linker.func("lunatic::process", "config_set_max_fuel",
                [](Caller& caller, int64_t config_id, int64_t max_fuel) {
                    if (ConfigEntry* config = config_of(caller, config_id))
                        config->edit().max_fuel = uint64_t(max_fuel);
                });
    linker.func("lunatic::process", "config_get_max_fuel",
                [](Caller& caller, int64_t config_id) -> int64_t {
                    ConfigEntry* config = config_of(caller, config_id);
                    return config ? int64_t(config->get().max_fuel) : 0;
                });
    add_permission<&ProcessConfig::can_compile_modules>(linker, "config_can_compile_modules",
                                                        "config_set_can_compile_modules");
    add_permission<&ProcessConfig::can_create_configs>(linker, "config_can_create_configs",
                                                       "config_set_can_create_configs");
    add_permission<&ProcessConfig::can_spawn_processes>(linker, "config_can_spawn_processes",
                                                        "config_set_can_spawn_processes");
}

void add_spawning(wasm::Linker& linker) {
    linker.func("lunatic::process", "spawn",
                [](Caller& caller, int64_t link, int64_t config_id, int64_t module_id,
                   uint32_t func_ptr, uint32_t func_len, uint32_t params_ptr, uint32_t params_len,
                   uint32_t id_ptr) -> int32_t {
                    SpawnArgs args{link,     config_id,  module_id, func_ptr,
                                   func_len, params_ptr, params_len};
                    auto outcome = spawn_from_guest(caller, args);
                    if (!outcome) return 0;
                    GuestMemory memory(caller);
                    memory.store<uint64_t>(id_ptr, outcome->value);
                    return outcome->status;
                });
    linker.func(
        "lunatic::process", "get_or_spawn",
        [](Caller& caller, uint32_t name_ptr, uint32_t name_len, int64_t link, int64_t config_id,
           int64_t module_id, uint32_t func_ptr, uint32_t func_len, uint32_t params_ptr,
           uint32_t params_len, uint32_t node_id_ptr, uint32_t id_ptr) -> int32_t {
            GuestMemory memory(caller);
            auto name = memory.utf8(name_ptr, name_len);
            if (!name) return 0;
            WasmProcess& self = WasmProcess::of(caller);
            SpawnArgs args{link, config_id, module_id, func_ptr, func_len, params_ptr, params_len};
            int32_t status = 2;
            auto [entry, made] = self.environment().registry().get_or_insert(
                *name, [&]() -> std::optional<runtime::RegistryEntry> {
                    auto outcome = spawn_from_guest(caller, args);
                    if (!outcome) return std::nullopt; // trapped: register nothing
                    status = outcome->status;
                    // §12 quirk: a failed spawn registers its error id.
                    return runtime::RegistryEntry{0, outcome->value};
                });
            if (!entry) return 0;
            if (!made) status = 2;
            GuestMemory out(caller);
            if (out.store<uint64_t>(node_id_ptr, entry->node_id))
                out.store<uint64_t>(id_ptr, entry->process_id);
            return status;
        });
}

void add_control(wasm::Linker& linker) {
    linker.func("lunatic::process", "sleep_ms", [](Caller& caller, int64_t millis) {
        WasmProcess& self = WasmProcess::of(caller);
        const auto deadline = deadline_after(uint64_t(millis));
        if (!self.sleep_until(deadline)) caller.stop(self.dying_cause());
    });
    linker.func("lunatic::process", "die_when_link_dies", [](Caller& caller, int32_t trap) {
        WasmProcess::of(caller).set_die_when_link_dies(trap != 0);
    });
    linker.func("lunatic::process", "process_id",
                [](Caller& caller) -> int64_t { return int64_t(WasmProcess::of(caller).id()); });
    linker.func("lunatic::process", "environment_id", [](Caller& caller) -> int64_t {
        return int64_t(WasmProcess::of(caller).host().options().environment_id);
    });
    linker.func("lunatic::process", "link", [](Caller& caller, int64_t tag, int64_t process_id) {
        WasmProcess::of(caller).link(uint64_t(process_id), tag);
    });
    linker.func("lunatic::process", "unlink", [](Caller& caller, int64_t process_id) {
        WasmProcess::of(caller).unlink(uint64_t(process_id));
    });
    linker.func("lunatic::process", "monitor", [](Caller& caller, int64_t process_id) {
        WasmProcess::of(caller).monitor(uint64_t(process_id));
    });
    linker.func("lunatic::process", "stop_monitoring", [](Caller& caller, int64_t process_id) {
        WasmProcess::of(caller).stop_monitoring(uint64_t(process_id));
    });
    linker.func("lunatic::process", "kill", [](Caller& caller, int64_t process_id) {
        WasmProcess::of(caller).kill(uint64_t(process_id));
    });
    linker.func("lunatic::process", "exists", [](Caller& caller, int64_t process_id) -> int32_t {
        return WasmProcess::of(caller).environment().exists(uint64_t(process_id)) ? 1 : 0;
    });
}

} // namespace

void add_lunatic_process(wasm::Linker& linker) {
    add_modules(linker);
    add_configs(linker);
    add_spawning(linker);
    add_control(linker);
}

} // namespace tycho::host
