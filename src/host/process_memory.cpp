#include "host/process_memory.h"

namespace tycho::host {

bool ProcessMemory::charge_budget(uint64_t bytes) {
    if (budget_.try_charge(bytes)) return true;
    refusal_ = "the runtime's memory budget (--max-total-memory, " +
               std::to_string(budget_.limit()) + " bytes) is used up";
    return false;
}

bool ProcessMemory::try_charge(uint64_t bytes) {
    if (bytes > max_memory_ || host_ > max_memory_ - bytes) {
        refusal_ = "the process would hold more than its max_memory (" +
                   std::to_string(max_memory_) +
                   " bytes) in host memory: " + std::to_string(host_) + " bytes held, " +
                   std::to_string(bytes) + " more asked";
        return false;
    }
    if (!charge_budget(bytes)) return false;
    host_ += bytes;
    return true;
}

void ProcessMemory::release(uint64_t bytes) {
    bytes = std::min(bytes, host_);
    host_ -= bytes;
    budget_.release(bytes);
}

bool ProcessMemory::memory_growing(size_t, size_t) {
    return true; // the page limit holds it within max_memory; see the header
}

bool ProcessMemory::table_growing(uint32_t current_elements, uint32_t desired_elements) {
    if (desired_elements >= kMaxTableElements) {
        refusal_ = "a table of " + std::to_string(desired_elements) +
                   " elements is too large (the limit is " + std::to_string(kMaxTableElements - 1) +
                   ")";
        return false;
    }
    return try_charge(uint64_t(desired_elements - current_elements) * sizeof(wasm::RefBits));
}

} // namespace tycho::host
