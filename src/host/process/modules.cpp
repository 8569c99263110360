// lunatic::process's modules (lunatic-abi.md §16.1) and their transfer in messages
// (push_module / take_module of lunatic::message, §17).
#include "host/error/errors.h"
#include "host/guest_memory.h"
#include "host/message/scratch.h"
#include "host/process/process_module.h"
#include "host/process/process_tables.h"
#include "host/wasm_process.h"

#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace tycho::host {

using wasm::Caller;

namespace {

using CompileResult = wasm::Result<std::shared_ptr<const wasm::Module>>;

// Modules smaller than this compile on the worker. Measured: handing a job to the pool and
// parking until it is done costs 10-15 us; compiling costs 17-23 us per KiB of code-dense
// module (a 400-byte module 7 us, 4 KiB 70-90 us, 64 KiB of C program 0.35 ms). So a
// module of 1 KiB holds the worker about as long as parking would; more does not pay.
constexpr size_t kCompileInlineBelow = size_t(1) << 10;

// Compiles `bytes` on the node's blocking pool (a big module would hold this worker, and
// every process queued on it, for seconds) while the process parks. The job works on a
// copy: a kill ends the wait at once, and the process's memory goes with it. nullopt when
// the process must die instead.
std::optional<CompileResult> compile_off_worker(WasmProcess& self, std::span<const uint8_t> bytes) {
    struct Job {
        std::vector<uint8_t> bytes;
        std::optional<CompileResult> result;
    };
    auto job = std::make_shared<Job>();
    job->bytes.assign(bytes.begin(), bytes.end());
    const Host& host = self.host(); // outlives the pool's jobs
    const bool done = self.run_blocking([job, &host] {
        job->result = host.compile_for_guest(job->bytes);
        job->bytes = {};
    });
    if (!done) return std::nullopt;
    return std::move(job->result);
}

} // namespace

void add_module_functions(wasm::Linker& linker) {
    linker.func(
        "lunatic::process", "compile_module",
        [](Caller& caller, uint32_t data_ptr, uint32_t data_len, uint32_t id_ptr) -> int32_t {
            WasmProcess& self = WasmProcess::of(caller);
            if (!self.config().can_compile_modules) return -1;
            GuestMemory memory(caller);
            auto bytes = memory.read(data_ptr, data_len);
            if (!bytes || !memory.bytes(id_ptr, 8)) return 0;
            std::optional<CompileResult> compiled;
            if (bytes->size() < kCompileInlineBelow) {
                compiled = self.host().compile_for_guest(*bytes);
            } else {
                compiled = compile_off_worker(self, *bytes);
                if (!compiled) {
                    caller.stop(self.dying_cause());
                    return 0;
                }
            }
            CompileResult& module = *compiled;
            if (!module) {
                auto error = add_error(caller, "lunatic::process::compile_module", self,
                                       module.error().to_string());
                if (error) memory.store<uint64_t>(id_ptr, *error);
                return 1;
            }
            const uint64_t charge = module_bytes(*module.value());
            auto id = self.state<ProcessTables>().modules.insert(
                caller, "lunatic::process::compile_module", std::move(module.value()), charge);
            if (id) memory.store<uint64_t>(id_ptr, *id);
            return 0;
        });
    linker.func("lunatic::process", "drop_module", [](Caller& caller, int64_t module_id) {
        if (!WasmProcess::of(caller).state<ProcessTables>().modules.erase(uint64_t(module_id)))
            caller.trap("lunatic::process::drop_module: unknown module id " +
                        std::to_string(module_id));
    });

    // Modules travel in messages as shared references: the sender keeps its id (§10.4).
    linker.func(
        "lunatic::message", "push_module", [](Caller& caller, int64_t module_id) -> int64_t {
            WasmProcess& self = WasmProcess::of(caller);
            const auto* module = self.state<ProcessTables>().modules.find(uint64_t(module_id));
            if (module == nullptr) {
                caller.trap("lunatic::message::push_module: unknown module id " +
                            std::to_string(module_id));
                return 0;
            }
            runtime::Message* message = self.state<Scratch>().data_or_trap(caller, "push_module");
            if (message == nullptr) return 0;
            return int64_t(message->push_resource(
                kModuleResource,
                std::const_pointer_cast<void>(std::static_pointer_cast<const void>(*module))));
        });
    linker.func("lunatic::message", "take_module", [](Caller& caller, int64_t index) -> int64_t {
        WasmProcess& self = WasmProcess::of(caller);
        auto taken = take_resource_or_trap(caller, "take_module", index, kModuleResource);
        if (!taken) return 0;
        auto module = std::static_pointer_cast<const wasm::Module>(std::move(taken));
        const uint64_t charge = module_bytes(*module);
        auto id = self.state<ProcessTables>().modules.insert(
            caller, "lunatic::message::take_module", std::move(module), charge);
        return id ? int64_t(*id) : 0;
    });
}

} // namespace tycho::host
