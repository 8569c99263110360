// open_beneath and parent_beneath (see sandbox.h).
#include "host/wasi/sandbox.h"

#include <atomic>
#include <cerrno>
#include <deque>
#include <fcntl.h>
#include <linux/openat2.h>
#include <optional>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace tycho::host::wasi {

namespace {

std::atomic<bool> g_force_walk{false};
std::atomic<bool> g_openat2_missing{false};

// Links followed in one resolution at most, as the kernel's own limit.
constexpr int kMaxLinks = 40;
// Directories held open above the current one during a walk at most.
constexpr size_t kMaxDepth = 256;

Opened failed(Errno e) {
    Opened o;
    o.error = e;
    return o;
}

Opened from_result(int fd) {
    Opened o;
    if (fd >= 0)
        o.fd.reset(fd);
    else
        o.error = errno_from_host(errno);
    return o;
}

bool has_nul(std::string_view path) {
    return path.find('\0') != std::string_view::npos;
}

// openat2 beneath `dir`; nullopt when the kernel has no openat2.
std::optional<Opened> try_openat2(int dir, const std::string& path, int flags, mode_t mode,
                                  Follow follow) {
    open_how how{};
    how.flags = uint64_t(flags | O_CLOEXEC | (follow == Follow::no ? O_NOFOLLOW : 0));
    // O_TMPFILE includes O_DIRECTORY's bit: only all of it means a temporary file.
    const bool creates = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
    how.mode = creates ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    for (;;) {
        const long fd = ::syscall(SYS_openat2, dir, path.c_str(), &how, sizeof how);
        if (fd >= 0) return from_result(int(fd));
        if (errno == EINTR || errno == EAGAIN) continue;
        if (errno == ENOSYS) {
            g_openat2_missing.store(true, std::memory_order_relaxed);
            return std::nullopt;
        }
        // The kernel says EXDEV for every attempt to leave `dir`.
        if (errno == EXDEV) return failed(Errno::Notcapable);
        return from_result(-1);
    }
}

// The path's components; "." and empty ones (from "a//b") dropped. `trailing_slash` tells
// whether the path ended in "/" or "/." (then the last component must be a directory).
std::deque<std::string> components_of(std::string_view path, bool& trailing_slash) {
    std::deque<std::string> parts;
    trailing_slash = false;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        std::string_view part = path.substr(start, end - start);
        const bool last = end == path.size();
        if (part.empty() || part == ".") {
            if (last && !parts.empty()) trailing_slash = true;
        } else {
            parts.emplace_back(part);
        }
        start = end + 1;
    }
    if (!path.empty() && path.back() == '/') trailing_slash = true;
    return parts;
}

// The target of link `name` in `dir`; nullopt when it is not a link.
std::optional<std::string> link_target(int dir, const std::string& name) {
    std::vector<char> buffer(256);
    for (;;) {
        const ssize_t n = ::readlinkat(dir, name.c_str(), buffer.data(), buffer.size());
        if (n < 0) return std::nullopt;
        if (size_t(n) < buffer.size()) return std::string(buffer.data(), size_t(n));
        if (buffer.size() >= 65536) return std::nullopt;
        buffer.resize(buffer.size() * 2);
    }
}

