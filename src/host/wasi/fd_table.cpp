// FdTable, HostFd and probing host descriptors (see fd_table.h).
#include "host/wasi/fd_table.h"

#include <atomic>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

namespace tycho::host::wasi {

HostFd::HostFd(int fd, bool owned) : fd_(fd), owned_(owned), probe_(wasi::probe(fd)) {
    const int status = ::fcntl(fd, F_GETFL);
    nonblocking_ = status >= 0 && (status & O_NONBLOCK) != 0;
}

uint64_t fresh_root() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

HostFd::~HostFd() {
    if (owned_ && fd_ >= 0) ::close(fd_);
}

std::shared_ptr<HostFd> HostFd::owned(UniqueFd fd) {
    return std::shared_ptr<HostFd>(new HostFd(fd.release(), true));
}

std::shared_ptr<HostFd> HostFd::borrowed(int fd) {
    return std::shared_ptr<HostFd>(new HostFd(fd, false));
}

Probe probe(int host_fd) {
    Probe p;
    struct stat st{};
    if (::fstat(host_fd, &st) != 0) return p;
    if (S_ISREG(st.st_mode)) {
        p.type = FileType::RegularFile;
        p.rights = rights::kRegularFile;
    } else if (S_ISDIR(st.st_mode)) {
        p.type = FileType::Directory;
        p.rights = rights::kDirectory;
    } else if (S_ISBLK(st.st_mode)) {
        p.type = FileType::BlockDevice;
        p.rights = rights::kRegularFile;
    } else if (S_ISCHR(st.st_mode)) {
        p.type = FileType::CharacterDevice;
        p.rights = rights::kStream;
    } else if (S_ISSOCK(st.st_mode)) {
        int socket_type = 0;
        socklen_t length = sizeof socket_type;
        const bool dgram = ::getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &socket_type, &length) == 0 &&
                           socket_type == SOCK_DGRAM;
        p.type = dgram ? FileType::SocketDgram : FileType::SocketStream;
        p.rights = rights::kSocket;
    } else if (S_ISLNK(st.st_mode)) {
        p.type = FileType::SymbolicLink;
        p.rights = rights::kFdFilestatGet;
    } else { // a FIFO: WASI has no type for pipes
        p.type = FileType::Unknown;
        p.rights = rights::kStream;
    }
    return p;
}

Descriptor* FdTable::get(uint32_t fd) {
    if (fd >= slots_.size()) return nullptr;
    std::optional<Descriptor>& slot = slots_[fd];
    return slot ? &*slot : nullptr;
}

std::optional<uint32_t> FdTable::insert(Descriptor d) {
    if (open_ >= kMaxDescriptors) return std::nullopt;
    uint32_t fd = 0;
    while (fd < slots_.size() && slots_[fd])
        ++fd;
    place(fd, std::move(d));
    return fd;
}

void FdTable::place(uint32_t fd, Descriptor d) {
    if (fd >= slots_.size()) slots_.resize(size_t(fd) + 1);
    if (!slots_[fd]) ++open_;
    slots_[fd] = std::move(d);
}

size_t FdTable::preopen_count() const {
    size_t count = 0;
    for (const auto& slot : slots_)
        count += slot && slot->preopen_name ? 1 : 0;
    return count;
}

Errno FdTable::close(uint32_t fd) {
    if (get(fd) == nullptr) return Errno::Badf;
    slots_[fd].reset();
    --open_;
    while (!slots_.empty() && !slots_.back())
        slots_.pop_back();
    return Errno::Success;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
    Descriptor* source = get(from);
    if (source == nullptr || get(to) == nullptr) return Errno::Badf;
    if (from == to) return Errno::Success;
    Descriptor moved = std::move(*source);
    close(from);
    slots_[to] = std::move(moved);
    return Errno::Success;
}

} // namespace tycho::host::wasi
