// The limits of a process config (lunatic-abi.md §11) in the engine's units: fuel becomes
// reductions counted by the reduction hook, max_memory becomes a page limit for
// wasm::InstantiateOptions. Shared by processes and by `tycho run --invoke`.
#pragma once

#include <tycho/wasm/engine.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace tycho::host {

// One unit of max_fuel is 100,000 reductions (function entries and loop back-edges).
inline constexpr uint64_t kReductionsPerFuelUnit = 100'000;

// max_fuel in reductions, saturating; 0 (unlimited) stays 0.
inline uint64_t fuel_in_reductions(uint64_t max_fuel) {
    if (max_fuel > UINT64_MAX / kReductionsPerFuelUnit) return UINT64_MAX;
    return max_fuel * kReductionsPerFuelUnit;
}

// Why code that used up max_fuel was stopped (the trap message of a fuel stop).
inline std::string out_of_fuel_reason(uint64_t max_fuel) {
    return "out of fuel (max_fuel " + std::to_string(max_fuel) + " = " +
           std::to_string(fuel_in_reductions(max_fuel)) + " reductions)";
}

// The pages a memory may reach within `max_memory` bytes (whole pages only).
inline uint32_t memory_page_limit(uint64_t max_memory) {
    return uint32_t(std::min<uint64_t>(max_memory / wasm::kPageSize, wasm::kMaxPages));
}

// The initial page count of the first of the module's own memories that starts above
// `max_memory`, or nullopt when all fit.
std::optional<uint32_t> oversized_initial_memory(const wasm::Module& module, uint64_t max_memory);

} // namespace tycho::host
