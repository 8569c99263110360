// lunatic::registry (lunatic-abi.md §12, §19): names shared by a whole process tree.
#include "host/guest_memory.h"
#include "host/wasm_process.h"

namespace tycho::host {

void define_registry_module(wasm::Linker& linker) {
    linker.func("lunatic::registry", "put",
                [](wasm::Caller& caller, uint32_t name_ptr, uint32_t name_len, int64_t node_id,
                   int64_t process_id) {
                    GuestMemory memory(caller);
                    auto name = memory.utf8(name_ptr, name_len);
                    if (!name) return;
                    WasmProcess::of(caller).environment().registry().put(
                        *name, {uint64_t(node_id), uint64_t(process_id)});
                });
    linker.func("lunatic::registry", "get",
                [](wasm::Caller& caller, uint32_t name_ptr, uint32_t name_len, uint32_t node_id_ptr,
                   uint32_t process_id_ptr) -> int32_t {
                    GuestMemory memory(caller);
                    auto name = memory.utf8(name_ptr, name_len);
                    if (!name) return 0;
                    auto entry = WasmProcess::of(caller).environment().registry().get(*name);
                    if (!entry) return 1;
                    if (memory.store<uint64_t>(node_id_ptr, entry->node_id))
                        memory.store<uint64_t>(process_id_ptr, entry->process_id);
                    return 0;
                });
    linker.func("lunatic::registry", "remove",
                [](wasm::Caller& caller, uint32_t name_ptr, uint32_t name_len) {
                    GuestMemory memory(caller);
                    auto name = memory.utf8(name_ptr, name_len);
                    if (!name) return;
                    WasmProcess::of(caller).environment().registry().remove(*name);
                });
}

} // namespace tycho::host
