// The path_ functions: every path is resolved beneath the directory descriptor it is given
// (sandbox.h), and the last component is acted on by name through the *at(2) calls, which
// never follow it, unless the function's lookup flags ask for that.
#include "host/wasi/sandbox.h"
#include "host/wasi/wasi_functions.h"

#include <array>
#include <climits>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace tycho::host::wasi {

namespace {

bool is_directory(const Descriptor& d) {
    return d.host && d.type == FileType::Directory;
}

// The directory descriptor a path function starts from: EBADF, ENOTDIR, then ENOTCAPABLE
// without `needed`.
Descriptor* directory(Call& call, uint32_t fd, uint64_t needed, Errno& error) {
    return call.checked(fd, needed, error, is_directory, Errno::Notdir);
}

Errno host_result(int result) {
    return result == 0 ? Errno::Success : errno_from_host(errno);
}

bool ends_with_slash(std::string_view path) {
    return !path.empty() && path.back() == '/';
}

// Rights that need the host descriptor open for reading or for writing.
constexpr uint64_t kReadRights = rights::kFdRead | rights::kFdReaddir;
constexpr uint64_t kWriteRights =
    rights::kFdWrite | rights::kFdAllocate | rights::kFdFilestatSetSize;

// The name under /proc through which a descriptor opened with O_PATH is used as a path.
std::string proc_name(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

// Runs `body(parent_fd, name)` on the parent of `path` beneath `d`.
template <class Body> Errno on_parent(const Descriptor& d, std::string_view path, Body&& body) {
    Parent parent = parent_beneath(d.host_fd(), path);
    if (parent.error != Errno::Success) return parent.error;
    return body(parent.fd, parent.name);
}

// The two ends of a rename or link: each directory with its right and its path, both
// reached through the same preopen.
struct TwoPaths {
    Parent source;
    Parent target;
    Descriptor* from = nullptr;
    std::string_view old_name;
};

std::optional<TwoPaths> two_paths(Call& call, uint32_t old_fd, uint64_t old_right,
                                  uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
                                  uint64_t new_right, uint32_t new_path, uint32_t new_path_len,
                                  bool source_parent, Errno& error) {
    Descriptor* from = directory(call, old_fd, old_right, error);
    if (from == nullptr) return std::nullopt;
    Descriptor* to = directory(call, new_fd, new_right, error);
    if (to == nullptr) return std::nullopt;
    auto old_name = call.path(old_path, old_path_len, error);
    if (!old_name) return std::nullopt;
    auto new_name = call.path(new_path, new_path_len, error);
    if (!new_name) return std::nullopt;
    // A file never moves, nor gets a second name, from one preopened directory into another.
    if (from->root != to->root) {
        error = Errno::Notcapable;
        return std::nullopt;
    }
    TwoPaths paths;
    paths.from = from;
    paths.old_name = *old_name;
    if (source_parent) {
        paths.source = parent_beneath(from->host_fd(), *old_name);
        error = paths.source.error;
        if (error != Errno::Success) return std::nullopt;
    }
    paths.target = parent_beneath(to->host_fd(), *new_name);
    error = paths.target.error;
    if (error != Errno::Success) return std::nullopt;
    return paths;
}

} // namespace

Errno path_open(Call& call, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                uint32_t open_flags, uint64_t rights_base, uint64_t rights_inheriting,
                uint32_t fd_flags, uint32_t fd_out) {
    Errno error = Errno::Success;
    Descriptor* dir = directory(call, fd, rights::kPathOpen, error);
    if (dir == nullptr) return error;
    if ((open_flags & ~uint32_t(oflags::kAll)) != 0 || (fd_flags & ~uint32_t(fdflags::kAll)) != 0)
        return Errno::Inval;
    if ((open_flags & oflags::kCreat) != 0 && !dir->has(rights::kPathCreateFile))
        return Errno::Notcapable;
    if ((open_flags & oflags::kTrunc) != 0 && !dir->has(rights::kPathFilestatSetSize))
        return Errno::Notcapable;
    // What a descriptor opened here may hold is what the directory passes on.
    if ((rights_base & ~dir->rights_inheriting) != 0 ||
        (rights_inheriting & ~dir->rights_inheriting) != 0)
        return Errno::Notcapable;
    auto name = call.path(path, path_len, error);
    if (!name) return error;
    if (!call.memory.bytes(fd_out, 4)) return Errno::Fault;
    if (call.context.fds.open_count() >= FdTable::kMaxDescriptors) return Errno::Mfile;

    const bool reading = (rights_base & kReadRights) != 0;
    const bool writing = (rights_base & kWriteRights) != 0 || (fd_flags & fdflags::kAppend) != 0;
    int flags = reading && writing ? O_RDWR : writing ? O_WRONLY : O_RDONLY;
    if ((open_flags & oflags::kCreat) != 0) flags |= O_CREAT;
    if ((open_flags & oflags::kDirectory) != 0) flags |= O_DIRECTORY;
    if ((open_flags & oflags::kExcl) != 0) flags |= O_EXCL;
    if ((open_flags & oflags::kTrunc) != 0) flags |= O_TRUNC;
    if ((fd_flags & fdflags::kAppend) != 0) flags |= O_APPEND;
    if ((fd_flags & fdflags::kDsync) != 0) flags |= O_DSYNC;
    if ((fd_flags & fdflags::kRsync) != 0) flags |= O_RSYNC;
    if ((fd_flags & fdflags::kSync) != 0) flags |= O_SYNC;
    // Never wait in open itself (a FIFO without a writer); reads and writes wait through the
    // binding instead.
    flags |= O_NONBLOCK | O_NOCTTY;
    const Follow follow = (dirflags & kLookupSymlinkFollow) != 0 ? Follow::yes : Follow::no;
    Opened opened = open_beneath(dir->host_fd(), *name, flags, 0666, follow);
    // Neither reading nor writing (a directory to walk from, a file to stat): a descriptor
    // for the path alone needs no read permission.
    if (opened.error == Errno::Acces && !reading && !writing && (flags & (O_CREAT | O_TRUNC)) == 0)
        opened = open_beneath(dir->host_fd(), *name, O_PATH | (flags & O_DIRECTORY), 0, follow);
    if (opened.error != Errno::Success) return opened.error;

    Descriptor d;
    d.host = HostFd::owned(std::move(opened.fd));
    d.type = d.host->probe().type;
    d.rights_base = rights_base & d.host->probe().rights;
    d.rights_inheriting = rights_inheriting;
    d.flags = uint16_t(fd_flags);
    d.root = dir->root;
    return call.install(std::move(d), fd_out);
}

Errno path_create_directory(Call& call, uint32_t fd, uint32_t path, uint32_t path_len) {
    Errno error = Errno::Success;
    Descriptor* dir = directory(call, fd, rights::kPathCreateDirectory, error);
    if (dir == nullptr) return error;
    auto name = call.path(path, path_len, error);
    if (!name) return error;
    return on_parent(*dir, *name, [](int parent, const std::string& last) {
        return host_result(::mkdirat(parent, last.c_str(), 0777));
    });
}

Errno path_remove_directory(Call& call, uint32_t fd, uint32_t path, uint32_t path_len) {
    Errno error = Errno::Success;
    Descriptor* dir = directory(call, fd, rights::kPathRemoveDirectory, error);
    if (dir == nullptr) return error;
    auto name = call.path(path, path_len, error);
    if (!name) return error;
    return on_parent(*dir, *name, [](int parent, const std::string& last) {
        if (::unlinkat(parent, last.c_str(), AT_REMOVEDIR) == 0) return Errno::Success;
        // Some file systems say EEXIST for a directory that is not empty.
        return errno == EEXIST ? Errno::Notempty : errno_from_host(errno);
    });
}

Errno path_unlink_file(Call& call, uint32_t fd, uint32_t path, uint32_t path_len) {
    Errno error = Errno::Success;
    Descriptor* dir = directory(call, fd, rights::kPathUnlinkFile, error);
    if (dir == nullptr) return error;
    auto name = call.path(path, path_len, error);
    if (!name) return error;
    if (ends_with_slash(*name)) {
        // "f/" names a directory, which unlink does not remove.
        Opened target = open_beneath(dir->host_fd(), *name, O_PATH, 0, Follow::yes);
        return target.error != Errno::Success ? target.error : Errno::Isdir;
    }
    return on_parent(*dir, *name, [](int parent, const std::string& last) {
        return host_result(::unlinkat(parent, last.c_str(), 0));
    });
}

Errno path_rename(Call& call, uint32_t fd, uint32_t old_path, uint32_t old_path_len,
                  uint32_t new_fd, uint32_t new_path, uint32_t new_path_len) {
    Errno error = Errno::Success;
    auto paths = two_paths(call, fd, rights::kPathRenameSource, old_path, old_path_len, new_fd,
                           rights::kPathRenameTarget, new_path, new_path_len, true, error);
    if (!paths) return error;
    return host_result(::renameat(paths->source.fd, paths->source.name.c_str(), paths->target.fd,
                                  paths->target.name.c_str()));
}

Errno path_symlink(Call& call, uint32_t old_path, uint32_t old_path_len, uint32_t fd,
                   uint32_t new_path, uint32_t new_path_len) {
    Errno error = Errno::Success;
    Descriptor* dir = directory(call, fd, rights::kPathSymlink, error);
    if (dir == nullptr) return error;
    auto target = call.path(old_path, old_path_len, error);
    if (!target) return error;
    auto name = call.path(new_path, new_path_len, error);
    if (!name) return error;
    if (target->find('\0') != std::string_view::npos) return Errno::Inval;
    // A link to an absolute path could never be followed inside the sandbox.
    if (!target->empty() && target->front() == '/') return Errno::Notcapable;
    const std::string contents(*target);
    return on_parent(*dir, *name, [&](int parent, const std::string& last) {
        return host_result(::symlinkat(contents.c_str(), parent, last.c_str()));
    });
}

Errno path_readlink(Call& call, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                    uint32_t buf_len, uint32_t bufused_out) {
    Errno error = Errno::Success;
    Descriptor* dir = directory(call, fd, rights::kPathReadlink, error);
    if (dir == nullptr) return error;
    auto name = call.path(path, path_len, error);
    if (!name) return error;
    auto out = call.memory.bytes(buf, buf_len);
    if (!out || !call.memory.bytes(bufused_out, 4)) return Errno::Fault;
    if (ends_with_slash(*name)) {
        // "l/" is what l leads to, which is a directory, never a link.
        Opened target = open_beneath(dir->host_fd(), *name, O_PATH, 0, Follow::yes);
        return target.error != Errno::Success ? target.error : Errno::Inval;
    }
    return on_parent(*dir, *name, [&](int parent, const std::string& last) {
        std::array<char, PATH_MAX> contents;
        const ssize_t n = ::readlinkat(parent, last.c_str(), contents.data(), contents.size());
        if (n < 0) return errno_from_host(errno);
        const auto copied = uint32_t(std::min<size_t>(size_t(n), buf_len));
        std::copy_n(contents.data(), copied, out->data());
        call.memory.store<uint32_t>(bufused_out, copied);
        return Errno::Success;
    });
}

Errno path_link(Call& call, uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                uint32_t old_path_len, uint32_t new_fd, uint32_t new_path, uint32_t new_path_len) {
    Errno error = Errno::Success;
    const bool follow = (old_flags & kLookupSymlinkFollow) != 0;
    auto paths = two_paths(call, old_fd, rights::kPathLinkSource, old_path, old_path_len, new_fd,
                           rights::kPathLinkTarget, new_path, new_path_len, !follow, error);
    if (!paths) return error;
    const Parent& target = paths->target;
    if (follow) {
        // The file the link leads to, found beneath the directory, then linked by descriptor.
        Opened source =
            open_beneath(paths->from->host_fd(), paths->old_name, O_PATH, 0, Follow::yes);
        if (source.error != Errno::Success) return source.error;
        return host_result(::linkat(AT_FDCWD, proc_name(source.fd.get()).c_str(), target.fd,
                                    target.name.c_str(), AT_SYMLINK_FOLLOW));
    }
    return host_result(
        ::linkat(paths->source.fd, paths->source.name.c_str(), target.fd, target.name.c_str(), 0));
}

Errno path_filestat_get(Call& call, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len,
                        uint32_t filestat_out) {
    Errno error = Errno::Success;
    Descriptor* dir = directory(call, fd, rights::kPathFilestatGet, error);
    if (dir == nullptr) return error;
    auto name = call.path(path, path_len, error);
    if (!name) return error;
    const Follow follow = (flags & kLookupSymlinkFollow) != 0 ? Follow::yes : Follow::no;
    Opened target = open_beneath(dir->host_fd(), *name, O_PATH, 0, follow);
    if (target.error != Errno::Success) return target.error;
    struct stat st{};
    if (::fstat(target.fd.get(), &st) != 0) return errno_from_host(errno);
    return store_filestat(call, st, filestat_out);
}

Errno path_filestat_set_times(Call& call, uint32_t fd, uint32_t flags, uint32_t path,
                              uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fst_flags) {
    Errno error = Errno::Success;
    Descriptor* dir = directory(call, fd, rights::kPathFilestatSetTimes, error);
    if (dir == nullptr) return error;
    timespec times[2];
    if (Errno e = times_from(atim, mtim, fst_flags, times); e != Errno::Success) return e;
    auto name = call.path(path, path_len, error);
    if (!name) return error;
    if ((flags & kLookupSymlinkFollow) == 0 && !ends_with_slash(*name)) {
        // The last component itself, even when it is a link.
        return on_parent(*dir, *name, [&](int parent, const std::string& last) {
            return host_result(::utimensat(parent, last.c_str(), times, AT_SYMLINK_NOFOLLOW));
        });
    }
    Opened target = open_beneath(dir->host_fd(), *name, O_PATH, 0, Follow::yes);
    if (target.error != Errno::Success) return target.error;
    return host_result(::utimensat(AT_FDCWD, proc_name(target.fd.get()).c_str(), times, 0));
}

} // namespace tycho::host::wasi
