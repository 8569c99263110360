#include "host/process/spawn.h"

#include "host/error/errors.h"
#include "host/guest_memory.h"
#include "host/process/process_tables.h"
#include "host/wasm_process.h"

#include <cstdio>

namespace tycho::host {

namespace {

constexpr size_t kParamRecordBytes = 17;

// §8.2: 17-byte records of a type id and a 128-bit little-endian value.
std::optional<EntryParams> decode_params(wasm::Caller& caller, std::span<const uint8_t> bytes) {
    if (bytes.size() % kParamRecordBytes != 0) {
        caller.trap("lunatic::process::spawn: parameter list of " + std::to_string(bytes.size()) +
                    " bytes is not a multiple of 17");
        return std::nullopt;
    }
    EntryParams params;
    for (size_t at = 0; at < bytes.size(); at += kParamRecordBytes) {
        uint64_t low = 0;
        std::memcpy(&low, bytes.data() + at + 1, sizeof(low));
        switch (bytes[at]) {
        case 0x7F: params.push_back(wasm::Value::i32(int32_t(uint32_t(low)))); break;
        case 0x7E: params.push_back(wasm::Value::i64(int64_t(low))); break;
        // A v128 record is well-formed, but this engine has no SIMD, so no entry can take
        // it: the child then fails with a type mismatch (§2.5).
        case 0x7B: params.push_back(wasm::Value{wasm::ValType::V128, low}); break;
        default: {
            char type_id[8];
            std::snprintf(type_id, sizeof type_id, "0x%02x", bytes[at]);
            caller.trap("lunatic::process::spawn: parameter " +
                        std::to_string(at / kParamRecordBytes) + " has unknown type id " + type_id);
            return std::nullopt;
        }
        }
    }
    return params;
}

} // namespace

std::optional<SpawnOutcome> spawn_from_guest(wasm::Caller& caller, const SpawnArgs& args) {
    WasmProcess& self = WasmProcess::of(caller);
    if (!self.config().can_spawn_processes) {
        caller.trap("lunatic::process::spawn: this process's config does not allow spawning");
        return std::nullopt;
    }
    if (!self.initialised()) {
        caller.trap("lunatic::process::spawn: cannot spawn from a module's start function");
        return std::nullopt;
    }
    Host::SpawnRequest request;
    ProcessTables& tables = self.state<ProcessTables>();
    if (args.config_id == -1) {
        request.config = self.config_snapshot();
    } else if (ConfigEntry* config = tables.configs.find(uint64_t(args.config_id))) {
        request.config = config->snapshot();
    } else {
        caller.trap("lunatic::process::spawn: unknown config id " + std::to_string(args.config_id));
        return std::nullopt;
    }
    if (args.module_id == -1) {
        request.module = self.module();
    } else if (const auto* module = tables.modules.find(uint64_t(args.module_id))) {
        request.module = *module;
    } else {
        caller.trap("lunatic::process::spawn: unknown module id " + std::to_string(args.module_id));
        return std::nullopt;
    }
    // A preopened directory that cannot be opened, or is not the spawner's to give, traps
    // the spawner (lunatic-abi.md §11.2).
    auto preopens = self.host().preopens_for(request.config, &self);
    if (auto* error = std::get_if<std::string>(&preopens)) {
        caller.trap("lunatic::process::spawn: " + *error);
        return std::nullopt;
    }
    request.preopens = std::get<0>(std::move(preopens));
    GuestMemory memory(caller);
    auto entry = memory.utf8(args.func_ptr, args.func_len);
    if (!entry) return std::nullopt;
    auto param_bytes = memory.read(args.params_ptr, args.params_len);
    if (!param_bytes) return std::nullopt;
    auto params = decode_params(caller, *param_bytes);
    if (!params) return std::nullopt;
    request.entry = *entry; // guest memory, unchanged until spawn() returns
    request.params = std::move(*params);
    request.link_tag = args.link;
    auto spawned = self.host().spawn(std::move(request), &self);
    if (!spawned) {
        auto error = add_error(caller, "lunatic::process::spawn", self, spawned.error());
        if (!error) return std::nullopt;
        return SpawnOutcome{1, *error};
    }
    return SpawnOutcome{0, spawned.value()};
}

} // namespace tycho::host
