// The TCP functions of lunatic::networking (lunatic-abi.md §20.2): listeners, connections,
// their clones and stored timeouts. Sockets are non-blocking; a call that has to wait parks
// the process on the runtime's reactor (net_call.h). Addresses come back as one-element DNS
// iterators (§13.2).
#include "host/networking/ciovecs.h"
#include "host/networking/connect.h"
#include "host/networking/net_call.h"
#include "host/networking/net_functions.h"
#include "host/networking/sockets.h"
#include "host/timeouts.h"

#include <climits>
#include <netinet/in.h>
#include <sys/socket.h>

#include <variant>

namespace tycho::host {

namespace {

using runtime::IoEvent;
using wasm::Caller;

constexpr const char* kModule = "lunatic::networking";

std::string full_name(const char* function) {
    return std::string(kModule) + "::" + function;
}

// tcp_local_addr (`peer` false) and tcp_peer_addr: the address of `fd` in a one-element
// iterator whose id goes to `out_ptr`, or status 1 and an error id there.
int32_t answer_address(Caller& caller, const char* name, int fd, bool peer, uint32_t out_ptr) {
    const std::string function = full_name(name);
    GuestMemory memory(caller);
    auto address = address_of(fd, peer);
    if (auto* error = std::get_if<int>(&address))
        return report_error(caller, memory, function.c_str(), out_ptr,
                            std::string(name) + ": " + os_error_text(*error));
    if (!give_address(caller, memory, function.c_str(), std::get<SocketAddress>(address), out_ptr))
        return 0;
    return net_status::ok;
}

// Stores a new reference to `connection` and writes its id at `out_ptr`; false after
// trapping.
bool give_stream(Caller& caller, GuestMemory& memory, const char* function,
                 std::shared_ptr<TcpConnection> connection, uint32_t out_ptr) {
    auto id = net_state(caller).tcp_streams.insert(caller, function, std::move(connection),
                                                   kSocketCharge);
    return id && memory.store<uint64_t>(out_ptr, *id);
}

// The connection behind stream `id` (a reference of its own, so it stays open while the call
// waits), or nullptr after trapping.
std::shared_ptr<TcpConnection> stream_or_trap(Caller& caller, int64_t id, const char* function) {
    auto* entry = find_or_trap(caller, net_state(caller).tcp_streams, id, function, "TCP stream");
    return entry ? *entry : nullptr;
}

std::shared_ptr<TcpListener> listener_or_trap(Caller& caller, int64_t id, const char* function) {
    auto* entry =
        find_or_trap(caller, net_state(caller).tcp_listeners, id, function, "TCP listener");
    return entry ? *entry : nullptr;
}

// What a socket operation that may wait tells the guest: 0 and the count (u64) at
// `out_ptr`, 1 and an error id there, 9027 and nothing written, or nothing at all when the
// call was stopped.
int32_t answer_io(Caller& caller, GuestMemory& memory, const char* function, uint32_t out_ptr,
                  const IoResult& result) {
    switch (result.kind) {
    case IoResult::Kind::done:
        return memory.store<uint64_t>(out_ptr, result.bytes) ? net_status::ok : 0;
    case IoResult::Kind::failed:
        return report_error(caller, memory, function, out_ptr,
                            std::string(function) + ": " + os_error_text(result.error));
    case IoResult::Kind::timed_out: return net_status::timed_out;
    case IoResult::Kind::stopped: return 0;
    }
    return 0;
}

// ---- listeners -----------------------------------------------------------------------------

int32_t tcp_bind(Caller& caller, int32_t addr_type, uint32_t addr_ptr, int32_t port,
                 int32_t flow_info, int32_t scope_id, uint32_t id_ptr) {
    const std::string function = full_name("tcp_bind");
    GuestMemory memory(caller);
    auto address = read_guest_address(caller, memory, function.c_str(), addr_type, addr_ptr, port,
                                      flow_info, scope_id);
    if (!address) return 0;
    if (auto refusal = net_policy(caller).refusal(*address))
        return report_error(caller, memory, function.c_str(), id_ptr, "tcp_bind: " + *refusal);
    auto socket = open_tcp_listener(*address);
    if (auto* error = std::get_if<int>(&socket))
        return report_error(caller, memory, function.c_str(), id_ptr,
                            "tcp_bind to " + to_string(*address) + ": " + os_error_text(*error));
    auto listener = std::make_shared<TcpListener>(std::get<UniqueFd>(std::move(socket)));
    auto id = net_state(caller).tcp_listeners.insert(caller, function.c_str(), std::move(listener),
                                                     kSocketCharge);
    if (!id || !memory.store<uint64_t>(id_ptr, *id)) return 0;
    return net_status::ok;
}

int32_t tcp_local_addr(Caller& caller, int64_t listener_id, uint32_t id_ptr) {
    const std::string function = full_name("tcp_local_addr");
    auto listener = listener_or_trap(caller, listener_id, function.c_str());
    if (!listener) return 0;
    return answer_address(caller, "tcp_local_addr", listener->fd.get(), false, id_ptr);
}

int32_t tcp_accept(Caller& caller, int64_t listener_id, uint32_t id_ptr, uint32_t peer_ptr) {
    const std::string function = full_name("tcp_accept");
    auto listener = listener_or_trap(caller, listener_id, function.c_str());
    if (!listener) return 0;
    GuestMemory memory(caller);
    Accepted accepted = accept_connection(caller, listener->fd.get());
    switch (accepted.kind) {
    case IoResult::Kind::done: break;
    case IoResult::Kind::failed: {
        const int32_t status = report_error(caller, memory, function.c_str(), id_ptr,
                                            "tcp_accept: " + os_error_text(accepted.error));
        if (status == net_status::failed && !memory.store<uint64_t>(peer_ptr, 0)) return 0;
        return status;
    }
    case IoResult::Kind::timed_out: // no deadline
    case IoResult::Kind::stopped: return 0;
    }
    auto connection = std::make_shared<TcpConnection>(std::move(accepted.socket));
    const auto& address = accepted.peer;
    if (!address) { // not on an IPv4 or IPv6 listener: cannot be
        caller.trap(function + ": the peer has no IP address");
        return 0;
    }
    if (!give_stream(caller, memory, function.c_str(), std::move(connection), id_ptr) ||
        !give_address(caller, memory, function.c_str(), *address, peer_ptr))
        return 0;
    return net_status::ok;
}

// ---- connections ---------------------------------------------------------------------------

int32_t tcp_connect(Caller& caller, int32_t addr_type, uint32_t addr_ptr, int32_t port,
                    int32_t flow_info, int32_t scope_id, int64_t timeout, uint32_t id_ptr) {
    const std::string function = full_name("tcp_connect");
    GuestMemory memory(caller);
    auto address = read_guest_address(caller, memory, function.c_str(), addr_type, addr_ptr, port,
                                      flow_info, scope_id);
    if (!address) return 0;
    if (auto refusal = net_policy(caller).refusal(*address))
        return report_error(caller, memory, function.c_str(), id_ptr, "tcp_connect: " + *refusal);
    Dialed dialed = connect_to(caller, *address, timeout_deadline(timeout));
    switch (dialed.kind) {
    case IoResult::Kind::done: break;
    case IoResult::Kind::failed:
        return report_error(caller, memory, function.c_str(), id_ptr,
                            "tcp_connect to " + to_string(*address) + ": " + dialed.error);
    case IoResult::Kind::timed_out: return net_status::timed_out; // the socket closes here
    case IoResult::Kind::stopped: return 0;
    }
    if (!give_stream(caller, memory, function.c_str(),
                     std::make_shared<TcpConnection>(std::move(dialed.socket)), id_ptr))
        return 0;
    return net_status::ok;
}

int32_t tcp_peer_addr(Caller& caller, int64_t stream_id, uint32_t id_ptr) {
    const std::string function = full_name("tcp_peer_addr");
    auto stream = stream_or_trap(caller, stream_id, function.c_str());
    if (!stream) return 0;
    return answer_address(caller, "tcp_peer_addr", stream->fd.get(), true, id_ptr);
}

int64_t clone_tcp_stream(Caller& caller, int64_t stream_id) {
    const std::string function = full_name("clone_tcp_stream");
    auto stream = stream_or_trap(caller, stream_id, function.c_str());
    if (!stream) return 0;
    auto id = net_state(caller).tcp_streams.insert(caller, function.c_str(), stream, kSocketCharge);
    return id ? int64_t(*id) : 0;
}

int32_t tcp_write_vectored(Caller& caller, int64_t stream_id, uint32_t array_ptr, uint32_t count,
                           uint32_t out_ptr) {
    const std::string function = full_name("tcp_write_vectored");
    auto stream = stream_or_trap(caller, stream_id, function.c_str());
    if (!stream) return 0;
    GuestMemory memory(caller);
    auto buffers = read_ciovecs(memory, array_ptr, count, IOV_MAX);
    if (!buffers) return 0;
    msghdr message{};
    message.msg_iov = buffers->data();
    message.msg_iovlen = buffers->size();
    const int fd = stream->fd.get();
    const IoResult result =
        perform_io(caller, fd, IoEvent::writable, stored_deadline(stream->timeouts.write),
                   [&] { return ::sendmsg(fd, &message, MSG_NOSIGNAL); });
    return answer_io(caller, memory, function.c_str(), out_ptr, result);
}

// One recv into the guest's buffer: tcp_read, or tcp_peek with MSG_PEEK.
int32_t receive(Caller& caller, const char* name, int64_t stream_id, uint32_t buffer_ptr,
                uint32_t buffer_len, uint32_t out_ptr, int flags,
                std::atomic<uint64_t> StreamTimeouts::* timeout) {
    const std::string function = full_name(name);
    auto stream = stream_or_trap(caller, stream_id, function.c_str());
    if (!stream) return 0;
    GuestMemory memory(caller);
    auto buffer = memory.bytes(buffer_ptr, buffer_len);
    if (!buffer) return 0;
    const int fd = stream->fd.get();
    const IoResult result =
        perform_io(caller, fd, IoEvent::readable, stored_deadline(stream->timeouts.*timeout),
                   [&] { return ::recv(fd, buffer->data(), buffer->size(), flags); });
    return answer_io(caller, memory, function.c_str(), out_ptr, result);
}

int32_t tcp_flush(Caller& caller, int64_t stream_id, uint32_t error_id_ptr) {
    // TCP keeps nothing in user space to flush: what was written is with the kernel.
    if (!stream_or_trap(caller, stream_id, full_name("tcp_flush").c_str())) return 0;
    GuestMemory memory(caller);
    return memory.store<uint64_t>(error_id_ptr, 0) ? net_status::ok : 0;
}

// set_<which>_timeout and get_<which>_timeout, on the connection's stored timeouts (§5).
void add_timeout_functions(wasm::Linker& linker, const std::string& which,
                           std::atomic<uint64_t> StreamTimeouts::* timeout) {
    const std::string set_name = "set_" + which + "_timeout";
    const std::string get_name = "get_" + which + "_timeout";
    linker.func(kModule, set_name,
                [timeout, function = full_name(set_name.c_str())](Caller& caller, int64_t stream_id,
                                                                  int64_t milliseconds) {
                    if (auto stream = stream_or_trap(caller, stream_id, function.c_str()))
                        (stream->timeouts.*timeout).store(uint64_t(milliseconds));
                });
    linker.func(kModule, get_name,
                [timeout, function = full_name(get_name.c_str())](Caller& caller,
                                                                  int64_t stream_id) -> int64_t {
                    auto stream = stream_or_trap(caller, stream_id, function.c_str());
                    return stream ? int64_t((stream->timeouts.*timeout).load()) : 0;
                });
}

// drop_<kind>(id): the reference goes; the socket closes with its last reference.
template <class Object>
void add_drop_function(wasm::Linker& linker, const char* name, const char* kind,
                       ChargedTable<std::shared_ptr<Object>> NetState::* table) {
    linker.func(kModule, name, [name, kind, table](Caller& caller, int64_t id) {
        if (!(net_state(caller).*table).erase(uint64_t(id)))
            caller.trap(full_name(name) + ": unknown " + kind + " id " + std::to_string(id));
    });
}

} // namespace

void add_tcp_functions(wasm::Linker& linker) {
    linker.func(kModule, "tcp_bind", tcp_bind);
    add_drop_function(linker, "drop_tcp_listener", "TCP listener", &NetState::tcp_listeners);
    linker.func(kModule, "tcp_local_addr", tcp_local_addr);
    linker.func(kModule, "tcp_accept", tcp_accept);
    linker.func(kModule, "tcp_connect", tcp_connect);
    linker.func(kModule, "tcp_peer_addr", tcp_peer_addr);
    add_drop_function(linker, "drop_tcp_stream", "TCP stream", &NetState::tcp_streams);
    linker.func(kModule, "clone_tcp_stream", clone_tcp_stream);
    linker.func(kModule, "tcp_write_vectored", tcp_write_vectored);
    linker.func(kModule, "tcp_read",
                [](Caller& caller, int64_t id, uint32_t ptr, uint32_t len, uint32_t out) {
                    return receive(caller, "tcp_read", id, ptr, len, out, 0, &StreamTimeouts::read);
                });
    // Always a real peek, whether or not a peek timeout is set (Lunatic reads instead when
    // none is).
    linker.func(kModule, "tcp_peek",
                [](Caller& caller, int64_t id, uint32_t ptr, uint32_t len, uint32_t out) {
                    return receive(caller, "tcp_peek", id, ptr, len, out, MSG_PEEK,
                                   &StreamTimeouts::peek);
                });
    add_timeout_functions(linker, "read", &StreamTimeouts::read);
    add_timeout_functions(linker, "write", &StreamTimeouts::write);
    add_timeout_functions(linker, "peek", &StreamTimeouts::peek);
    linker.func(kModule, "tcp_flush", tcp_flush);
}

} // namespace tycho::host
