#include "root_preopens.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>

namespace tycho::cli {

namespace {

std::variant<host::UniqueFd, std::string> listen_on(const host::ListenAddress& address) {
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_port = htons(address.port);
    if (::inet_pton(AF_INET, address.ip.c_str(), &where.sin_addr) != 1)
        return std::string("not an IPv4 address");
    host::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) return std::string(std::strerror(errno));
    const int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&where), sizeof where) != 0 ||
        ::listen(fd.get(), 1024) != 0)
        return std::string(std::strerror(errno));
    return fd;
}

} // namespace

std::variant<std::shared_ptr<const host::PreopenSet>, std::string>
open_root_preopens(std::span<const host::PreopenDir> dirs,
                   std::span<const host::ListenAddress> listen) {
    auto opened = host::open_preopens(dirs, nullptr);
    if (auto* error = std::get_if<std::string>(&opened)) return "--dir: " + *error;
    auto set = std::make_shared<host::PreopenSet>(*std::get<0>(opened));
    for (const host::ListenAddress& address : listen) {
        auto socket = listen_on(address);
        if (auto* error = std::get_if<std::string>(&socket))
            return "--tcplisten " + address.to_string() + ": " + *error;
        set->sockets.push_back(host::wasi::HostFd::owned(std::move(std::get<0>(socket))));
    }
    return std::shared_ptr<const host::PreopenSet>(std::move(set));
}

} // namespace tycho::cli
