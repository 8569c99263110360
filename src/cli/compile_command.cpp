#include "compile_command.h"

#include "compile_progress.h"
#include "errors.h"
#include "module_file.h"

#include <tycho/wasm/engine.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace tycho::cli {

std::string default_cache_dir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/')
        return std::string(xdg) + "/tycho/native";
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
        return std::string(home) + "/.cache/tycho/native";
    return "/tmp/tycho-native-cache";
}

int run_compile(const std::vector<std::string>& args) {
    wasm::CompileOptions options;
    options.tier = wasm::Tier::Jit;
    options.native_cache_dir = default_cache_dir();
    std::vector<std::string> files;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--cache-dir") {
            if (i + 1 >= args.size() || args[i + 1].empty())
                return usage_error("--cache-dir needs a directory");
            options.native_cache_dir = args[++i];
        } else if (args[i].starts_with("--cache-dir=")) {
            options.native_cache_dir = args[i].substr(12);
            if (options.native_cache_dir.empty())
                return usage_error("--cache-dir needs a directory");
        } else if (!args[i].empty() && args[i][0] == '-') {
            return usage_error("unknown option '" + args[i] + "' for compile");
        } else {
            files.push_back(args[i]);
        }
    }
    if (files.empty()) return usage_error("compile needs at least one FILE.wasm");
    int status = 0;
    for (const std::string& file : files) {
        std::string error;
        auto bytes = read_module_file(file, error);
        if (!bytes) {
            status = command_error(error);
            continue;
        }
        const auto start = std::chrono::steady_clock::now();
        wasm::Result<std::shared_ptr<const wasm::Module>> module = wasm::Error{};
        {
            CompileProgress progress(base_name(file), true);
            module = wasm::Module::compile(*bytes, options);
        }
        if (!module) {
            status = command_error("cannot compile '" + file + "': " + module.error().to_string());
            continue;
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("%s: native code for %u functions in %s (%.2f s)\n", file.c_str(),
                    module.value()->info().num_defined_funcs(), options.native_cache_dir.c_str(),
                    seconds);
    }
    return status;
}

} // namespace tycho::cli
