// The limits `tycho run` puts on the code it runs, as the root process or through --invoke.
#pragma once

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <optional>
#include <string>

namespace tycho::cli {

// 4 GiB: all 65,536 pages a 32-bit memory can have.
inline constexpr uint64_t kDefaultMaxMemory = uint64_t(wasm::kMaxPages) * wasm::kPageSize;

struct RunLimits {
    uint64_t max_memory = kDefaultMaxMemory; // bytes
    uint64_t max_fuel = 0;                   // units of 100,000 reductions; 0 = unlimited
    int64_t reductions = 4000;               // per time slice
};

// A one-line error when one of the module's own memories starts larger than `max_memory`
// bytes allow; `file` names the module in it.
std::optional<std::string> check_initial_memory(const wasm::Module& module, uint64_t max_memory,
                                                const std::string& file);

} // namespace tycho::cli
