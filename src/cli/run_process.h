// `tycho run FILE.wasm ARGS...`: run the module's _start as the root process of a node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tycho::cli {

struct RunRequest {
    std::string file;
    std::vector<std::string> args;
    std::vector<std::string> env; // KEY=VALUE
    unsigned workers = 0;         // 0: one per core
    uint64_t max_memory = UINT32_MAX;
    uint64_t max_fuel = 0;
    int64_t reductions = 4000;
};

// Returns the exit status of the root process, or 1 after a one-line error.
int run_process(const RunRequest& request);

} // namespace tycho::cli
