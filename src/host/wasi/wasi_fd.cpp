// The fd_ functions that are about a descriptor rather than its data, and setting up a
// table's stdio and preopens.
#include "host/wasi/wasi_functions.h"

#include <array>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace tycho::host {

namespace {

// The runtime's own 0, 1 and 2 as borrowed descriptors, probed once for every process that
// uses them (what they are does not change while the runtime runs).
const std::shared_ptr<wasi::HostFd>& runtime_stdio(int host_fd) {
    static const std::array<std::shared_ptr<wasi::HostFd>, 3> wrapped = {
        wasi::HostFd::borrowed(0), wasi::HostFd::borrowed(1), wasi::HostFd::borrowed(2)};
    return wrapped[size_t(host_fd)];
}

wasi::Descriptor stdio_descriptor(int host_fd, uint64_t allowed) {
    using namespace wasi;
    Descriptor d;
    d.host = host_fd >= 0 && host_fd < 3 ? runtime_stdio(host_fd) : HostFd::borrowed(host_fd);
    d.type = d.host->probe().type;
    d.rights_base = d.host->probe().rights & allowed;
    return d;
}

} // namespace

void add_stdio(WasiContext& context, int stdin_fd, int stdout_fd, int stderr_fd, OutputSink* sink) {
    using namespace wasi;
    // Rights: stdin only reads, stdout and stderr only write; whatever else the host
    // descriptor allows (seeking a file, polling) stays.
    const uint64_t not_writing = ~(rights::kFdWrite | rights::kFdAllocate |
                                   rights::kFdFilestatSetSize | rights::kFdDatasync);
    const uint64_t not_reading = ~rights::kFdRead;
    if (stdin_fd >= 0) {
        context.fds.place(0, stdio_descriptor(stdin_fd, not_writing));
    } else {
        Descriptor empty; // end of file at once, like a closed pipe
        empty.rights_base = rights::kFdRead | rights::kPollFdReadwrite | rights::kFdFilestatGet;
        context.fds.place(0, std::move(empty));
    }
    int outputs[2] = {stdout_fd, stderr_fd};
    for (uint32_t fd = 1; fd <= 2; ++fd) {
        if (sink != nullptr) {
            Descriptor captured;
            captured.sink = sink;
            captured.rights_base =
                rights::kFdWrite | rights::kPollFdReadwrite | rights::kFdFilestatGet;
            context.fds.place(fd, std::move(captured));
        } else {
            context.fds.place(fd, stdio_descriptor(outputs[fd - 1], not_reading));
        }
    }
}

void add_preopen(WasiContext& context, std::shared_ptr<wasi::HostFd> directory, std::string name,
                 uint64_t root) {
    using namespace wasi;
    Descriptor d;
    d.host = std::move(directory);
    d.type = FileType::Directory;
    d.rights_base = rights::kDirectory;
    d.rights_inheriting = rights::kAll;
    d.preopen_name = std::move(name);
    d.root = root != 0 ? root : fresh_root();
    context.fds.insert(std::move(d));
}

void add_socket(WasiContext& context, std::shared_ptr<wasi::HostFd> socket) {
    using namespace wasi;
    Descriptor d;
    d.type = socket->probe().type;
    d.rights_base = socket->probe().rights;
    d.host = std::move(socket);
    context.fds.insert(std::move(d));
}

namespace wasi {

namespace {

Descriptor* with_rights(Call& call, uint32_t fd, uint64_t needed, Errno& error) {
    return call.checked(fd, needed, error);
}

// Host errors of posix_fadvise/posix_fallocate come back as the result, not in errno.
Errno from_result(int result) {
    return result == 0 ? Errno::Success : errno_from_host(result);
}

Errno sync_with(Call& call, uint32_t fd, uint64_t right, int (*sync)(int)) {
    Errno error = Errno::Success;
    Descriptor* d = with_rights(call, fd, right, error);
    if (d == nullptr) return error;
    if (!d->host) return Errno::Inval;
    // fsync may take long: it runs off the worker, holding the descriptor alive.
    auto host = d->host;
    auto result = std::make_shared<int>(0);
    if (!call.run_blocking([host, result, sync] { *result = sync(host->fd()) == 0 ? 0 : errno; }))
        return Errno::Intr;
    return from_result(*result);
}

} // namespace

Errno fd_advise(Call& call, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
    Errno error = Errno::Success;
    Descriptor* d = with_rights(call, fd, rights::kFdAdvise, error);
    if (d == nullptr) return error;
    static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                      POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                      POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    if (advice >= std::size(kAdvice)) return Errno::Inval;
    if (offset > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX)) return Errno::Inval;
    if (d->type == FileType::Directory) return Errno::Success; // advice only; nothing to do
    if (!d->host) return Errno::Spipe;
    return from_result(::posix_fadvise(d->host_fd(), off_t(offset), off_t(len), kAdvice[advice]));
}

