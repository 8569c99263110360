// sock_accept, sock_recv, sock_send and sock_shutdown, for sockets handed to the process
// (tycho run --tcplisten) and the connections accepted from them. They wait like fd_read and
// fd_write: only the calling process parks.
#include "host/wasi/wasi_iovec.h"

#include <array>
#include <cerrno>
#include <poll.h>
#include <sys/socket.h>

namespace tycho::host::wasi {

namespace {

bool is_socket(const Descriptor& d) {
    return d.host && (d.type == FileType::SocketStream || d.type == FileType::SocketDgram);
}

// The socket `fd` holding `needed`: EBADF, ENOTSOCK, then ENOTCAPABLE.
Descriptor* socket_with(Call& call, uint32_t fd, uint64_t needed, Errno& error) {
    return call.checked(fd, needed, error, is_socket, Errno::Notsock);
}

msghdr message_of(iovec* entries, int count) {
    msghdr m{};
    m.msg_iov = entries;
    m.msg_iovlen = size_t(count);
    return m;
}

} // namespace

Errno sock_accept(Call& call, uint32_t fd, uint32_t flags, uint32_t fd_out) {
    Errno error = Errno::Success;
    Descriptor* listener = socket_with(call, fd, rights::kSockAccept, error);
    if (listener == nullptr) return error;
    if ((flags & ~uint32_t(fdflags::kNonblock)) != 0) return Errno::Inval;
    if (!call.memory.bytes(fd_out, 4)) return Errno::Fault;
    if (call.context.fds.open_count() >= FdTable::kMaxDescriptors) return Errno::Mfile;
    // A socket that does not listen would never become ready for accepting: EINVAL, as
    // accept(2) says, before any wait.
    int listening = 0;
    socklen_t length = sizeof listening;
    if (::getsockopt(listener->host_fd(), SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 &&
        listening == 0)
        return Errno::Inval;
    for (;;) {
        if (Errno e = ready_before_call(call, *listener, POLLIN); e != Errno::Success) return e;
        const int connection =
            ::accept4(listener->host_fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (connection >= 0) {
            Descriptor d;
            d.host = HostFd::owned(UniqueFd(connection));
            d.type = FileType::SocketStream;
            d.rights_base = rights::kSocket & ~rights::kSockAccept;
            d.flags = uint16_t(flags);
            d.root = listener->root;
            return call.install(std::move(d), fd_out);
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return errno_from_host(errno);
        if (Errno e = ready_after_again(call, *listener, POLLIN); e != Errno::Success) return e;
    }
}

Errno sock_recv(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t ri_flags,
                uint32_t ro_datalen_out, uint32_t ro_flags_out) {
    Errno error = Errno::Success;
    Descriptor* d = socket_with(call, fd, rights::kFdRead, error);
    if (d == nullptr) return error;
    if ((ri_flags & ~uint32_t(kRecvPeek | kRecvWaitall)) != 0) return Errno::Inval;
    auto array = checked_iovecs(call.memory, iovs, iovs_len);
    if (!array || !call.memory.bytes(ro_datalen_out, 4) || !call.memory.bytes(ro_flags_out, 2))
        return Errno::Fault;
    const int flags = (ri_flags & kRecvPeek) != 0 ? MSG_PEEK : 0;
    bool truncated = false;
    uint64_t received = 0; // by earlier reads of a WAITALL: those bytes are filled already
    const IoOperation receive = [flags, &truncated, &received](int host, iovec* entries,
                                                               int count) -> ssize_t {
        std::array<iovec, kIovecBatch> rest;
        int n = 0;
        uint64_t skip = received;
        for (int i = 0; i < count; ++i) {
            if (skip >= entries[i].iov_len) {
                skip -= entries[i].iov_len;
                continue;
            }
            rest[size_t(n)] = {static_cast<uint8_t*>(entries[i].iov_base) + skip,
                               entries[i].iov_len - skip};
            skip = 0;
            ++n;
        }
        if (n == 0) return 0;
        msghdr m = message_of(rest.data(), n);
        const ssize_t got = ::recvmsg(host, &m, flags | MSG_DONTWAIT);
        if (got >= 0 && (m.msg_flags & MSG_TRUNC) != 0) truncated = true;
        return got;
    };
    size_t next = 0;
    const uint64_t capacity = next_batch(call.memory, *array, next, UINT32_MAX).bytes();
    Transfer total;
    // WAITALL: read on until the buffers are full, the peer is done or an error comes.
    for (;;) {
        const Transfer t = read_through(call, *d, *array, receive);
        received += t.bytes;
        total.bytes = received;
        total.error = t.error;
        if ((ri_flags & kRecvWaitall) == 0 || (ri_flags & kRecvPeek) != 0 || t.bytes == 0 ||
            t.error != Errno::Success || received >= capacity)
            break;
    }
    Errno e = finish_transfer(call.memory, total, ro_datalen_out);
    if (e == Errno::Success)
        call.memory.store<uint16_t>(ro_flags_out, truncated ? kRecvDataTruncated : 0);
    return e;
}

Errno sock_send(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t si_flags,
                uint32_t so_datalen_out) {
    Errno error = Errno::Success;
    Descriptor* d = socket_with(call, fd, rights::kFdWrite, error);
    if (d == nullptr) return error;
    if (si_flags != 0) return Errno::Inval;
    auto array = checked_iovecs(call.memory, iovs, iovs_len);
    if (!array || !call.memory.bytes(so_datalen_out, 4)) return Errno::Fault;
    const IoOperation send = [](int host, iovec* entries, int count) {
        msghdr m = message_of(entries, count);
        return ::sendmsg(host, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
    };
    return finish_transfer(call.memory, write_through(call, *d, *array, send), so_datalen_out);
}

Errno sock_shutdown(Call& call, uint32_t fd, uint32_t how) {
    Errno error = Errno::Success;
    Descriptor* d = socket_with(call, fd, rights::kSockShutdown, error);
    if (d == nullptr) return error;
    if (d->host_fd() < 0) return Errno::Notsock;
    int host_how = 0;
    if (how == (kShutRd | kShutWr))
        host_how = SHUT_RDWR;
    else if (how == kShutRd)
        host_how = SHUT_RD;
    else if (how == kShutWr)
        host_how = SHUT_WR;
    else
        return Errno::Inval;
    return ::shutdown(d->host_fd(), host_how) == 0 ? Errno::Success : errno_from_host(errno);
}

} // namespace tycho::host::wasi
