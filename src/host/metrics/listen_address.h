// Where the metrics exporter listens: an IPv4 address and a TCP port, as `tycho run
// --metrics ADDRESS:PORT` takes it ("127.0.0.1:9100", "localhost:9100", ":9100" for every
// interface, port 0 for one the system picks).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tycho::host {

struct ListenAddress {
    std::string ip;    // dotted IPv4
    uint16_t port = 0; // 0: any free port
    std::string to_string() const { return ip + ":" + std::to_string(port); }
};

// Parses ADDRESS:PORT. On failure returns nullopt and sets `error` to what is wrong with it.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error);

// Whether a TCP socket can listen on `address` now: nullopt, or why not ("Address already in
// use", "Cannot assign requested address", ...), as the system says it.
std::optional<std::string> check_can_listen(const ListenAddress& address);

} // namespace tycho::host