Errno fd_allocate(Call& call, uint32_t fd, uint64_t offset, uint64_t len) {
    Errno error = Errno::Success;
    Descriptor* d = with_rights(call, fd, rights::kFdAllocate, error);
    if (d == nullptr) return error;
    if (len == 0 || offset > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX) - offset)
        return Errno::Inval;
    return from_result(::posix_fallocate(d->host_fd(), off_t(offset), off_t(len)));
}

Errno fd_close(Call& call, uint32_t fd) {
    return call.context.fds.close(fd);
}

Errno fd_datasync(Call& call, uint32_t fd) {
    return sync_with(call, fd, rights::kFdDatasync, ::fdatasync);
}

Errno fd_sync(Call& call, uint32_t fd) {
    return sync_with(call, fd, rights::kFdSync, ::fsync);
}

Errno fd_fdstat_get(Call& call, uint32_t fd, uint32_t fdstat_out) {
    Descriptor* d = call.descriptor(fd);
    if (d == nullptr) return Errno::Badf;
    auto out = call.memory.bytes(fdstat_out, kFdstatSize);
    if (!out) return Errno::Fault;
    std::memset(out->data(), 0, kFdstatSize);
    out->data()[0] = uint8_t(d->type);
    std::memcpy(out->data() + kFdstatFlagsOffset, &d->flags, 2);
    std::memcpy(out->data() + kFdstatRightsBaseOffset, &d->rights_base, 8);
    std::memcpy(out->data() + kFdstatRightsInheritingOffset, &d->rights_inheriting, 8);
    return Errno::Success;
}

// APPEND and NONBLOCK can change; the synchronous-write flags cannot (Linux fixes them at
// open). NONBLOCK is the guest's view only: the host descriptor's mode stays as it is, since
// it may be shared.
Errno fd_fdstat_set_flags(Call& call, uint32_t fd, uint32_t flags) {
    Errno error = Errno::Success;
    Descriptor* d = with_rights(call, fd, rights::kFdFdstatSetFlags, error);
    if (d == nullptr) return error;
    if ((flags & ~uint32_t(fdflags::kAll)) != 0) return Errno::Inval;
    constexpr uint16_t kFixed = fdflags::kDsync | fdflags::kRsync | fdflags::kSync;
    if ((flags & kFixed) != (d->flags & kFixed)) return Errno::Notsup;
    if ((flags & fdflags::kAppend) != (d->flags & fdflags::kAppend)) {
        if (!d->host || d->type != FileType::RegularFile) return Errno::Notsup;
        const int status = ::fcntl(d->host_fd(), F_GETFL);
        if (status < 0) return errno_from_host(errno);
        const int wanted = (flags & fdflags::kAppend) != 0 ? status | O_APPEND : status & ~O_APPEND;
        if (::fcntl(d->host_fd(), F_SETFL, wanted) != 0) return errno_from_host(errno);
    }
    d->flags = uint16_t(flags);
    return Errno::Success;
}

// Rights can only be dropped.
Errno fd_fdstat_set_rights(Call& call, uint32_t fd, uint64_t base, uint64_t inheriting) {
    Descriptor* d = call.descriptor(fd);
    if (d == nullptr) return Errno::Badf;
    if ((base & ~d->rights_base) != 0 || (inheriting & ~d->rights_inheriting) != 0)
        return Errno::Notcapable;
    d->rights_base = base;
    d->rights_inheriting = inheriting;
    return Errno::Success;
}

Errno fd_filestat_get(Call& call, uint32_t fd, uint32_t filestat_out) {
    Errno error = Errno::Success;
    Descriptor* d = with_rights(call, fd, rights::kFdFilestatGet, error);
    if (d == nullptr) return error;
    return store_filestat_of(call, *d, filestat_out);
}

Errno fd_filestat_set_size(Call& call, uint32_t fd, uint64_t size) {
    Errno error = Errno::Success;
    Descriptor* d = with_rights(call, fd, rights::kFdFilestatSetSize, error);
    if (d == nullptr) return error;
    if (size > uint64_t(INT64_MAX)) return Errno::Fbig;
    if (!d->host) return Errno::Inval;
    while (::ftruncate(d->host_fd(), off_t(size)) != 0)
        if (errno != EINTR) return errno_from_host(errno);
    return Errno::Success;
}

