// Opening a TCP connection to a host by name, as tls_connect does (lunatic-abi.md §20.3): the
// name's addresses, then each in turn until one accepts, with a deadline, parking the process
// while it waits.
#pragma once

#include "host/networking/net_call.h"
#include "host/networking/socket_address.h"
#include "host/unique_fd.h"

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tycho::host {

// The addresses of `host` with `port`: an IP literal as it is, a name through the system's
// resolver on the blocking pool (the process waits parked; a lookup is not cut short by a
// deadline). The error text when the lookup fails or the policy forbids lookups; nullopt
// after stopping `caller` when the process must die meanwhile.
std::optional<std::variant<std::vector<SocketAddress>, std::string>>
resolve_host(wasm::Caller& caller, const std::string& host, uint16_t port);

struct Dialed {
    IoResult::Kind kind = IoResult::Kind::done;
    UniqueFd socket;   // done: connected, non-blocking
    std::string error; // failed: "<address>: <reason>" of the last address tried
};

// Connects to the first of `addresses` that the policy allows and that accepts, trying them
// in order until `deadline`.
Dialed dial(wasm::Caller& caller, const std::vector<SocketAddress>& addresses,
            std::optional<std::chrono::steady_clock::time_point> deadline);

} // namespace tycho::host
