#include "host/networking/connect.h"

#include "host/wasm_process.h"

#include <sys/socket.h>

namespace tycho::host {

Resolution resolve_host(wasm::Caller& caller, const std::string& host, uint16_t port,
                        Deadline deadline) {
    using Kind = IoResult::Kind;
    if (auto literal = SocketAddress::parse_ip(host, port))
        return {Kind::done, std::vector{*literal}};
    if (auto refusal = net_policy(caller).dns_refusal()) return {Kind::done, *refusal};

    Resolver& resolver = Resolver::shared();
    auto lookup = resolver.submit(host);
    if (!lookup)
        return {Kind::done, "too many lookups are waiting (the resolver's queue holds " +
                                std::to_string(resolver.limits().queue) + ")"};
    WasmProcess& self = WasmProcess::of(caller);
    switch (self.wait_for(lookup->done, deadline)) {
    case runtime::Process::WaitOutcome::ready: break;
    case runtime::Process::WaitOutcome::timed_out: return {Kind::timed_out, {}};
    case runtime::Process::WaitOutcome::dying:
        caller.stop(self.dying_cause());
        return {Kind::stopped, {}};
    }
    if (auto* error = std::get_if<std::string>(&lookup->answer))
        return {Kind::done, "failed to look up '" + host + "': " + *error};
    auto addresses = std::get<std::vector<SocketAddress>>(std::move(lookup->answer));
    if (addresses.empty()) return {Kind::done, "'" + host + "' has no IPv4 or IPv6 address"};
    for (SocketAddress& address : addresses)
        address.set_port(port);
    return {Kind::done, std::move(addresses)};
}

Dialed connect_to(wasm::Caller& caller, const SocketAddress& address, Deadline deadline) {
    using Kind = IoResult::Kind;
    Dialed out;
    out.socket =
        UniqueFd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!out.socket) return Dialed{Kind::failed, {}, os_error_text(errno)};
    if (::connect(out.socket.get(), address.raw(), address.length()) == 0) return out;
    // A non-blocking connect goes on in the background (also after EINTR).
    if (errno != EINPROGRESS && errno != EINTR)
        return Dialed{Kind::failed, {}, os_error_text(errno)};
    switch (wait_for_socket(caller, out.socket.get(), runtime::IoEvent::writable, deadline)) {
    case Readiness::ready: break;
    case Readiness::timed_out: return Dialed{Kind::timed_out, {}, {}};
    case Readiness::stopped: return Dialed{Kind::stopped, {}, {}};
    }
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(out.socket.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
    if (error != 0) return Dialed{Kind::failed, {}, os_error_text(error)};
    return out;
}

Dialed dial(wasm::Caller& caller, const std::vector<SocketAddress>& addresses, Deadline deadline) {
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
