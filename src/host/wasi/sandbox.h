// Resolving a guest's path beneath a directory it holds, so that nothing outside that
// directory can be reached: `..` above it, absolute paths and symbolic links that lead out
// (also ones swapped in while the path is being resolved) are refused with ENOTCAPABLE.
//
// Linux's openat2(RESOLVE_BENEATH) does this atomically where the kernel has it (5.6 and
// later); elsewhere a walk opens one component at a time, never following a link it has not
// read itself, and keeps a descriptor of every directory above it for `..`.
#pragma once

#include "host/unique_fd.h"
#include "host/wasi/wasi_abi.h"

#include <string>
#include <string_view>
#include <sys/types.h>

namespace tycho::host::wasi {

enum class Follow : bool { no, yes };

struct Opened {
    UniqueFd fd;
    Errno error = Errno::Success;
};

// Opens `path` relative to directory `dir` and beneath it, as openat(2) with `flags` (O_CLOEXEC
// is added) and `mode`. A symbolic link as the last component is followed only with
// Follow::yes; otherwise opening it fails with ELOOP (or, with O_PATH, opens the link itself).
// An empty path is ENOENT; a path with a NUL byte is EINVAL.
Opened open_beneath(int dir, std::string_view path, int flags, mode_t mode, Follow follow);

// The directory that holds the last component of `path` (resolved beneath `dir`, following
// links on the way) and that component's name, for the *at(2) calls that act on a name
// without following it (unlinkat, mkdirat, renameat, ...). A trailing slash is kept on the
// name ("d/" -> "d/"), so the kernel still insists on a directory. `parent` is `dir` itself
// when the path has one component; then `owned` is empty.
struct Parent {
    UniqueFd owned;
    int fd = -1;
    std::string name;
    Errno error = Errno::Success;
};
Parent parent_beneath(int dir, std::string_view path);

// For tests: makes open_beneath use the component walk even where openat2 exists.
void force_component_walk(bool enabled);

} // namespace tycho::host::wasi
