// lunatic::wasi (lunatic-abi.md §23): appending to the WASI lists of a config.
#include "host/guest_memory.h"
#include "host/process/process_tables.h"
#include "host/wasm_process.h"

namespace tycho::host {

namespace {

ConfigEntry* config_or_trap(wasm::Caller& caller, const char* function, int64_t config_id) {
    return WasmProcess::of(caller).state<ProcessTables>().config_or_trap(caller, function,
                                                                         config_id);
}

// Charges a string of `length` bytes about to be added to config `config_id`; false after
// trapping the call when the process's memory account refuses.
bool charge_string(wasm::Caller& caller, const char* function, int64_t config_id, uint64_t length) {
    return WasmProcess::of(caller).state<ProcessTables>().configs.grow(
        caller, function, uint64_t(config_id), sizeof(std::string) + length);
}

// `name(config_id, ptr, len)`: adds the guest's UTF-8 string to the config with `add`.
template <class Add> void add_appender(wasm::Linker& linker, const char* name, Add add) {
    linker.func("lunatic::wasi", name,
                [function = "lunatic::wasi::" + std::string(name),
                 add](wasm::Caller& caller, int64_t config_id, uint32_t ptr, uint32_t len) {
                    ConfigEntry* config = config_or_trap(caller, function.c_str(), config_id);
                    if (config == nullptr) return;
                    GuestMemory memory(caller);
                    auto text = memory.utf8(ptr, len);
                    if (text && charge_string(caller, function.c_str(), config_id, text->size()))
                        add(config->edit(), std::string(*text));
                });
}

} // namespace

void add_lunatic_wasi(wasm::Linker& linker) {
    linker.func("lunatic::wasi", "config_add_environment_variable",
                [](wasm::Caller& caller, int64_t config_id, uint32_t key_ptr, uint32_t key_len,
                   uint32_t value_ptr, uint32_t value_len) {
                    ConfigEntry* config = config_or_trap(
                        caller, "lunatic::wasi::config_add_environment_variable", config_id);
                    if (config == nullptr) return;
                    GuestMemory memory(caller);
                    auto key = memory.utf8(key_ptr, key_len);
                    auto value = key ? memory.utf8(value_ptr, value_len) : std::nullopt;
                    if (!value) return;
                    if (!charge_string(caller, "lunatic::wasi::config_add_environment_variable",
                                       config_id, key->size() + 1 + value->size()))
                        return;
                    config->edit().env.push_back(std::string(*key) + "=" + std::string(*value));
                });
    add_appender(
        linker, "config_add_command_line_argument",
        [](ProcessConfig& config, std::string text) { config.args.push_back(std::move(text)); });
    // Checked when a process is spawned with the config (preopens.h); the same string is
    // the host path and the name the guest sees.
    add_appender(linker, "config_preopen_dir", [](ProcessConfig& config, std::string text) {
        config.preopens.push_back({text, std::move(text)});
    });
}

} // namespace tycho::host
