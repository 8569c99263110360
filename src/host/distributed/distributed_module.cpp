// lunatic::distributed (lunatic-abi.md §25). Tycho runs as a single node (cluster.h): node 0,
// no other nodes, no control-server module ids; the functions that need another node or the
// control server trap, as Lunatic's do without a distributed setup. The three certificate
// helpers work (certificates.h) and hand their results over through lunatic_alloc (§9.1).
#include "host/bincode.h"
#include "host/distributed/certificates.h"
#include "host/distributed/cluster.h"
#include "host/guest_memory.h"
#include "host/message/scratch.h"
#include "host/result_buffer.h"
#include "host/wasm_process.h"

#include <algorithm>
#include <memory>
#include <string>

namespace tycho::host {

namespace {

using wasm::Caller;

std::string full_name(const char* function) {
    return std::string("lunatic::distributed::") + function;
}

// False after trapping `caller` when this runtime is not part of a distributed setup, which
// is what every function that reaches another node or the control server needs.
bool require_cluster(Caller& caller, const char* function) {
    if (WasmProcess::of(caller).host().cluster().distributed()) return true;
    caller.trap(full_name(function) +
                ": this runtime is not part of a distributed setup (it runs alone as node 0), "
                "so there is no other node or control server to reach");
    return false;
}

// Functions of a distributed setup that Tycho cannot serve yet (no transport to other
// nodes); until it can be part of one, require_cluster() already trapped.
int32_t unsupported(Caller& caller, const char* function) {
    if (require_cluster(caller, function))
        caller.trap(full_name(function) + ": not supported by this runtime's distributed setup");
    return 0;
}

// Copies of a host call's UTF-8 string arguments, counted as the process's memory while the
// call holds them.
class Arguments {
  public:
    Arguments(Caller& caller, const char* function)
        : caller_(caller), function_(function), memory_(caller),
          charge_(WasmProcess::of(caller).memory_account()) {}

    // A copy of the UTF-8 string at (ptr, len); nullopt after trapping.
    std::optional<std::string> string(uint32_t ptr, uint32_t len) {
        auto text = memory_.utf8(ptr, len);
        if (!text) return std::nullopt;
        if (!charge_.add(text->size())) {
            caller_.trap(full_name(function_) + ": " + charge_.refusal());
            return std::nullopt;
        }
        return std::string(*text);
    }

