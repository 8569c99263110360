// lunatic::process (lunatic-abi.md §16): modules, configs, spawning, links, monitors, kill.
#include "host/process/process_module.h"
#include "host/guest_memory.h"
#include "host/process/spawn.h"
#include "host/timeouts.h"
#include "host/wasm_process.h"

#include <chrono>

namespace tycho::host {

namespace {

using wasm::Caller;

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
        return int64_t(WasmProcess::of(caller).environment().id());
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

void define_process_module(wasm::Linker& linker) {
    add_module_functions(linker);
    add_config_functions(linker);
    add_spawning(linker);
    add_control(linker);
}

} // namespace tycho::host
