// resolve, resolve_next and drop_dns_iterator (lunatic-abi.md §13.2, §13.3, §20.1). IP
// literals are answered at once; other names are looked up on the resolver's threads
// (resolver.h) while the process parks.
#include "host/networking/connect.h"
#include "host/networking/host_port.h"
#include "host/networking/net_call.h"
#include "host/networking/net_functions.h"
#include "host/timeouts.h"
#include "host/wasm_process.h"

namespace tycho::host {

namespace {

using wasm::Caller;

constexpr const char* kResolve = "lunatic::networking::resolve";

// What resolve answers for `name` ("host:port"): its addresses or an error text.
Resolution addresses_of(Caller& caller, const std::string& name, Deadline deadline) {
    auto parsed = parse_host_port(name);
    if (auto* error = std::get_if<std::string>(&parsed))
        return {IoResult::Kind::done, LookupAnswer(*error)};
    const HostPort& parts = std::get<HostPort>(parsed);
    return resolve_host(caller, parts.host, parts.port, deadline);
}

int32_t resolve(Caller& caller, uint32_t name_ptr, uint32_t name_len, int64_t timeout,
                uint32_t id_ptr) {
    GuestMemory memory(caller);
    auto text = memory.utf8(name_ptr, name_len);
    if (!text) return 0;
    const std::string name(*text);
    Resolution resolution = addresses_of(caller, name, timeout_deadline(timeout));
    if (resolution.kind == IoResult::Kind::stopped) return 0;
    if (resolution.kind == IoResult::Kind::timed_out)
        return memory.store<uint64_t>(id_ptr, 0) ? net_status::timed_out : 0;
    if (auto* error = std::get_if<std::string>(&resolution.answer))
        return report_error(caller, memory, kResolve, id_ptr,
                            "resolve '" + name + "': " + std::move(*error));
    auto id = add_dns_iterator(caller, kResolve,
                               std::get<std::vector<SocketAddress>>(std::move(resolution.answer)));
    if (!id || !memory.store<uint64_t>(id_ptr, *id)) return 0;
    return net_status::ok;
}

int32_t resolve_next(Caller& caller, int64_t id, uint32_t addr_type_ptr, uint32_t addr_ptr,
                     uint32_t port_ptr, uint32_t flow_info_ptr, uint32_t scope_id_ptr) {
    DnsIterator* iterator = find_or_trap(caller, net_state(caller).dns_iterators, id,
                                         "lunatic::networking::resolve_next", "DNS iterator");
    if (iterator == nullptr) return 0;
    if (iterator->next >= iterator->addresses.size()) return net_status::failed;
    GuestMemory memory(caller);
    if (!write_guest_address(memory, iterator->addresses[iterator->next],
                             {addr_type_ptr, addr_ptr, port_ptr, flow_info_ptr, scope_id_ptr}))
        return 0;
    ++iterator->next;
    return net_status::ok;
}

} // namespace

void add_dns_functions(wasm::Linker& linker) {
    linker.func("lunatic::networking", "resolve", resolve);
    linker.func("lunatic::networking", "resolve_next", resolve_next);
    linker.func("lunatic::networking", "drop_dns_iterator", [](Caller& caller, int64_t id) {
        if (!net_state(caller).dns_iterators.erase(uint64_t(id)))
            caller.trap("lunatic::networking::drop_dns_iterator: unknown DNS iterator id " +
                        std::to_string(id));
    });
}

} // namespace tycho::host
