#include "host/networking/net_call.h"

#include "host/error/errors.h"
#include "host/timeouts.h"
#include "host/wasm_process.h"

#include <array>
#include <cstring>

namespace tycho::host {

NetState::NetState(WasmProcess& process)
    : dns_iterators(process.memory_account()), tcp_listeners(process.memory_account()),
      tcp_streams(process.memory_account()), tls_listeners(process.memory_account()),
      tls_streams(process.memory_account()), udp_sockets(process.memory_account()) {}

NetState& net_state(wasm::Caller& caller) {
    return WasmProcess::of(caller).state<NetState>();
}

const NetPolicy& net_policy(wasm::Caller& caller) {
    return WasmProcess::of(caller).host().options().net_policy;
}

std::string os_error_text(int error) {
    std::array<char, 128> buffer{};
    // The GNU strerror_r returns the text, which may or may not be in the buffer.
    const char* text = strerror_r(error, buffer.data(), buffer.size());
    return std::string(text) + " (os error " + std::to_string(error) + ")";
}

int32_t report_error(wasm::Caller& caller, GuestMemory& memory, const char* function,
                     uint32_t out_ptr, std::string text) {
    auto id = add_error(caller, function, WasmProcess::of(caller), std::move(text));
    if (!id || !memory.store<uint64_t>(out_ptr, *id)) return 0;
    return net_status::failed;
}

std::optional<uint64_t> add_dns_iterator(wasm::Caller& caller, const char* function,
                                         std::vector<SocketAddress> addresses) {
    const uint64_t heap_bytes = addresses.capacity() * sizeof(SocketAddress);
    return net_state(caller).dns_iterators.insert(caller, function,
                                                  DnsIterator{std::move(addresses), 0}, heap_bytes);
}

std::optional<std::chrono::steady_clock::time_point> stored_deadline(uint64_t timeout_ms) {
    return timeout_deadline(int64_t(timeout_ms));
}

Readiness wait_for_socket(wasm::Caller& caller, int fd, runtime::IoEvents events,
                          std::optional<std::chrono::steady_clock::time_point> deadline) {
    WasmProcess& self = WasmProcess::of(caller);
    const runtime::IoInterest interest{fd, events};
    runtime::IoEvents ready = 0;
    switch (self.wait_ready(std::span(&interest, 1), deadline, std::span(&ready, 1))) {
    case runtime::Process::WaitOutcome::ready: return Readiness::ready;
    case runtime::Process::WaitOutcome::timed_out: return Readiness::timed_out;
    case runtime::Process::WaitOutcome::dying: break;
    }
    caller.stop(self.dying_cause());
    return Readiness::stopped;
}

} // namespace tycho::host
