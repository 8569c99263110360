#include "host/metrics/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace tycho::host {

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error) {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        error = "no port (expected ADDRESS:PORT)";
        return std::nullopt;
    }
    std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
        port > 65535) {
        error = "the port must be a number from 0 to 65535, got '" + std::string(port_text) + "'";
        return std::nullopt;
    }
    ListenAddress address;
    address.port = uint16_t(port);
    if (host.empty())
        address.ip = "0.0.0.0";
    else if (host == "localhost")
        address.ip = "127.0.0.1";
    else
        address.ip = std::string(host);
    in_addr parsed{};
    if (inet_pton(AF_INET, address.ip.c_str(), &parsed) != 1) {
        error = "'" + std::string(host) + "' is not an IPv4 address (or localhost)";
        return std::nullopt;
    }
    return address;
}

std::optional<std::string> check_can_listen(const ListenAddress& address) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::string(std::strerror(errno));
    // As the HTTP server does: a port left in TIME_WAIT by an earlier run is free.
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_port = htons(address.port);
    inet_pton(AF_INET, address.ip.c_str(), &where.sin_addr);
    std::optional<std::string> problem;
    if (bind(fd, reinterpret_cast<const sockaddr*>(&where), sizeof where) != 0 ||
        listen(fd, 1) != 0)
        problem = std::strerror(errno);
    close(fd);
    return problem;
}

} // namespace tycho::host
