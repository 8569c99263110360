#include "run_process.h"

#include "host/node.h"
#include "module_file.h"

#include <cstdio>

namespace tycho::cli {

namespace {

int fail(const std::string& message) {
    std::fprintf(stderr, "tycho: %s\n", message.c_str());
    return 1;
}

std::string base_name(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

int run_process(const RunRequest& request) {
    std::string error;
    auto bytes = read_module_file(request.file, error);
    if (!bytes) return fail(error);

    host::NodeOptions options;
    options.workers = request.workers;
    options.host.slice_reductions = request.limits.reductions;
    options.host.log_level = request.log_level;
    options.host.max_total_memory = request.max_total_memory;
    host::Node node(std::move(options));

    auto module = node.host().compile(*bytes);
    if (!module)
        return fail("invalid module '" + request.file + "': " + module.error().to_string());
    const wasm::FuncType* start = module.value()->exported_func_type("_start");
    if (start == nullptr)
        return fail("'" + request.file + "' has no exported function '_start' to run");
    if (!start->params.empty() || !start->results.empty())
        return fail("'" + request.file +
                    "': _start must take no parameters and return nothing, "
                    "but its type is " +
                    start->to_string());
    if (auto problem =
            check_initial_memory(*module.value(), request.limits.max_memory, request.file))
        return fail(*problem);

    // The root process's configuration (lunatic-abi.md §14.1): every permission, argv led by
    // the file name, the environment given with --env.
    host::ProcessConfig config;
    config.max_memory = request.limits.max_memory;
    config.max_fuel = request.limits.max_fuel;
    config.can_compile_modules = config.can_create_configs = config.can_spawn_processes = true;
    config.args.push_back(base_name(request.file));
    config.args.insert(config.args.end(), request.args.begin(), request.args.end());
    config.env = request.env;

    auto status = node.run_root(std::move(module.value()), std::move(config), "_start",
                                base_name(request.file));
    if (!status) return fail("cannot start '" + request.file + "': " + status.error());
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
