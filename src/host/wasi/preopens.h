// The preopened directories of a process, opened on the host: made once for a root (from
// tycho run --dir) and at each spawn with a config of its own, and shared, unopened again,
// by every child spawned with its parent's config (-1).
//
// Sandbox rule: a config can only preopen directories inside those of the process that
// spawns with it, so no guest can widen what the runtime was given with --dir.
#pragma once

#include "host/process_config.h"
#include "host/wasi/fd_table.h"

#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace tycho::host {

struct OpenedPreopen {
    std::shared_ptr<wasi::HostFd> directory;
    std::string guest_name;
    std::string host_path; // as configured
    std::string canonical; // the absolute path with links resolved, when it was opened
    uint64_t root = 0;     // its identity (wasi::Descriptor::root)
};

struct PreopenSet {
    std::vector<OpenedPreopen> dirs;
    // Listening sockets handed to the process (tycho run --tcplisten), after the
    // directories in its descriptor table.
    std::vector<std::shared_ptr<wasi::HostFd>> sockets;
};

// Opens `dirs`. With `within`, each must lie inside one of those directories. The error
// names the directory and why.
std::variant<std::shared_ptr<const PreopenSet>, std::string>
open_preopens(std::span<const PreopenDir> dirs, const PreopenSet* within);

// The set without any directory.
const std::shared_ptr<const PreopenSet>& no_preopens();

} // namespace tycho::host
