#include "host/process_limits.h"

namespace tycho::host {

std::optional<uint32_t> oversized_initial_memory(const wasm::Module& module, uint64_t max_memory) {
    const wasm::ModuleInfo& info = module.info();
    const uint32_t limit = memory_page_limit(max_memory);
    for (size_t i = info.num_imported_memories; i < info.memories.size(); ++i)
        if (info.memories[i].limits.min > limit) return info.memories[i].limits.min;
    return std::nullopt;
}

} // namespace tycho::host