// The component walk: every component is opened with O_NOFOLLOW, and a link is only ever
// followed by splicing in the target it was read to have; `..` steps back to a descriptor
// held from the way down, never through the file system, so a directory moved away while
// the walk is inside it cannot lead out.
Opened walk_beneath(int dir, std::string_view path, int flags, mode_t mode, Follow follow) {
    bool trailing_slash = false;
    std::deque<std::string> parts = components_of(path, trailing_slash);
    std::vector<UniqueFd> above; // the directories walked through; back() is the current one
    auto current = [&] { return above.empty() ? dir : above.back().get(); };
    int links = 0;
    // Splices a link's target in front of the remaining components.
    auto splice = [&](const std::string& target) -> Errno {
        if (++links > kMaxLinks) return Errno::Loop;
        if (target.empty()) return Errno::Noent;
        if (target.front() == '/') return Errno::Notcapable;
        bool target_slash = false;
        std::deque<std::string> more = components_of(target, target_slash);
        if (target_slash && parts.empty()) trailing_slash = true;
        parts.insert(parts.begin(), more.begin(), more.end());
        return Errno::Success;
    };
    for (;;) {
        if (parts.empty()) {
            // The path named the current directory itself, which cannot be created.
            if ((flags & O_CREAT) != 0) return failed(Errno::Isdir);
            const int extra = trailing_slash ? O_DIRECTORY : 0;
            return from_result(
                ::openat(current(), ".", (flags | extra | O_CLOEXEC) & ~O_CREAT, mode));
        }
        std::string part = std::move(parts.front());
        parts.pop_front();
        if (part == "..") {
            if (above.empty()) return failed(Errno::Notcapable);
            above.pop_back();
            continue;
        }
        if (parts.empty()) { // the last component
            // Creating a name that must be a directory: open(2) says EISDIR.
            if ((flags & O_CREAT) != 0 && trailing_slash) return failed(Errno::Isdir);
            // An exclusive create never follows a link: the link itself exists (EEXIST).
            const bool exclusive = (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
            const bool must_follow = (follow == Follow::yes || trailing_slash) && !exclusive;
            if (must_follow) {
                if (auto target = link_target(current(), part)) {
                    if (Errno e = splice(*target); e != Errno::Success) return failed(e);
                    continue;
                }
            }
            const int extra = O_NOFOLLOW | (trailing_slash ? O_DIRECTORY : 0);
            Opened o =
                from_result(::openat(current(), part.c_str(), flags | extra | O_CLOEXEC, mode));
            if (!must_follow || o.error != Errno::Success) {
                // Swapped for a link after it was looked at: look again.
                if (must_follow && o.error == Errno::Loop && link_target(current(), part))
                    parts.push_front(std::move(part));
                else
                    return o;
                continue;
            }
            struct stat st{};
            if ((flags & O_PATH) != 0 && ::fstat(o.fd.get(), &st) == 0 && S_ISLNK(st.st_mode)) {
                parts.push_front(std::move(part)); // O_PATH opened a link swapped in: again
                continue;
            }
            return o;
        }
        const int fd =
            ::openat(current(), part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            if (error == ELOOP || error == ENOTDIR) {
                if (auto target = link_target(current(), part)) {
                    if (Errno e = splice(*target); e != Errno::Success) return failed(e);
                    continue;
                }
            }
            return failed(errno_from_host(error));
        }
        if (above.size() >= kMaxDepth) {
            ::close(fd);
            return failed(Errno::Nametoolong);
        }
        above.emplace_back(fd);
    }
}

} // namespace

void force_component_walk(bool enabled) {
    g_force_walk.store(enabled, std::memory_order_relaxed);
}

Opened open_beneath(int dir, std::string_view path, int flags, mode_t mode, Follow follow) {
    if (path.empty()) return failed(Errno::Noent);
    if (has_nul(path)) return failed(Errno::Inval);
    if (path.front() == '/') return failed(Errno::Notcapable);
    if (!g_force_walk.load(std::memory_order_relaxed) &&
        !g_openat2_missing.load(std::memory_order_relaxed)) {
        if (auto o = try_openat2(dir, std::string(path), flags, mode, follow)) return std::move(*o);
    }
    return walk_beneath(dir, path, flags, mode, follow);
}

Parent parent_beneath(int dir, std::string_view path) {
    Parent p;
    if (path.empty()) {
        p.error = Errno::Noent;
        return p;
    }
    if (has_nul(path)) {
        p.error = Errno::Inval;
        return p;
    }
    if (path.front() == '/') {
        p.error = Errno::Notcapable;
        return p;
    }
    // The name is what follows the last slash that is not part of trailing slashes.
    size_t end = path.size();
    while (end > 0 && path[end - 1] == '/')
        --end;
    const size_t slash = path.rfind('/', end == 0 ? 0 : end - 1);
    const std::string_view last =
        path.substr(slash == std::string_view::npos ? 0 : slash + 1,
                    slash == std::string_view::npos ? end : end - slash - 1);
    if (last == "." || last == "..") {
        // The directory the path names is the one acted on, as ".": a name ".." must never
        // reach the *at calls, which would take it to the parent of `dir` itself.
        Opened named = open_beneath(dir, path, O_PATH | O_DIRECTORY, 0, Follow::yes);
        if (named.error != Errno::Success) {
            p.error = named.error;
            return p;
        }
        p.owned = std::move(named.fd);
        p.fd = p.owned.get();
        p.name = ".";
        return p;
    }
    if (slash == std::string_view::npos || end == 0) {
        p.fd = dir;
        p.name = std::string(path);
        return p;
    }
    p.name = std::string(path.substr(slash + 1));
    Opened parent =
        open_beneath(dir, path.substr(0, slash + 1), O_PATH | O_DIRECTORY, 0, Follow::yes);
    if (parent.error != Errno::Success) {
        p.error = parent.error;
        return p;
    }
    p.owned = std::move(parent.fd);
    p.fd = p.owned.get();
    return p;
}

} // namespace tycho::host::wasi
