#include "host/networking/host_port.h"

#include <charconv>

namespace tycho::host {

namespace {

// The longest name DNS can carry (RFC 1035: 255 octets on the wire, 253 as text).
constexpr size_t kMaxHostBytes = 253;

} // namespace

std::variant<HostPort, std::string> parse_host_port(std::string_view name) {
    const size_t colon = name.rfind(':');
    if (colon == std::string_view::npos)
        return std::string("the port is missing (the name must be HOST:PORT)");
    std::string_view host = name.substr(0, colon);
    const std::string_view port_text = name.substr(colon + 1);
    HostPort parts;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), parts.port);
    if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size())
        return "'" + std::string(port_text) + "' is not a port (a number from 0 to 65535)";
    const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) host = host.substr(1, host.size() - 2);
    if (host.empty()) return std::string("the host is missing (the name must be HOST:PORT)");
    if (host.find('\0') != std::string_view::npos)
        return std::string("the host contains a NUL character");
    parts.host = std::string(host);
    parts.literal = SocketAddress::parse_ip(parts.host, parts.port);
    if (bracketed && (!parts.literal || !parts.literal->is_v6()))
        return "'[" + parts.host + "]' is not an IPv6 address (only those go in brackets)";
    if (!parts.literal && parts.host.size() > kMaxHostBytes)
        return "the host name is longer than " + std::to_string(kMaxHostBytes) + " characters";
    return parts;
}

} // namespace tycho::host
