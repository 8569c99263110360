// Which database paths a process may open (lunatic-abi.md §27): the path, made absolute
// (relative paths are relative to the runtime's working directory) and lexically normalised,
// or its parent directory when it names an existing file, must lie inside one of the
// directories preopened for the process (made absolute as well; "/" allows everything).
// Names such as ":memory:" are checked like any relative path.
//
// Tycho also resolves symbolic links on both sides and requires the resolved path to be
// inside a resolved preopened directory, so that a link inside a preopened directory cannot
// lead a process outside it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tycho::host::sqlite {

// nullopt when `path` may be opened; otherwise why not (for the guest's error text).
std::optional<std::string> refuse_path(std::string_view path,
                                       const std::vector<std::string>& preopens,
                                       const std::filesystem::path& working_directory);

// The runtime's working directory (empty if it cannot be had).
std::filesystem::path working_directory();

} // namespace tycho::host::sqlite
