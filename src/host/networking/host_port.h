// The names resolve takes (lunatic-abi.md §13.3): "host:port", the port mandatory, the host
// a name, an IPv4 literal or an IPv6 literal (in brackets, or bare as Rust's std accepts it:
// "::1:80" is host ::1, port 80).
#pragma once

#include "host/networking/socket_address.h"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tycho::host {

struct HostPort {
    std::string host; // without brackets
    uint16_t port = 0;
    std::optional<SocketAddress> literal; // set when the host is an IP literal (with the port)
};

// The parts of `name`, or what is wrong with it ("the port is missing ...").
std::variant<HostPort, std::string> parse_host_port(std::string_view name);

} // namespace tycho::host
