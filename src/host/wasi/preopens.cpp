// Opening preopened directories (see preopens.h).
#include "host/wasi/preopens.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>

namespace tycho::host {

namespace {

// Whether `path` is `directory` or lies beneath it (both canonical).
bool inside(const std::string& path, const std::string& directory) {
    if (directory == "/") return true;
    return path == directory ||
           (path.size() > directory.size() && path.compare(0, directory.size(), directory) == 0 &&
            path[directory.size()] == '/');
}

} // namespace

const std::shared_ptr<const PreopenSet>& no_preopens() {
    static const std::shared_ptr<const PreopenSet> empty = std::make_shared<const PreopenSet>();
    return empty;
}

std::variant<std::shared_ptr<const PreopenSet>, std::string>
open_preopens(std::span<const PreopenDir> dirs, const PreopenSet* within) {
    if (dirs.empty()) return no_preopens();
    auto set = std::make_shared<PreopenSet>();
    for (const PreopenDir& dir : dirs) {
        const std::string shown = "preopened directory '" + dir.host_path + "'";
        if (dir.host_path.empty() || dir.host_path.find('\0') != std::string::npos)
            return shown + ": not a valid path";
        int fd = ::open(dir.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        // A directory that may be searched but not listed is still usable.
        if (fd < 0 && errno == EACCES)
            fd = ::open(dir.host_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return shown + ": " + std::strerror(errno);
        UniqueFd opened(fd);
        char resolved[PATH_MAX];
        const std::string proc = "/proc/self/fd/" + std::to_string(fd);
        const ssize_t n = ::readlink(proc.c_str(), resolved, sizeof resolved - 1);
        if (n <= 0) return shown + ": cannot tell where it is: " + std::strerror(errno);
        OpenedPreopen p;
        p.canonical.assign(resolved, size_t(n));
        if (within != nullptr) {
            bool allowed = false;
            for (const OpenedPreopen& granted : within->dirs)
                allowed = allowed || inside(p.canonical, granted.canonical);
            if (!allowed)
                return shown + " (" + p.canonical +
                       ") is outside the directories preopened for the spawning process; a "
                       "config can only preopen directories inside those (tycho run --dir "
                       "grants them)";
        }
        p.directory = wasi::HostFd::owned(std::move(opened));
        p.guest_name = dir.guest_name;
        p.host_path = dir.host_path;
        p.root = wasi::fresh_root();
        set->dirs.push_back(std::move(p));
    }
    return std::shared_ptr<const PreopenSet>(std::move(set));
}

} // namespace tycho::host
