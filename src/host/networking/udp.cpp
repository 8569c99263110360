// lunatic::networking UDP (lunatic-abi.md §20.4): sockets bound, connected and sent from
// only where the runtime's policy allows (net_policy.h), datagrams received and sent while
// only the calling process waits (perform_io), and the two socket options Lunatic exposes.
// UDP calls have no timeouts: a receive waits until a datagram comes.
#include "host/networking/net_call.h"
#include "host/networking/net_functions.h"
#include "host/networking/sockets.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <initializer_list>
#include <span>
#include <string_view>
#include <variant>

namespace tycho::host {

namespace {

using wasm::Caller;

constexpr const char* kModule = "lunatic::networking";
constexpr std::string_view kPrefix = "lunatic::networking::";
constexpr const char* kSocketKind = "UDP socket";
// udp_peer_addr's status for errors other than "not connected".
constexpr int32_t kOtherError = 2;

// "udp_bind" for "lunatic::networking::udp_bind": the guest's error texts name the call so.
std::string short_name(const char* function) {
    return std::string(std::string_view(function).substr(kPrefix.size()));
}

// The socket behind `id`, held while the call may wait; nullptr after trapping when the id
// is unknown.
std::shared_ptr<UdpSocket> socket_or_trap(Caller& caller, int64_t id, const char* function) {
    auto* entry = find_or_trap(caller, net_state(caller).udp_sockets, id, function, kSocketKind);
    return entry != nullptr ? *entry : nullptr;
}

// Whether u64 out-values fit at `pointers` (trapping otherwise). Checked before anything
// happens, so a call that traps has made no socket and consumed no datagram.
bool out_values_fit(GuestMemory& memory, std::initializer_list<uint32_t> pointers) {
    for (uint32_t pointer : pointers)
        if (!memory.bytes(pointer, sizeof(uint64_t))) return false;
    return true;
}

// Status 1 with "<what>: <the OS's text for error>".
int32_t report_os_error(Caller& caller, GuestMemory& memory, const char* function, uint32_t out_ptr,
                        const std::string& what, int error) {
    return report_error(caller, memory, function, out_ptr, what + ": " + os_error_text(error));
}

// Status 1 when the policy refuses `address`, else nullopt.
std::optional<int32_t> refused(Caller& caller, GuestMemory& memory, const char* function,
                               const SocketAddress& address, uint32_t out_ptr) {
    auto refusal = net_policy(caller).refusal(address);
    if (!refusal) return std::nullopt;
    return report_error(caller, memory, function, out_ptr, short_name(function) + ": " + *refusal);
}

// The status of a receive or send perform_io ran: 0 with the byte count at `count_ptr`
// (already checked), or an error id there; nothing after a stop.
int32_t transfer_status(Caller& caller, GuestMemory& memory, const char* function,
                        const IoResult& result, uint32_t count_ptr, const std::string& what) {
    switch (result.kind) {
    case IoResult::Kind::done: break;
    case IoResult::Kind::failed:
        return report_os_error(caller, memory, function, count_ptr, what, result.error);
    case IoResult::Kind::timed_out: return net_status::timed_out; // no UDP call has a deadline
    case IoResult::Kind::stopped: return 0;
    }
    if (!memory.store<uint64_t>(count_ptr, result.bytes)) return 0;
    return net_status::ok;
}

int32_t udp_bind(Caller& caller, int32_t addr_type, uint32_t addr_ptr, int32_t port,
                 int32_t flow_info, int32_t scope_id, uint32_t id_ptr) {
    constexpr const char* function = "lunatic::networking::udp_bind";
    GuestMemory memory(caller);
    auto address = read_guest_address(caller, memory, function, addr_type, addr_ptr, port,
                                      flow_info, scope_id);
    if (!address || !out_values_fit(memory, {id_ptr})) return 0;
    if (auto status = refused(caller, memory, function, *address, id_ptr)) return *status;
    UniqueFd fd(::socket(address->family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd || ::bind(fd.get(), address->raw(), address->length()) != 0) {
        const int error = errno;
        return report_os_error(caller, memory, function, id_ptr,
                               short_name(function) + " on " + to_string(*address), error);
    }
    auto id = net_state(caller).udp_sockets.insert(
        caller, function, std::make_shared<UdpSocket>(std::move(fd)), kSocketCharge);
    if (!id || !memory.store<uint64_t>(id_ptr, *id)) return 0;
    return net_status::ok;
}

// udp_local_addr and udp_peer_addr.
int32_t socket_address(Caller& caller, const char* function, int64_t id, uint32_t id_ptr,
                       bool peer) {
    auto socket = socket_or_trap(caller, id, function);
    if (!socket) return 0;
    GuestMemory memory(caller);
    if (!out_values_fit(memory, {id_ptr})) return 0;
    auto name = address_of(socket->fd.get(), peer);
    if (const int* error = std::get_if<int>(&name)) {
        const int32_t status =
            report_os_error(caller, memory, function, id_ptr, short_name(function), *error);
        // §20.4: 1 means "not connected", 2 any other error.
        return peer && status == net_status::failed && *error != ENOTCONN ? kOtherError : status;
    }
    if (!give_address(caller, memory, function, std::get<SocketAddress>(name), id_ptr)) return 0;
    return net_status::ok;
}

// udp_receive (sender_ptr nullopt) and udp_receive_from: one datagram into the buffer; the
// part of a longer one that does not fit is lost, as recv(2) does.
int32_t receive_datagram(Caller& caller, const char* function, int64_t id, uint32_t buffer_ptr,
                         uint32_t buffer_len, uint32_t count_ptr,
                         std::optional<uint32_t> sender_ptr) {
    auto socket = socket_or_trap(caller, id, function);
    if (!socket) return 0;
    GuestMemory memory(caller);
    // Only this process can grow its memory, and it waits here: the span stays valid.
    auto buffer = memory.bytes(buffer_ptr, buffer_len);
    if (!buffer || !out_values_fit(memory, {count_ptr}) ||
        (sender_ptr && !out_values_fit(memory, {*sender_ptr})))
        return 0;
    const int fd = socket->fd.get();
    sockaddr_storage sender{};
    socklen_t sender_length = 0;
    const IoResult result = perform_io(caller, fd, runtime::IoEvent::readable, std::nullopt, [&] {
        sender_length = sizeof sender;
        return ::recvfrom(fd, buffer->data(), buffer->size(), 0,
                          reinterpret_cast<sockaddr*>(&sender), &sender_length);
    });
    if (result.kind == IoResult::Kind::done && sender_ptr) {
        auto address = SocketAddress::from(reinterpret_cast<sockaddr*>(&sender), sender_length);
        if (!address) { // not on an IPv4 or IPv6 socket
            caller.trap(std::string(function) + ": the sender's address is not IPv4 or IPv6");
            return 0;
        }
        auto iterator = add_dns_iterator(caller, function, {*address});
        if (!iterator || !memory.store<uint64_t>(*sender_ptr, *iterator)) return 0;
    }
    return transfer_status(caller, memory, function, result, count_ptr, short_name(function));
}

// udp_send (to nullptr: the connected peer) and udp_send_to: one datagram of `buffer`.
int32_t send_datagram(Caller& caller, GuestMemory& memory, const char* function,
                      const UdpSocket& socket, std::span<const uint8_t> buffer,
                      const SocketAddress* to, uint32_t count_ptr) {
    const int fd = socket.fd.get();
    const IoResult result = perform_io(caller, fd, runtime::IoEvent::writable, std::nullopt, [&] {
        return ::sendto(fd, buffer.data(), buffer.size(), MSG_NOSIGNAL,
                        to != nullptr ? to->raw() : nullptr, to != nullptr ? to->length() : 0);
    });
    const std::string what = short_name(function) + (to != nullptr ? " " + to_string(*to) : "");
    return transfer_status(caller, memory, function, result, count_ptr, what);
}

int32_t udp_connect(Caller& caller, int64_t id, int32_t addr_type, uint32_t addr_ptr, int32_t port,
                    int32_t flow_info, int32_t scope_id, int64_t /*timeout*/, uint32_t id_ptr) {
    constexpr const char* function = "lunatic::networking::udp_connect";
    auto socket = socket_or_trap(caller, id, function);
    if (!socket) return 0;
    GuestMemory memory(caller);
    auto address = read_guest_address(caller, memory, function, addr_type, addr_ptr, port,
                                      flow_info, scope_id);
    if (!address || !out_values_fit(memory, {id_ptr})) return 0;
    if (auto status = refused(caller, memory, function, *address, id_ptr)) return *status;
    // connect(2) on a UDP socket only records the peer and never waits, so the one attempt
    // a timeout always allows (§5) is the whole call and the timeout cannot expire.
    if (::connect(socket->fd.get(), address->raw(), address->length()) != 0) {
        const int error = errno;
        return report_os_error(caller, memory, function, id_ptr,
                               short_name(function) + " to " + to_string(*address), error);
    }
    if (!memory.store<uint64_t>(id_ptr, 0)) return 0;
    return net_status::ok;
}

// An int option of socket `id`, or nullopt after trapping (an unknown id, or the OS refused,
// which Lunatic answers with a trap too).
std::optional<int> get_option(Caller& caller, const char* function, int64_t id, int level,
                              int name) {
    auto socket = socket_or_trap(caller, id, function);
    if (!socket) return std::nullopt;
    int value = 0;
    socklen_t length = sizeof value;
    if (::getsockopt(socket->fd.get(), level, name, &value, &length) != 0) {
        const int error = errno;
        caller.trap(std::string(function) + ": " + os_error_text(error));
        return std::nullopt;
    }
    return value;
}

void set_option(Caller& caller, const char* function, int64_t id, int level, int name, int value) {
    auto socket = socket_or_trap(caller, id, function);
    if (!socket) return;
    if (::setsockopt(socket->fd.get(), level, name, &value, sizeof value) != 0) {
        const int error = errno;
        caller.trap(std::string(function) + ": cannot set it to " + std::to_string(value) + ": " +
                    os_error_text(error));
    }
}

void add_socket_functions(wasm::Linker& linker) {
    linker.func(kModule, "udp_bind", udp_bind);
    linker.func(kModule, "udp_local_addr", [](Caller& caller, int64_t id, uint32_t id_ptr) {
        return socket_address(caller, "lunatic::networking::udp_local_addr", id, id_ptr, false);
    });
    linker.func(kModule, "udp_peer_addr", [](Caller& caller, int64_t id, uint32_t id_ptr) {
        return socket_address(caller, "lunatic::networking::udp_peer_addr", id, id_ptr, true);
    });
    linker.func(kModule, "drop_udp_socket", [](Caller& caller, int64_t id) {
        constexpr const char* function = "lunatic::networking::drop_udp_socket";
        auto& sockets = net_state(caller).udp_sockets;
        if (find_or_trap(caller, sockets, id, function, kSocketKind)) sockets.erase(uint64_t(id));
    });
    linker.func(kModule, "clone_udp_socket", [](Caller& caller, int64_t id) -> int64_t {
        constexpr const char* function = "lunatic::networking::clone_udp_socket";
        auto socket = socket_or_trap(caller, id, function);
        if (!socket) return 0;
        auto copy = net_state(caller).udp_sockets.insert(caller, function, std::move(socket),
                                                         kSocketCharge);
        return copy ? int64_t(*copy) : 0;
    });
    linker.func(kModule, "udp_connect", udp_connect);
}

void add_datagram_functions(wasm::Linker& linker) {
    linker.func(kModule, "udp_receive",
                [](Caller& caller, int64_t id, uint32_t buffer_ptr, uint32_t buffer_len,
                   uint32_t count_ptr) {
                    return receive_datagram(caller, "lunatic::networking::udp_receive", id,
                                            buffer_ptr, buffer_len, count_ptr, std::nullopt);
                });
    linker.func(kModule, "udp_receive_from",
                [](Caller& caller, int64_t id, uint32_t buffer_ptr, uint32_t buffer_len,
                   uint32_t count_ptr, uint32_t sender_ptr) {
                    return receive_datagram(caller, "lunatic::networking::udp_receive_from", id,
                                            buffer_ptr, buffer_len, count_ptr, sender_ptr);
                });
    linker.func(kModule, "udp_send",
                [](Caller& caller, int64_t id, uint32_t buffer_ptr, uint32_t buffer_len,
                   uint32_t count_ptr) -> int32_t {
                    constexpr const char* function = "lunatic::networking::udp_send";
                    auto socket = socket_or_trap(caller, id, function);
                    if (!socket) return 0;
                    GuestMemory memory(caller);
                    auto buffer = memory.read(buffer_ptr, buffer_len);
                    if (!buffer || !out_values_fit(memory, {count_ptr})) return 0;
                    return send_datagram(caller, memory, function, *socket, *buffer, nullptr,
                                         count_ptr);
                });
    linker.func(kModule, "udp_send_to",
                [](Caller& caller, int64_t id, uint32_t buffer_ptr, uint32_t buffer_len,
                   int32_t addr_type, uint32_t addr_ptr, int32_t port, int32_t flow_info,
                   int32_t scope_id, uint32_t count_ptr) -> int32_t {
                    constexpr const char* function = "lunatic::networking::udp_send_to";
                    auto socket = socket_or_trap(caller, id, function);
                    if (!socket) return 0;
                    GuestMemory memory(caller);
                    auto to = read_guest_address(caller, memory, function, addr_type, addr_ptr,
                                                 port, flow_info, scope_id);
                    if (!to) return 0;
                    auto buffer = memory.read(buffer_ptr, buffer_len);
                    if (!buffer || !out_values_fit(memory, {count_ptr})) return 0;
                    if (auto status = refused(caller, memory, function, *to, count_ptr))
                        return *status;
                    return send_datagram(caller, memory, function, *socket, *buffer, &*to,
                                         count_ptr);
                });
}

void add_option_functions(wasm::Linker& linker) {
    linker.func(kModule, "set_udp_socket_broadcast",
                [](Caller& caller, int64_t id, int32_t broadcast) {
                    set_option(caller, "lunatic::networking::set_udp_socket_broadcast", id,
                               SOL_SOCKET, SO_BROADCAST, broadcast != 0 ? 1 : 0);
                });
    linker.func(kModule, "get_udp_socket_broadcast", [](Caller& caller, int64_t id) -> int32_t {
        auto value = get_option(caller, "lunatic::networking::get_udp_socket_broadcast", id,
                                SOL_SOCKET, SO_BROADCAST);
        return value.value_or(0) != 0 ? 1 : 0;
    });
    // IP_TTL also on IPv6 sockets, as Rust's set_ttl does (it applies to their IPv4 traffic).
    linker.func(kModule, "set_udp_socket_ttl", [](Caller& caller, int64_t id, int32_t ttl) {
        set_option(caller, "lunatic::networking::set_udp_socket_ttl", id, IPPROTO_IP, IP_TTL, ttl);
    });
    linker.func(kModule, "get_udp_socket_ttl", [](Caller& caller, int64_t id) -> int32_t {
        return get_option(caller, "lunatic::networking::get_udp_socket_ttl", id, IPPROTO_IP, IP_TTL)
            .value_or(0);
    });
}

} // namespace

void add_udp_functions(wasm::Linker& linker) {
    add_socket_functions(linker);
    add_datagram_functions(linker);
    add_option_functions(linker);
}

} // namespace tycho::host
