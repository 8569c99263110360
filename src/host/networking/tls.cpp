// The TLS functions of lunatic::networking (lunatic-abi.md §20.3), with OpenSSL
// (tls_context.h) over connections whose socket I/O the host does itself (tls_connection.h).
//
// tls_accept returns before the handshake, which the stream's first read, write or flush
// performs (tls_connection.h), so a slow or silent client cannot stall an acceptor.
//
// Unlike Lunatic, which traps, a failed handshake, an untrusted or wrongly named certificate,
// an invalid server name and an unusable certificate or key are status 1 with the reason:
// a bad peer must not be able to kill the process that accepts or connects. Traps remain for
// the guest's own mistakes: a bad addr_type, unknown ids, memory out of bounds, invalid UTF-8.
#include "host/networking/connect.h"
#include "host/networking/net_call.h"
#include "host/networking/net_functions.h"
#include "host/networking/pem.h"
#include "host/networking/sockets.h"
#include "host/networking/tls_connection.h"
#include "host/timeouts.h"
#include "host/wasm_process.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace tycho::host {

namespace {

using wasm::Caller;
using Kind = IoResult::Kind;

constexpr const char* kModule = "lunatic::networking";
constexpr const char* kStream = "TLS stream";
constexpr const char* kListener = "TLS listener";

std::string full_name(const char* function) {
    return std::string(kModule) + "::" + function;
}

std::shared_ptr<TlsConnection> stream_or_trap(Caller& caller, const char* function, int64_t id) {
    auto* found = find_or_trap(caller, net_state(caller).tls_streams, id,
                               full_name(function).c_str(), kStream);
    return found ? *found : nullptr;
}

std::shared_ptr<TlsListener> listener_or_trap(Caller& caller, const char* function, int64_t id) {
    auto* found = find_or_trap(caller, net_state(caller).tls_listeners, id,
                               full_name(function).c_str(), kListener);
    return found ? *found : nullptr;
}

// Stores a new stream id at `out_ptr`; false after trapping.
bool add_stream(Caller& caller, GuestMemory& memory, const char* function, uint32_t out_ptr,
                std::shared_ptr<TlsConnection> connection) {
    auto id = net_state(caller).tls_streams.insert(caller, full_name(function).c_str(),
                                                   std::move(connection), kSocketCharge);
    return id && memory.store<uint64_t>(out_ptr, *id);
}

// ---- listeners -----------------------------------------------------------------------------

int32_t tls_bind(Caller& caller, int32_t addr_type, uint32_t addr_ptr, int32_t port,
                 int32_t flow_info, int32_t scope_id, uint32_t id_ptr, uint32_t cert_ptr,
                 uint32_t cert_len, uint32_t key_ptr, uint32_t key_len) {
    GuestMemory memory(caller);
    auto address = read_guest_address(caller, memory, full_name("tls_bind").c_str(), addr_type,
                                      addr_ptr, port, flow_info, scope_id);
    if (!address) return 0;
    auto certificate = memory.read(cert_ptr, cert_len);
    if (!certificate) return 0;
    auto key = memory.read(key_ptr, key_len);
    if (!key) return 0;
    const std::string where = "tls_bind to " + to_string(*address) + ": ";
    if (auto refused = net_policy(caller).refusal(*address))
        return report_error(caller, memory, "tls_bind", id_ptr, where + *refused);

    auto context = tls::server_context(
        std::string_view(reinterpret_cast<const char*>(certificate->data()), certificate->size()),
        std::string_view(reinterpret_cast<const char*>(key->data()), key->size()));
    if (auto* error = std::get_if<std::string>(&context))
        return report_error(caller, memory, "tls_bind", id_ptr, where + *error);
    auto socket = open_tcp_listener(*address);
    if (auto* error = std::get_if<int>(&socket))
        return report_error(caller, memory, "tls_bind", id_ptr, where + os_error_text(*error));

    auto listener = std::make_shared<TlsListener>(std::move(std::get<UniqueFd>(socket)),
                                                  std::move(std::get<tls::SslContext>(context)));
    auto id = net_state(caller).tls_listeners.insert(caller, full_name("tls_bind").c_str(),
                                                     std::move(listener), kSocketCharge);
    if (!id || !memory.store<uint64_t>(id_ptr, *id)) return 0;
    return net_status::ok;
}

int32_t tls_local_addr(Caller& caller, int64_t listener_id, uint32_t id_ptr) {
    auto listener = listener_or_trap(caller, "tls_local_addr", listener_id);
    if (!listener) return 0;
    GuestMemory memory(caller);
    auto address = address_of(listener->fd.get(), false);
    if (auto* error = std::get_if<int>(&address))
        return report_error(caller, memory, "tls_local_addr", id_ptr,
                            "tls_local_addr: " + os_error_text(*error));
    if (!give_address(caller, memory, full_name("tls_local_addr").c_str(),
                      std::get<SocketAddress>(address), id_ptr))
        return 0;
    return net_status::ok;
}

int32_t tls_accept(Caller& caller, int64_t listener_id, uint32_t id_ptr, uint32_t peer_ptr) {
    auto listener = listener_or_trap(caller, "tls_accept", listener_id);
    if (!listener) return 0;
    GuestMemory memory(caller);
    // Both out-pointers are checked before a connection is taken, which a trap would lose.
    if (!memory.bytes(id_ptr, 8) || !memory.bytes(peer_ptr, 8)) return 0;
    auto failed = [&](std::string text) {
        const int32_t status = report_error(caller, memory, "tls_accept", id_ptr, std::move(text));
        return status != 0 && memory.store<uint64_t>(peer_ptr, 0) ? status : 0;
    };

    Accepted accepted = accept_connection(caller, listener->fd.get());
    if (accepted.kind == Kind::stopped) return 0;
    if (accepted.kind != Kind::done) return failed("tls_accept: " + os_error_text(accepted.error));
    UniqueFd socket = std::move(accepted.socket);
    const auto& peer = accepted.peer;
    const std::string where =
        "tls_accept from " + (peer ? to_string(*peer) : std::string("an unknown address")) + ": ";

    auto session = tls::server_session(listener->context.get());
    if (auto* error = std::get_if<std::string>(&session)) return failed(where + *error);
    auto made = TlsConnection::make(std::move(socket), std::move(std::get<tls::Ssl>(session)));
    if (auto* error = std::get_if<std::string>(&made)) return failed(where + *error);
    // The handshake waits for the stream's first read, write or flush (tls_connection.h).
    if (!add_stream(caller, memory, "tls_accept", id_ptr,
                    std::get<std::shared_ptr<TlsConnection>>(std::move(made))))
        return 0;
    std::vector<SocketAddress> peers;
    if (peer) peers.push_back(*peer);
    auto peer_id = add_dns_iterator(caller, full_name("tls_accept").c_str(), std::move(peers));
    if (!peer_id || !memory.store<uint64_t>(peer_ptr, *peer_id)) return 0;
    return net_status::ok;
}

// ---- connecting ----------------------------------------------------------------------------

// How much of the roots' text (each entry counting a bit more than its length) tls_connect
// reads before it lets other processes run.
constexpr uint64_t kRootBytesPerSlice = uint64_t(1) << 20;
constexpr uint64_t kRootEntryBytes = 1024;

// The client context for tls_connect's roots, `count` (pointer, length) entries at `array`:
// none, or any entry out of bounds (Lunatic's quirk), means the system's roots; else the
// certificates of the entries, those that cannot be read skipped. The context is owned by
// `custom` unless it is the shared system one; nullptr after stopping the caller, or with
// `error` set.
SSL_CTX* client_context_for(Caller& caller, uint32_t array, uint32_t count, tls::SslContext& custom,
                            std::string& error) {
    GuestMemory memory(caller, GuestMemory::OnFault::Report);
    auto entries = count == 0 ? std::nullopt : memory.read(array, uint64_t(count) * 8);
    if (entries) {
        auto made = tls::client_context();
        if (auto* failure = std::get_if<std::string>(&made)) {
            error = *failure;
            return nullptr;
        }
        custom = std::move(std::get<tls::SslContext>(made));
        uint64_t slice = 0;
        for (uint32_t i = 0; i < count && custom; ++i) {
            if (slice > kRootBytesPerSlice) {
                slice = 0;
                if (!WasmProcess::of(caller).yield_to_others()) {
                    caller.stop(WasmProcess::of(caller).dying_cause());
                    return nullptr;
                }
            }
            auto entry = memory.read(array + i * 8, 8);
            uint32_t pem_ptr = 0, pem_len = 0;
            if (entry) {
                std::memcpy(&pem_ptr, entry->data(), 4);
                std::memcpy(&pem_len, entry->data() + 4, 4);
            }
            auto pem = entry ? memory.read(pem_ptr, pem_len) : std::nullopt;
            if (!pem) {
                custom.reset(); // out of bounds: the whole list is ignored
                break;
            }
            tls::add_roots(
                custom.get(),
                std::string_view(reinterpret_cast<const char*>(pem->data()), pem->size()));
            slice += kRootEntryBytes + std::min<uint64_t>(pem->size(), pem::kMaxBytes);
        }
        if (custom) return custom.get();
    }
    if (!tls::system_roots_ready()) {
        // Reading the system's store takes a while: once, off the worker threads.
        WasmProcess& self = WasmProcess::of(caller);
        if (!self.run_blocking([] {
                std::string ignored;
                tls::system_roots_context(ignored);
            })) {
            caller.stop(self.dying_cause());
            return nullptr;
        }
    }
    return tls::system_roots_context(error);
}

// `text` in quotes, cut after 64 bytes (at a character boundary) for an error message.
std::string quoted_start(std::string_view text) {
    if (text.size() <= 64) return "'" + std::string(text) + "'";
    size_t cut = 64;
    while (cut > 0 && (uint8_t(text[cut]) & 0xC0) == 0x80) // not in the middle of a character
        --cut;
    return "'" + std::string(text.substr(0, cut)) + "...'";
}

int32_t tls_connect(Caller& caller, uint32_t name_ptr, uint32_t name_len, int32_t port,
                    int64_t timeout, uint32_t id_ptr, uint32_t roots_ptr, uint32_t roots_len) {
    GuestMemory memory(caller);
    auto name = memory.utf8(name_ptr, name_len);
    if (!name) return 0;
    const auto server = tls::parse_server_name(*name);
    if (!server)
        return report_error(caller, memory, "tls_connect", id_ptr,
                            "tls_connect: " + quoted_start(*name) +
                                " is not a valid server name (a DNS name or an IP address)");
    const uint16_t port16 = uint16_t(port);
    const std::string where =
        "tls_connect to " + server->text + ":" + std::to_string(port16) + ": ";
    const auto deadline = timeout_deadline(timeout);

    tls::SslContext custom;
    std::string error;
    SSL_CTX* context = client_context_for(caller, roots_ptr, roots_len, custom, error);
    if (caller.stopped()) return 0;
    if (context == nullptr)
        return report_error(caller, memory, "tls_connect", id_ptr, where + error);

    Resolution resolved = resolve_host(caller, server->text, port16, deadline);
    if (resolved.kind == Kind::stopped) return 0;
    if (resolved.kind == Kind::timed_out) return net_status::timed_out;
    if (auto* failure = std::get_if<std::string>(&resolved.answer))
        return report_error(caller, memory, "tls_connect", id_ptr, where + *failure);
    Dialed dialed = dial(caller, std::get<std::vector<SocketAddress>>(resolved.answer), deadline);
    if (dialed.kind == Kind::stopped) return 0;
    if (dialed.kind == Kind::timed_out) return net_status::timed_out;
    if (dialed.kind != Kind::done)
        return report_error(caller, memory, "tls_connect", id_ptr, where + dialed.error);

    auto session = tls::client_session(context, *server);
    if (auto* failure = std::get_if<std::string>(&session))
        return report_error(caller, memory, "tls_connect", id_ptr, where + *failure);
    auto made =
        TlsConnection::make(std::move(dialed.socket), std::move(std::get<tls::Ssl>(session)));
    if (auto* failure = std::get_if<std::string>(&made))
        return report_error(caller, memory, "tls_connect", id_ptr, where + *failure);
    auto connection = std::get<std::shared_ptr<TlsConnection>>(std::move(made));
    const TlsConnection::Result shaken = connection->handshake(caller);
    if (shaken.kind == Kind::stopped) return 0;
    if (shaken.kind != Kind::done)
        return report_error(caller, memory, "tls_connect", id_ptr, where + shaken.error);
    if (!add_stream(caller, memory, "tls_connect", id_ptr, std::move(connection))) return 0;
    return net_status::ok;
}

// ---- streams -------------------------------------------------------------------------------

// One TLS record holds at most 16 KiB of plaintext: a read returns no more.
constexpr size_t kMaxRead = size_t(16) * 1024;

// A status for `result`, storing its byte count or error id at `out_ptr`.
int32_t answer(Caller& caller, GuestMemory& memory, const char* function, uint32_t out_ptr,
               const TlsConnection::Result& result) {
    switch (result.kind) {
    case Kind::done: return memory.store<uint64_t>(out_ptr, result.bytes) ? net_status::ok : 0;
    case Kind::failed:
        return report_error(caller, memory, function, out_ptr,
                            std::string(function) + ": " + result.error);
    case Kind::timed_out: return net_status::timed_out;
    case Kind::stopped: return 0;
    }
    return 0;
}

int32_t tls_write_vectored(Caller& caller, int64_t stream_id, uint32_t iovs_ptr, uint32_t iovs_len,
                           uint32_t out_ptr) {
    GuestMemory memory(caller);
    // Every buffer is checked first (§20.2); the first kMaxWrite bytes are taken.
    auto iovs = memory.read(iovs_ptr, uint64_t(iovs_len) * 8);
    if (!iovs) return 0;
    std::vector<uint8_t> data;
    for (uint32_t i = 0; i < iovs_len; ++i) {
        uint32_t ptr = 0, len = 0;
        std::memcpy(&ptr, iovs->data() + size_t(i) * 8, 4);
        std::memcpy(&len, iovs->data() + size_t(i) * 8 + 4, 4);
        auto buffer = memory.read(ptr, len);
        if (!buffer) return 0;
        const size_t take = std::min(buffer->size(), TlsConnection::kMaxWrite - data.size());
        data.insert(data.end(), buffer->begin(), buffer->begin() + ptrdiff_t(take));
    }
    auto connection = stream_or_trap(caller, "tls_write_vectored", stream_id);
    if (!connection) return 0;
    const auto deadline = stored_deadline(connection->timeouts.write.load());
    return answer(caller, memory, "tls_write_vectored", out_ptr,
                  connection->write(caller, data, deadline));
}

int32_t tls_read(Caller& caller, int64_t stream_id, uint32_t buffer_ptr, uint32_t buffer_len,
                 uint32_t out_ptr) {
    auto connection = stream_or_trap(caller, "tls_read", stream_id);
    if (!connection) return 0;
    GuestMemory memory(caller);
    if (!memory.bytes(buffer_ptr, buffer_len)) return 0;
    std::vector<uint8_t> plaintext(std::min<size_t>(buffer_len, kMaxRead));
    const auto deadline = stored_deadline(connection->timeouts.read.load());
    TlsConnection::Result result = connection->read(caller, plaintext, deadline);
    if (result.kind == Kind::done &&
        !memory.write(buffer_ptr, std::span<const uint8_t>(plaintext.data(), result.bytes)))
        return 0;
    return answer(caller, memory, "tls_read", out_ptr, result);
}

int32_t tls_flush(Caller& caller, int64_t stream_id, uint32_t error_ptr) {
    auto connection = stream_or_trap(caller, "tls_flush", stream_id);
    if (!connection) return 0;
    GuestMemory memory(caller);
    const uint64_t timeout = connection->timeouts.write.load();
    TlsConnection::Result result = connection->flush(caller, stored_deadline(timeout));
    if (result.kind == Kind::timed_out) {
        // Not the stream's failure: the next call goes on where this one stopped.
        result.kind = Kind::failed;
        result.error =
            "the write timeout (" + std::to_string(timeout) + " ms) passed " +
            (result.in_handshake ? std::string("before the TLS handshake finished")
                                 : "with " + std::to_string(result.bytes) + " bytes not yet sent");
    }
    result.bytes = 0; // success stores 0 (§20.2)
    return answer(caller, memory, "tls_flush", error_ptr, result);
}

void add_stream_functions(wasm::Linker& linker) {
    linker.func(kModule, "drop_tls_stream", [](Caller& caller, int64_t id) {
        if (!stream_or_trap(caller, "drop_tls_stream", id)) return;
        net_state(caller).tls_streams.erase(uint64_t(id));
    });
    linker.func(kModule, "clone_tls_stream", [](Caller& caller, int64_t id) -> int64_t {
        auto connection = stream_or_trap(caller, "clone_tls_stream", id);
        if (!connection) return 0;
        auto clone = net_state(caller).tls_streams.insert(
            caller, full_name("clone_tls_stream").c_str(), std::move(connection), kSocketCharge);
        return clone ? int64_t(*clone) : 0;
    });
    linker.func(kModule, "tls_write_vectored", tls_write_vectored);
    linker.func(kModule, "tls_read", tls_read);
    linker.func(kModule, "tls_flush", tls_flush);

    // The stored timeouts (§5), shared by the connection's clones.
    using Side = std::atomic<uint64_t> StreamTimeouts::*;
    auto timeout_functions = [&linker](const char* side_name, Side side) {
        const std::string set = std::string("set_tls_") + side_name + "_timeout";
        const std::string get = std::string("get_tls_") + side_name + "_timeout";
        linker.func(kModule, set, [set, side](Caller& caller, int64_t id, int64_t duration) {
            auto connection = stream_or_trap(caller, set.c_str(), id);
            if (connection) (connection->timeouts.*side).store(uint64_t(duration));
        });
        linker.func(kModule, get, [get, side](Caller& caller, int64_t id) -> int64_t {
            auto connection = stream_or_trap(caller, get.c_str(), id);
            return connection ? int64_t((connection->timeouts.*side).load()) : 0;
        });
    };
    timeout_functions("read", &StreamTimeouts::read);
    timeout_functions("write", &StreamTimeouts::write);
}

} // namespace

void add_tls_functions(wasm::Linker& linker) {
    linker.func(kModule, "tls_bind", tls_bind);
    linker.func(kModule, "drop_tls_listener", [](Caller& caller, int64_t id) {
        if (!listener_or_trap(caller, "drop_tls_listener", id)) return;
        net_state(caller).tls_listeners.erase(uint64_t(id));
    });
    linker.func(kModule, "tls_local_addr", tls_local_addr);
    linker.func(kModule, "tls_accept", tls_accept);
    linker.func(kModule, "tls_connect", tls_connect);
    add_stream_functions(linker);
}

} // namespace tycho::host
