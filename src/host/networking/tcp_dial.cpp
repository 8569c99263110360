#include "host/networking/tcp_dial.h"

#include "host/wasm_process.h"

#include <netdb.h>
#include <sys/socket.h>

#include <memory>

namespace tycho::host {

namespace {

using Lookup = std::variant<std::vector<SocketAddress>, std::string>;

// getaddrinfo, on a thread where blocking is fine. Texts as Rust's std shows them.
Lookup look_up(const std::string& host, uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int error = getaddrinfo(host.c_str(), nullptr, &hints, &found); error != 0)
        return std::string("failed to lookup address information: ") + gai_strerror(error);
    const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(found, freeaddrinfo);
    std::vector<SocketAddress> addresses;
    for (const addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
        auto address = SocketAddress::from(entry->ai_addr, entry->ai_addrlen);
        if (!address) continue;
        address->set_port(port);
        addresses.push_back(*address);
    }
    if (addresses.empty()) return std::string("no IPv4 or IPv6 address found for ") + host;
    return addresses;
}

// One attempt: a non-blocking connect, and the wait for its outcome.
Dialed connect_to(wasm::Caller& caller, const SocketAddress& address,
                  std::optional<std::chrono::steady_clock::time_point> deadline) {
    Dialed out;
    out.socket =
        UniqueFd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!out.socket) return Dialed{IoResult::Kind::failed, {}, os_error_text(errno)};
    int result = 0;
    do {
        result = ::connect(out.socket.get(), address.raw(), address.length());
    } while (result != 0 && errno == EINTR);
    if (result == 0) return out;
    if (errno != EINPROGRESS) return Dialed{IoResult::Kind::failed, {}, os_error_text(errno)};
    switch (wait_for_socket(caller, out.socket.get(), runtime::IoEvent::writable, deadline)) {
    case Readiness::ready: break;
    case Readiness::timed_out: return Dialed{IoResult::Kind::timed_out, {}, {}};
    case Readiness::stopped: return Dialed{IoResult::Kind::stopped, {}, {}};
    }
    int error = 0;
    socklen_t size = sizeof error;
    if (getsockopt(out.socket.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
    if (error != 0) return Dialed{IoResult::Kind::failed, {}, os_error_text(error)};
    return out;
}

} // namespace

std::optional<Lookup> resolve_host(wasm::Caller& caller, const std::string& host, uint16_t port) {
    if (auto ip = SocketAddress::parse_ip(host, port)) return Lookup(std::vector{*ip});
    if (auto refused = net_policy(caller).dns_refusal()) return Lookup(*refused);
    WasmProcess& self = WasmProcess::of(caller);
    auto result = std::make_shared<Lookup>();
    if (!self.run_blocking([result, host, port] { *result = look_up(host, port); })) {
        caller.stop(self.dying_cause());
        return std::nullopt;
    }
    return std::move(*result);
}

Dialed dial(wasm::Caller& caller, const std::vector<SocketAddress>& addresses,
            std::optional<std::chrono::steady_clock::time_point> deadline) {
    Dialed last{IoResult::Kind::failed, {}, "no address to connect to"};
    for (const SocketAddress& address : addresses) {
        if (auto refused = net_policy(caller).refusal(address)) {
            last = Dialed{IoResult::Kind::failed, {}, to_string(address) + ": " + *refused};
            continue;
        }
        Dialed attempt = connect_to(caller, address, deadline);
        if (attempt.kind != IoResult::Kind::failed) return attempt;
        last = Dialed{IoResult::Kind::failed, {}, to_string(address) + ": " + attempt.error};
    }
    return last;
}

} // namespace tycho::host
