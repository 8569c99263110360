#include "host/networking/socket_address.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace tycho::host {

void SocketAddress::set_port(uint16_t port) {
    if (is_v6())
        v6.sin6_port = htons(port);
    else
        v4.sin_port = htons(port);
}

std::optional<SocketAddress> SocketAddress::from(const sockaddr* raw, socklen_t length) {
    SocketAddress address;
    if (raw->sa_family == AF_INET && length >= socklen_t(sizeof(sockaddr_in))) {
        std::memcpy(&address.v4, raw, sizeof(sockaddr_in));
        return address;
    }
    if (raw->sa_family == AF_INET6 && length >= socklen_t(sizeof(sockaddr_in6))) {
        std::memcpy(&address.v6, raw, sizeof(sockaddr_in6));
        return address;
    }
    return std::nullopt;
}

std::optional<SocketAddress> SocketAddress::parse_ip(const std::string& text, uint16_t port) {
    SocketAddress address;
    if (inet_pton(AF_INET, text.c_str(), &address.v4.sin_addr) == 1) {
        address.v4.sin_family = AF_INET;
    } else if (inet_pton(AF_INET6, text.c_str(), &address.v6.sin6_addr) == 1) {
        address.v6.sin6_family = AF_INET6;
    } else {
        return std::nullopt;
    }
    address.set_port(port);
    return address;
}

bool operator==(const SocketAddress& a, const SocketAddress& b) {
    if (a.family() != b.family()) return false;
    if (a.is_v6())
        return std::memcmp(&a.v6.sin6_addr, &b.v6.sin6_addr, sizeof(in6_addr)) == 0 &&
               a.v6.sin6_port == b.v6.sin6_port && a.v6.sin6_scope_id == b.v6.sin6_scope_id;
    if (a.family() != AF_INET) return true; // two unspecified addresses
    return a.v4.sin_addr.s_addr == b.v4.sin_addr.s_addr && a.v4.sin_port == b.v4.sin_port;
}

std::string ip_to_string(const SocketAddress& address) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (address.is_v6())
        inet_ntop(AF_INET6, &address.v6.sin6_addr, text.data(), text.size());
    else if (address.family() == AF_INET)
        inet_ntop(AF_INET, &address.v4.sin_addr, text.data(), text.size());
    else
        return "(no address)";
    return text.data();
}

std::string to_string(const SocketAddress& address) {
    const std::string ip = ip_to_string(address);
    const std::string port = std::to_string(address.port());
    return address.is_v6() ? "[" + ip + "]:" + port : ip + ":" + port;
}

std::optional<SocketAddress> read_guest_address(wasm::Caller& caller, GuestMemory& memory,
                                                const char* function, int32_t addr_type,
                                                uint32_t addr_ptr, int32_t port, int32_t flow_info,
                                                int32_t scope_id) {
    SocketAddress address;
    if (addr_type == 4) {
        auto bytes = memory.read(addr_ptr, 4);
        if (!bytes) return std::nullopt;
        address.v4.sin_family = AF_INET;
        std::memcpy(&address.v4.sin_addr, bytes->data(), 4);
    } else if (addr_type == 6) {
        auto bytes = memory.read(addr_ptr, 16);
        if (!bytes) return std::nullopt;
        address.v6.sin6_family = AF_INET6;
        std::memcpy(&address.v6.sin6_addr, bytes->data(), 16);
        address.v6.sin6_flowinfo = htonl(uint32_t(flow_info));
        address.v6.sin6_scope_id = uint32_t(scope_id);
    } else {
        caller.trap(std::string(function) + ": address type " + std::to_string(addr_type) +
                    " is neither 4 (IPv4) nor 6 (IPv6)");
        return std::nullopt;
    }
    address.set_port(uint16_t(port)); // the low 16 bits (§13.1)
    return address;
}

bool write_guest_address(GuestMemory& memory, const SocketAddress& address,
                         const AddressOutPointers& out) {
    if (address.is_v6()) {
        return memory.store<uint32_t>(out.addr_type_ptr, 6) &&
               memory.write(
                   out.addr_ptr,
                   std::span(reinterpret_cast<const uint8_t*>(&address.v6.sin6_addr), 16)) &&
               memory.store<uint16_t>(out.port_ptr, address.port()) &&
               memory.store<uint32_t>(out.flow_info_ptr, ntohl(address.v6.sin6_flowinfo)) &&
               memory.store<uint32_t>(out.scope_id_ptr, address.v6.sin6_scope_id);
    }
    return memory.store<uint32_t>(out.addr_type_ptr, 4) &&
           memory.write(out.addr_ptr,
                        std::span(reinterpret_cast<const uint8_t*>(&address.v4.sin_addr), 4)) &&
           memory.store<uint16_t>(out.port_ptr, address.port());
}

} // namespace tycho::host