Errno fd_filestat_set_times(Call& call, uint32_t fd, uint64_t atim, uint64_t mtim,
                            uint32_t fst_flags) {
    Errno error = Errno::Success;
    Descriptor* d = with_rights(call, fd, rights::kFdFilestatSetTimes, error);
    if (d == nullptr) return error;
    timespec times[2];
    if (Errno e = times_from(atim, mtim, fst_flags, times); e != Errno::Success) return e;
    if (!d->host) return Errno::Badf;
    if (::futimens(d->host_fd(), times) == 0) return Errno::Success;
    if (errno != EBADF) return errno_from_host(errno);
    // A descriptor opened only for its path (O_PATH) takes times through its /proc name.
    const std::string name = "/proc/self/fd/" + std::to_string(d->host_fd());
    return ::utimensat(AT_FDCWD, name.c_str(), times, 0) == 0 ? Errno::Success
                                                              : errno_from_host(errno);
}

Errno fd_prestat_get(Call& call, uint32_t fd, uint32_t prestat_out) {
    Descriptor* d = call.descriptor(fd);
    if (d == nullptr || !d->preopen_name) {
        if (call.context.fds.preopen_count() == 0) call.context.found_no_preopens = true;
        return Errno::Badf;
    }
    auto out = call.memory.bytes(prestat_out, kPrestatSize);
    if (!out) return Errno::Fault;
    std::memset(out->data(), 0, kPrestatSize); // tag 0: a directory
    const auto length = uint32_t(d->preopen_name->size());
    std::memcpy(out->data() + 4, &length, 4);
    return Errno::Success;
}

Errno fd_prestat_dir_name(Call& call, uint32_t fd, uint32_t path, uint32_t path_len) {
    Descriptor* d = call.descriptor(fd);
    if (d == nullptr || !d->preopen_name) return Errno::Badf;
    if (path_len < d->preopen_name->size()) return Errno::Nametoolong;
    if (!call.memory.write(path, *d->preopen_name)) return Errno::Fault;
    return Errno::Success;
}

Errno fd_renumber(Call& call, uint32_t from, uint32_t to) {
    return call.context.fds.renumber(from, to);
}

Errno fd_seek(Call& call, uint32_t fd, int64_t offset, uint32_t whence, uint32_t newoffset_out) {
    Descriptor* d = call.descriptor(fd);
    if (d == nullptr || d->type == FileType::Directory) return Errno::Badf;
    // Asking where it is needs only the right to tell.
    const bool telling = offset == 0 && whence == (call.dialect == Dialect::Preview1 ? 1u : 0u);
    const uint64_t needed = telling ? rights::kFdTell : rights::kFdSeek;
    if (!d->has(needed)) {
        const bool stream = !d->host || d->type == FileType::CharacterDevice ||
                            d->type == FileType::Unknown || d->type == FileType::SocketStream ||
                            d->type == FileType::SocketDgram;
        return stream ? Errno::Spipe : Errno::Notcapable;
    }
    int host_whence = 0;
    const uint32_t set = call.dialect == Dialect::Preview1 ? 0 : 2;
    const uint32_t cur = call.dialect == Dialect::Preview1 ? 1 : 0;
    const uint32_t end = call.dialect == Dialect::Preview1 ? 2 : 1;
    if (whence == set)
        host_whence = SEEK_SET;
    else if (whence == cur)
        host_whence = SEEK_CUR;
    else if (whence == end)
        host_whence = SEEK_END;
    else
        return Errno::Inval;
    if (!call.memory.bytes(newoffset_out, 8)) return Errno::Fault;
    if (d->host_fd() < 0) return Errno::Spipe; // stdin without a host fd: nothing to seek
    const off_t position = ::lseek(d->host_fd(), off_t(offset), host_whence);
    if (position < 0) return errno_from_host(errno);
    call.memory.store<uint64_t>(newoffset_out, uint64_t(position));
    return Errno::Success;
}

Errno fd_tell(Call& call, uint32_t fd, uint32_t offset_out) {
    const uint32_t cur = call.dialect == Dialect::Preview1 ? 1 : 0;
    return fd_seek(call, fd, 0, cur, offset_out);
}

} // namespace wasi
} // namespace tycho::host
