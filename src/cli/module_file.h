// Reading a module file from the command line, with one-line errors for the usual mistakes.
#pragma once

#include "host/host.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tycho::cli {

// The file's bytes if it exists and starts with the Wasm magic; otherwise nullopt and a
// message in `error`.
std::optional<std::vector<uint8_t>> read_module_file(const std::string& path, std::string& error);

// The module in `path`, compiled for `host` and checked against the memory limit its
// processes run under; otherwise a one-line error.
wasm::Result<std::shared_ptr<const wasm::Module>, std::string>
load_module(const host::Host& host, const std::string& path, uint64_t max_memory);

// The last component of a path: how a module is named in argv and failure reports.
std::string base_name(const std::string& path);

} // namespace tycho::cli
