// Socket operations that TCP, TLS and UDP share: a listening socket, accepting from it, and
// a socket's addresses as the guest receives them (one-element DNS iterators, §13.2).
#pragma once

#include "host/networking/net_call.h"
#include "host/networking/socket_address.h"
#include "host/unique_fd.h"

#include <optional>
#include <variant>

namespace tycho::host {

// A non-blocking TCP socket listening on `address`, bound as Rust's std binds one:
// SO_REUSEADDR (a port in TIME_WAIT can be bound again at once), IPV6_V6ONLY left as the
// system has it; or the errno.
std::variant<UniqueFd, int> open_tcp_listener(const SocketAddress& address);

struct Accepted {
    IoResult::Kind kind = IoResult::Kind::done;
    int error = 0;   // failed: the errno
    UniqueFd socket; // done: non-blocking
    std::optional<SocketAddress> peer;
};

// The next connection on `listening`, parking the process until one comes. A connection
// reset while it waited in the queue is skipped.
Accepted accept_connection(wasm::Caller& caller, int listening);

// The local (`peer` false) or remote address of `fd`, or the errno.
std::variant<SocketAddress, int> address_of(int fd, bool peer);

// Stores a one-element DNS iterator holding `address` and writes its id at `out_ptr`;
// false after trapping.
bool give_address(wasm::Caller& caller, GuestMemory& memory, const char* function,
                  const SocketAddress& address, uint32_t out_ptr);

} // namespace tycho::host
