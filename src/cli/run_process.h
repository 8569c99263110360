// `tycho run FILE.wasm ARGS...`: run the module's _start as the root process of a node.
#pragma once

#include "host/failure_report.h"
#include "host/metrics/listen_address.h"
#include "host/networking/net_policy.h"
#include "host/node.h"
#include "limits.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tycho::cli {

struct RunRequest {
    std::string file;
    std::vector<std::string> args;
    std::vector<std::string> env; // KEY=VALUE (--env), after the runtime's own with --inherit-env
    bool inherit_env = false;
    // Directories preopened for the root (--dir HOST[::GUEST]).
    std::vector<host::PreopenDir> dirs;
    // Listening TCP sockets handed to the root after its directories (--tcplisten).
    std::vector<host::ListenAddress> listen;
    unsigned workers = 0; // 0: one per core
    RunLimits limits;     // of the root process
    host::LogLevel log_level = host::LogLevel::error;
    uint64_t max_total_memory = 0; // bytes; 0: the runtime's default
    // Serve Prometheus metrics there (--metrics); guests' metrics are recorded only then.
    std::optional<host::ListenAddress> metrics;
    // Where guests may bind, connect and send to (--deny-net, --allow-net).
    host::NetPolicy net_policy = host::NetPolicy::allow_all();
    wasm::CompileOptions compile; // --tier, --cache-dir, --no-cache
};

// Returns the exit status of the root process, or 1 after a one-line error.
int run_process(const RunRequest& request);

// The node the request's processes run in: its workers, time slices, log level and memory
// budget.
host::NodeOptions node_options(const RunRequest& request);

} // namespace tycho::cli
