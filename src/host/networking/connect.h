// Finding and reaching a peer, for every function of lunatic::networking that does so:
// resolve and tls_connect look names up here, tcp_connect and tls_connect connect here
// (lunatic-abi.md §20). Both park the process while they wait, never its worker.
#pragma once

#include "host/networking/net_call.h"
#include "host/networking/resolver.h"
#include "host/networking/socket_address.h"
#include "host/unique_fd.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tycho::host {

using Deadline = std::optional<std::chrono::steady_clock::time_point>;

struct Resolution {
    IoResult::Kind kind = IoResult::Kind::done; // never `failed`: that is an error text
    LookupAnswer answer; // done: the addresses, each with the port, or why there are none
};

// The addresses of `host` with `port`: an IP literal as it is, a name through the runtime's
// resolver (resolver.h) unless the policy forbids lookups. timed_out when `deadline`
// passes first; stopped (after stopping `caller`) when the process must die meanwhile.
Resolution resolve_host(wasm::Caller& caller, const std::string& host, uint16_t port,
                        Deadline deadline);

struct Dialed {
    IoResult::Kind kind = IoResult::Kind::done;
    UniqueFd socket;   // done: connected, non-blocking
    std::string error; // failed: why
};

// A TCP connection to `address` (the policy is the caller's business), waiting until
// `deadline` for the handshake.
Dialed connect_to(wasm::Caller& caller, const SocketAddress& address, Deadline deadline);

// Connects to the first of `addresses` that the policy allows and that accepts, trying them
// in order until `deadline`. A failure's text names the last address tried.
Dialed dial(wasm::Caller& caller, const std::vector<SocketAddress>& addresses, Deadline deadline);

} // namespace tycho::host
