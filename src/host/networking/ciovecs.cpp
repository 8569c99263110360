#include "host/networking/ciovecs.h"

#include <algorithm>

namespace tycho::host {

std::optional<std::vector<iovec>> read_ciovecs(GuestMemory& memory, uint32_t array_ptr,
                                               uint32_t count, size_t max_entries) {
    constexpr uint64_t kEntryBytes = 8;
    auto array = memory.read(array_ptr, uint64_t(count) * kEntryBytes);
    if (!array) return std::nullopt;
    std::vector<iovec> buffers;
    buffers.reserve(std::min<size_t>(count, max_entries));
    for (uint32_t i = 0; i < count; ++i) {
        uint32_t buffer_ptr = 0;
        uint32_t length = 0;
        std::memcpy(&buffer_ptr, array->data() + i * kEntryBytes, 4);
        std::memcpy(&length, array->data() + i * kEntryBytes + 4, 4);
        auto buffer = memory.bytes(buffer_ptr, length);
        if (!buffer) return std::nullopt;
        if (buffers.size() < max_entries) buffers.push_back(iovec{buffer->data(), buffer->size()});
    }
    return buffers;
}

} // namespace tycho::host
