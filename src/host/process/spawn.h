// The spawn procedure shared by process::spawn and process::get_or_spawn (lunatic-abi.md
// §8, §16.3).
#pragma once

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <optional>

namespace tycho::host {

struct SpawnArgs {
    int64_t link;
    int64_t config_id;
    int64_t module_id;
    uint32_t func_ptr, func_len;
    uint32_t params_ptr, params_len;
};

struct SpawnOutcome {
    int32_t status; // 0: value is the child's id; 1: value is an error id
    uint64_t value;
};

// Runs the checks and the spawn in the ABI's order. nullopt when the caller trapped.
std::optional<SpawnOutcome> spawn_from_guest(wasm::Caller& caller, const SpawnArgs& args);

} // namespace tycho::host
