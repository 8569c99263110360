// Socket addresses as the networking ABI passes them (lunatic-abi.md §13): in as
// (addr_type, address bytes, port, flow_info, scope_id), out as entries of DNS iterators.
#pragma once

#include "host/guest_memory.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

namespace tycho::host {

// An IPv4 or IPv6 socket address, as the kernel takes it.
struct SocketAddress {
    union {
        sockaddr generic;
        sockaddr_in v4;
        sockaddr_in6 v6;
    };
    SocketAddress() : v6{} { v6.sin6_family = AF_UNSPEC; }

    bool is_v6() const { return generic.sa_family == AF_INET6; }
    int family() const { return generic.sa_family; }
    socklen_t length() const { return is_v6() ? sizeof(sockaddr_in6) : sizeof(sockaddr_in); }
    uint16_t port() const { return ntohs(is_v6() ? v6.sin6_port : v4.sin_port); }
    void set_port(uint16_t port);
    const sockaddr* raw() const { return &generic; }

    // nullopt unless `raw` holds an IPv4 or IPv6 address.
    static std::optional<SocketAddress> from(const sockaddr* raw, socklen_t length);
    // An IP literal ("127.0.0.1", "::1"; no brackets) with `port`; nullopt if it is none.
    static std::optional<SocketAddress> parse_ip(const std::string& text, uint16_t port);
};

bool operator==(const SocketAddress& a, const SocketAddress& b);

// "127.0.0.1:80", "[::1]:443", as error messages and the policy show addresses.
std::string to_string(const SocketAddress& address);
// The IP without the port: "127.0.0.1", "::1".
std::string ip_to_string(const SocketAddress& address);

// Reads the five address parameters of tcp_bind, tcp_connect, udp_send_to, ... (§13.1).
// nullopt after trapping the call when addr_type is neither 4 nor 6 or the bytes are out of
// bounds; `function` names the host call in the trap message.
std::optional<SocketAddress> read_guest_address(wasm::Caller& caller, GuestMemory& memory,
                                                const char* function, int32_t addr_type,
                                                uint32_t addr_ptr, int32_t port, int32_t flow_info,
                                                int32_t scope_id);

// Where resolve_next writes one address (§13.2).
struct AddressOutPointers {
    uint32_t addr_type_ptr;
    uint32_t addr_ptr;
    uint32_t port_ptr;
    uint32_t flow_info_ptr;
    uint32_t scope_id_ptr;
};
// Writes `address` as §13.2 says (IPv4 leaves flow_info and scope_id untouched); false after
// trapping the call when a pointer is out of bounds.
bool write_guest_address(GuestMemory& memory, const SocketAddress& address,
                         const AddressOutPointers& out);

} // namespace tycho::host
