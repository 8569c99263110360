#include "module_file.h"

#include "compile_progress.h"

#include "limits.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sys/stat.h>

namespace tycho::cli {

std::optional<std::vector<uint8_t>> read_module_file(const std::string& path, std::string& error) {
    struct stat info{};
    if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
        error = "'" + path + "' is a directory, not a WebAssembly file";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::string("cannot open '") + path + "': " + std::strerror(errno);
        return std::nullopt;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    if (in.bad()) {
        error = "cannot read '" + path + "'";
        return std::nullopt;
    }
    if (bytes.size() < 4 || std::memcmp(bytes.data(), "\0asm", 4) != 0) {
        error = "'" + path + "' is not a WebAssembly binary (no \\0asm header)";
        return std::nullopt;
    }
    return bytes;
}

wasm::Result<std::shared_ptr<const wasm::Module>, std::string>
load_module(const host::Host& host, const std::string& path, uint64_t max_memory) {
    std::string error;
    auto bytes = read_module_file(path, error);
    if (!bytes) return error;
    wasm::Result<std::shared_ptr<const wasm::Module>> module = wasm::Error{};
    {
        CompileProgress progress(base_name(path), host.options().compile.tier == wasm::Tier::Jit);
        module = host.compile(*bytes);
    }
    if (!module) return "invalid module '" + path + "': " + module.error().to_string();
    if (auto problem = check_initial_memory(*module.value(), max_memory, path)) return *problem;
    return std::move(module.value());
}

std::string base_name(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace tycho::cli
