#include "host/networking/sockets.h"

#include <sys/socket.h>

namespace tycho::host {

std::variant<UniqueFd, int> open_tcp_listener(const SocketAddress& address) {
    UniqueFd fd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) return errno;
    const int on = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        ::bind(fd.get(), address.raw(), address.length()) != 0 ||
        ::listen(fd.get(), SOMAXCONN) != 0)
        return errno;
    return fd;
}

Accepted accept_connection(wasm::Caller& caller, int listening) {
    sockaddr_storage peer{};
    socklen_t length = 0;
    const IoResult result =
        perform_io(caller, listening, runtime::IoEvent::readable, std::nullopt, [&]() -> int {
            for (;;) {
                length = sizeof peer;
                const int fd = ::accept4(listening, reinterpret_cast<sockaddr*>(&peer), &length,
                                         SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0 && errno == ECONNABORTED) continue;
                return fd;
            }
        });
    Accepted out;
    out.kind = result.kind;
    if (result.kind == IoResult::Kind::failed) out.error = result.error;
    if (result.kind != IoResult::Kind::done) return out;
    out.socket = UniqueFd(int(result.bytes));
    out.peer = SocketAddress::from(reinterpret_cast<const sockaddr*>(&peer), length);
    return out;
}

std::variant<SocketAddress, int> address_of(int fd, bool peer) {
    sockaddr_storage raw{};
    socklen_t length = sizeof raw;
    auto* generic = reinterpret_cast<sockaddr*>(&raw);
    if ((peer ? ::getpeername(fd, generic, &length) : ::getsockname(fd, generic, &length)) != 0)
        return errno;
    if (auto address = SocketAddress::from(generic, length)) return *address;
    return EAFNOSUPPORT;
}

bool give_address(wasm::Caller& caller, GuestMemory& memory, const char* function,
                  const SocketAddress& address, uint32_t out_ptr) {
    auto id = add_dns_iterator(caller, function, {address});
    return id && memory.store<uint64_t>(out_ptr, *id);
}

} // namespace tycho::host
