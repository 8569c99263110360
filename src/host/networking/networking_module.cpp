// lunatic::networking (lunatic-abi.md §20): DNS, TCP, TLS and UDP for guests, one group of
// functions per file (net_functions.h). This module owns the sockets of every process and
// the kinds of them that travel in messages, so it also defines push_/take_ tcp_stream,
// tls_stream and udp_socket of lunatic::message (§10.4).
#include "host/message/scratch.h"
#include "host/networking/net_call.h"
#include "host/networking/net_functions.h"
#include "host/wasm_process.h"

namespace tycho::host {

namespace {

const runtime::ResourceKind kTcpStreamResource{"tcp_stream"};
const runtime::ResourceKind kTlsStreamResource{"tls_stream"};
const runtime::ResourceKind kUdpSocketResource{"udp_socket"};

// push_<kind>(id) moves the reference `id` out of the caller's table into the message;
// take_<kind>(index) moves it into the caller's table under a new id.
template <class Object>
void add_message_functions(wasm::Linker& linker, const runtime::ResourceKind& kind,
                           ChargedTable<std::shared_ptr<Object>> NetState::* table) {
    const std::string name = kind.name;
    linker.func("lunatic::message", "push_" + name,
                [&kind, table, name](wasm::Caller& caller, int64_t id) -> int64_t {
                    const std::string function = "lunatic::message::push_" + name;
                    auto& entries = net_state(caller).*table;
                    if (!find_or_trap(caller, entries, id, function.c_str(), name.c_str()))
                        return 0;
                    runtime::Message* message =
                        WasmProcess::of(caller).state<Scratch>().data_or_trap(
                            caller, ("push_" + name).c_str());
                    if (message == nullptr) return 0;
                    std::shared_ptr<Object> object = *entries.take(uint64_t(id));
                    return int64_t(message->push_resource(kind, std::move(object)));
                });
    linker.func("lunatic::message", "take_" + name,
                [&kind, table, name](wasm::Caller& caller, int64_t index) -> int64_t {
                    const std::string function = "take_" + name;
                    auto taken = take_resource_or_trap(caller, function.c_str(), index, kind);
                    if (!taken) return 0;
                    auto id = (net_state(caller).*table)
                                  .insert(caller, ("lunatic::message::" + function).c_str(),
                                          std::static_pointer_cast<Object>(std::move(taken)),
                                          kSocketCharge);
                    return id ? int64_t(*id) : 0;
                });
}

} // namespace

void define_networking_module(wasm::Linker& linker) {
    add_dns_functions(linker);
    add_tcp_functions(linker);
    add_udp_functions(linker);
    add_tls_functions(linker);
    add_message_functions(linker, kTcpStreamResource, &NetState::tcp_streams);
    add_message_functions(linker, kTlsStreamResource, &NetState::tls_streams);
    add_message_functions(linker, kUdpSocketResource, &NetState::udp_sockets);
}

} // namespace tycho::host