  private:
    Caller& caller_;
    const char* function_;
    GuestMemory memory_;
    TemporaryCharge charge_;
};

// Runs `work` on the blocking pool while the process waits (certificates take milliseconds);
// nullopt after stopping `caller` when the process must die meanwhile.
template <class Work> auto off_the_worker(Caller& caller, Work work) {
    using Result = decltype(work());
    WasmProcess& self = WasmProcess::of(caller);
    auto result = std::make_shared<std::optional<Result>>();
    if (!self.run_blocking([result, work = std::move(work)] { result->emplace(work()); })) {
        caller.stop(self.dying_cause());
        return std::optional<Result>();
    }
    return std::move(*result);
}

// Hands a bincode (String certificate, String key) to the guest; the buffer's pointer, or 0
// after trapping.
int32_t give_certified_key(Caller& caller, const char* function,
                           const certificates::CertifiedKey& pair, uint32_t len_ptr) {
    bincode::Writer out;
    out.reserve(bincode::Writer::sized(pair.certificate_pem.size()) +
                bincode::Writer::sized(pair.private_key_pem.size()));
    out.string(pair.certificate_pem);
    out.string(pair.private_key_pem);
    return int32_t(
        give_result_buffer(caller, full_name(function), out.data(), len_ptr).value_or(0));
}

void add_nodes(wasm::Linker& linker) {
    linker.func("lunatic::distributed", "nodes_count", [](Caller& caller) -> int32_t {
        return int32_t(WasmProcess::of(caller).host().cluster().node_ids().size());
    });
    linker.func("lunatic::distributed", "get_nodes",
                [](Caller& caller, uint32_t nodes_ptr, uint32_t nodes_len) -> int32_t {
                    const auto ids = WasmProcess::of(caller).host().cluster().node_ids();
                    const size_t count = std::min<size_t>(ids.size(), nodes_len);
                    GuestMemory memory(caller);
                    auto out = memory.bytes(nodes_ptr, uint64_t(count) * 8);
                    if (!out) return 0;
                    for (size_t i = 0; i < count; ++i)
                        for (int b = 0; b < 8; ++b)
                            (*out)[i * 8 + size_t(b)] = uint8_t(ids[i] >> (8 * b));
                    return int32_t(count);
                });
    linker.func("lunatic::distributed", "node_id", [](Caller& caller) -> int64_t {
        return int64_t(WasmProcess::of(caller).host().cluster().node_id());
    });
    // Modules get ids from the control server; no module of this runtime has one.
    linker.func("lunatic::distributed", "module_id", [](Caller&) -> int64_t { return 0; });
    linker.func("lunatic::distributed", "exec_lookup_nodes",
                [](Caller& caller, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) -> int32_t {
                    return unsupported(caller, "exec_lookup_nodes");
                });
    linker.func("lunatic::distributed", "copy_lookup_nodes_results",
                [](Caller& caller, int64_t, uint32_t, uint32_t, uint32_t) -> int32_t {
                    return unsupported(caller, "copy_lookup_nodes_results");
                });
}

void add_processes(wasm::Linker& linker) {
    linker.func("lunatic::distributed", "spawn",
                [](Caller& caller, int64_t, int64_t, int64_t, uint32_t, uint32_t, uint32_t,
                   uint32_t, uint32_t) -> int32_t { return unsupported(caller, "spawn"); });
    linker.func(
        "lunatic::distributed", "send",
        [](Caller& caller, int64_t node_id, int64_t process_id) -> int32_t {
            if (!require_cluster(caller, "send")) return 0;
            Scratch& scratch = WasmProcess::of(caller).state<Scratch>();
            if (!scratch.message || scratch.message->kind != runtime::MessageKind::data ||
                !scratch.message->resources.empty()) {
                caller.trap(full_name("send") +
                            ": the scratch slot must hold a data message without resources");
                return 0;
            }
            const Cluster& cluster = WasmProcess::of(caller).host().cluster();
            return int32_t(cluster.send(scratch, {uint64_t(node_id), uint64_t(process_id)}));
        });
    linker.func("lunatic::distributed", "send_receive_skip_search",
                [](Caller& caller, int64_t, int64_t, int64_t, int64_t) -> int32_t {
                    return unsupported(caller, "send_receive_skip_search");
                });
}

void add_certificates(wasm::Linker& linker) {
    linker.func(
        "lunatic::distributed", "test_root_cert", [](Caller& caller, uint32_t len_ptr) -> int32_t {
            auto made = off_the_worker(caller, [] { return certificates::test_authority(); });
            if (!made) return 0;
            if (!*made) {
                caller.trap(full_name("test_root_cert") + ": " + made->error().message);
                return 0;
            }
            return give_certified_key(caller, "test_root_cert", made->value(), len_ptr);
        });
    linker.func("lunatic::distributed", "default_server_certificates",
                [](Caller& caller, uint32_t cert_ptr, uint32_t cert_len, uint32_t key_ptr,
                   uint32_t key_len, uint32_t len_ptr) -> int32_t {
                    const char* function = "default_server_certificates";
                    Arguments arguments(caller, function);
                    auto authority = arguments.string(cert_ptr, cert_len);
                    auto key = authority ? arguments.string(key_ptr, key_len) : std::nullopt;
                    if (!key) return 0;
                    auto made = off_the_worker(
                        caller, [authority = std::move(*authority), key = std::move(*key)] {
                            return certificates::issue_server_certificate(
                                authority, key, certificates::kControlServerName);
                        });
                    if (!made) return 0;
                    if (!*made) {
                        caller.trap(full_name(function) + ": " + made->error().message);
                        return 0;
                    }
                    return give_certified_key(caller, function, made->value(), len_ptr);
                });
    linker.func(
        "lunatic::distributed", "sign_node",
        [](Caller& caller, uint32_t cert_ptr, uint32_t cert_len, uint32_t key_ptr, uint32_t key_len,
           uint32_t csr_ptr, uint32_t csr_len, uint32_t len_ptr) -> int32_t {
            const char* function = "sign_node";
            Arguments arguments(caller, function);
            auto authority = arguments.string(cert_ptr, cert_len);
            auto key = authority ? arguments.string(key_ptr, key_len) : std::nullopt;
            auto request = key ? arguments.string(csr_ptr, csr_len) : std::nullopt;
            if (!request) return 0;
            auto made =
                off_the_worker(caller, [authority = std::move(*authority), key = std::move(*key),
                                        request = std::move(*request)] {
                    return certificates::sign_request(authority, key, request);
                });
            if (!made) return 0;
            if (!*made) {
                // A request that cannot be signed is an answer; an unusable authority is not.
                if (made->error().cause == certificates::Error::Cause::request) return 0;
                caller.trap(full_name(function) + ": " + made->error().message);
                return 0;
            }
            bincode::Writer out;
            out.string(made->value());
            return int32_t(
                give_result_buffer(caller, full_name(function), out.data(), len_ptr).value_or(0));
        });
}

} // namespace

void define_distributed_module(wasm::Linker& linker) {
    add_nodes(linker);
    add_processes(linker);
    add_certificates(linker);
}

} // namespace tycho::host
