// Reading a module file from the command line, with one-line errors for the usual mistakes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tycho::cli {

// The file's bytes if it exists and starts with the Wasm magic; otherwise nullopt and a
// message in `error`.
std::optional<std::vector<uint8_t>> read_module_file(const std::string& path, std::string& error);

} // namespace tycho::cli
