#include "host/sqlite/open_path.h"

#include <system_error>

namespace tycho::host::sqlite {

namespace fs = std::filesystem;

namespace {

fs::path absolute_normal(const fs::path& path, const fs::path& working_directory) {
    return (path.is_absolute() ? path : working_directory / path).lexically_normal();
}

// Whether `path` is `directory` or below it, component by component (so /ab is not
// inside /a); empty components from trailing separators do not count.
bool inside(const fs::path& path, const fs::path& directory) {
    auto p = path.begin();
    for (const fs::path& component : directory) {
        if (component.empty()) continue;
        while (p != path.end() && p->empty())
            ++p;
        if (p == path.end() || *p != component) return false;
        ++p;
    }
    return true;
}

// The path to compare: the file's directory when it names an existing file that is not a
// directory (§27), else the path itself.
fs::path checked_part(const fs::path& path) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!error && fs::exists(status) && !fs::is_directory(status)) return path.parent_path();
    return path;
}

// `path` with symbolic links resolved as far as it exists.
fs::path resolved(const fs::path& path) {
    std::error_code error;
    fs::path out = fs::weakly_canonical(path, error);
    return error ? path : out;
}

} // namespace

fs::path working_directory() {
    std::error_code error;
    return fs::current_path(error);
}

std::optional<std::string> refuse_path(std::string_view path,
                                       const std::vector<std::string>& preopens,
                                       const fs::path& working_directory) {
    if (path.find('\0') != std::string_view::npos) return "the path contains a NUL byte";
    const fs::path wanted = absolute_normal(fs::path(path), working_directory);
    const fs::path lexical = checked_part(wanted);
    const fs::path real = checked_part(resolved(wanted));
    for (const std::string& preopen : preopens) {
        const fs::path directory = absolute_normal(fs::path(preopen), working_directory);
        if (inside(lexical, directory) && inside(real, resolved(directory))) return std::nullopt;
    }
    if (preopens.empty())
        return "'" + std::string(path) + "' is not inside a preopened directory (the process " +
               "has none)";
    return "'" + std::string(path) + "' (" + wanted.string() +
           ") is not inside a preopened directory of the process";
}

} // namespace tycho::host::sqlite
