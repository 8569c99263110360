// A process configuration (lunatic-abi.md §11): limits, permissions and the WASI lists.
// Copied into each process spawned with it, so later edits never reach running processes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tycho::host {

struct ProcessConfig {
    uint64_t max_memory = UINT32_MAX; // bytes; growth is allowed while the total stays within
    uint64_t max_fuel = 0;            // units of 100,000 reductions; 0 = unlimited
    bool can_compile_modules = false;
    bool can_create_configs = false;
    bool can_spawn_processes = false;
    std::vector<std::string> preopens;
    std::vector<std::string> args;
    std::vector<std::string> env; // "KEY=VALUE"
};

} // namespace tycho::host
