// `tycho run --invoke NAME FILE.wasm ARGS...`: call one export and print its results.
#pragma once

#include "limits.h"

#include <tycho/wasm/engine.h>

#include <optional>
#include <string>
#include <vector>

namespace tycho::cli {

struct InvokeRequest {
    std::string file;
    std::string function;
    std::vector<std::string> args;
    // As for a process: fuel is counted by the reduction hook at the end of each slice,
    // and the memory may not start or grow beyond max_memory.
    RunLimits limits;
    wasm::CompileOptions compile; // --tier, --cache-dir, --no-cache
};

// Returns the process exit status: 0 on success, 1 on a trap (running out of fuel
// included) or a bad module/argument.
int run_invoke(const InvokeRequest& request);

// Parses one command-line argument as a value of `type`; nullopt when it is not one.
std::optional<wasm::Value> parse_value(wasm::ValType type, const std::string& text);
// Formats a result the way `tycho run --invoke` prints it.
std::string format_value(const wasm::Value& value);

} // namespace tycho::cli
