#include "run_process.h"

#include "errors.h"
#include "host/metrics/metrics_exporter.h"
#include "host/node.h"
#include "module_file.h"
#include "root_preopens.h"

#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

namespace tycho::cli {

host::NodeOptions node_options(const RunRequest& request) {
    host::NodeOptions options;
    options.workers = request.workers;
    options.host.slice_reductions = request.limits.reductions;
    options.host.log_level = request.log_level;
    options.host.max_total_memory = request.max_total_memory;
    options.host.record_guest_metrics = request.metrics.has_value();
    options.host.net_policy = request.net_policy;
    options.host.compile = request.compile;
    return options;
}

namespace {

// Descriptors are per process in WASI, but all of them are the runtime's: allow as many as
// the system lets this process have (Debian's soft limit is 1,024, the hard one far more).
void raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int run_process(const RunRequest& request) {
    raise_descriptor_limit();
    host::Node node(node_options(request));

    // Serves until the process exits (std::_Exit below: the node is never torn down under it).
    std::unique_ptr<host::MetricsExporter> exporter;
    if (request.metrics) {
        auto started = host::MetricsExporter::start(*request.metrics, node);
        if (!started)
            return command_error("cannot serve metrics on " + request.metrics->to_string() + ": " +
                                 started.error());
        exporter = std::move(started.value());
        // Asked for any free port, the caller can only learn it here.
        if (request.metrics->port == 0 || request.log_level >= host::LogLevel::info)
            std::fprintf(stderr, "tycho: serving metrics at %s\n", exporter->url().c_str());
    }

    auto module = load_module(node.host(), request.file, request.limits.max_memory);
    if (!module) return command_error(module.error());
    const wasm::FuncType* start = module.value()->exported_func_type("_start");
    if (start == nullptr)
        return command_error("'" + request.file + "' has no exported function '_start' to run");
    if (!start->params.empty() || !start->results.empty())
        return command_error("'" + request.file +
                             "': _start must take no parameters and return nothing, "
                             "but its type is " +
                             start->to_string());

    // The root process's configuration (lunatic-abi.md §14.1): every permission, argv led by
    // the file name, the environment given with --env (after the runtime's with
    // --inherit-env), the directories given with --dir.
    host::ProcessConfig config;
    config.max_memory = request.limits.max_memory;
    config.max_fuel = request.limits.max_fuel;
    config.can_compile_modules = config.can_create_configs = config.can_spawn_processes = true;
    config.args.push_back(base_name(request.file));
    config.args.insert(config.args.end(), request.args.begin(), request.args.end());
    if (request.inherit_env)
        for (char** variable = environ; *variable != nullptr; ++variable)
            config.env.emplace_back(*variable);
    config.env.insert(config.env.end(), request.env.begin(), request.env.end());
    config.preopens = request.dirs;

    auto preopens = open_root_preopens(request.dirs, request.listen);
    if (auto* error = std::get_if<std::string>(&preopens)) return command_error(*error);

    auto status = node.run_root(std::move(module.value()), std::move(config), "_start",
                                base_name(request.file), std::get<0>(std::move(preopens)));
    if (!status) return command_error("cannot start '" + request.file + "': " + status.error());
    // The runtime ends with the root process: the others are dropped without notice.
    std::fflush(nullptr);
    // Exit statuses are 8 bits: a non-zero code must not wrap around to success.
    const int code = status.value();
    if (code != 0 && (code & 0xFF) == 0) {
        std::fprintf(stderr,
                     "tycho: the root process exited with status %d, which an exit status "
                     "cannot hold; exiting with 1\n",
                     code);
        std::_Exit(1);
    }
    std::_Exit(code & 0xFF);
}

} // namespace tycho::cli
