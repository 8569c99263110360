#include "module_file.h"

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

} // namespace tycho::cli
