#include "limits.h"

#include "host/process_limits.h"

namespace tycho::cli {

namespace {

std::string pages(uint64_t count) {
    return std::to_string(count) + (count == 1 ? " page" : " pages");
}

} // namespace

std::optional<std::string> check_initial_memory(const wasm::Module& module, uint64_t max_memory,
                                                const std::string& file) {
    const auto initial = host::oversized_initial_memory(module, max_memory);
    if (!initial) return std::nullopt;
    const uint32_t limit = host::memory_page_limit(max_memory);
    return "'" + file + "' starts with a memory of " + pages(*initial) + " (" +
           std::to_string(uint64_t(*initial) * wasm::kPageSize) +
           " bytes), more than --max-memory " + std::to_string(max_memory) + " allows (" +
           pages(limit) + ")";
}

} // namespace tycho::cli
