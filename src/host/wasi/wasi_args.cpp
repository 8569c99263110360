// args_get, args_sizes_get, environ_get, environ_sizes_get: one layout for both lists.
#include "host/wasi/wasi_functions.h"

#include <cstring>

namespace tycho::host::wasi {

namespace {

// Bytes of the NUL-terminated strings together.
uint64_t buffer_size(std::span<const std::string> strings) {
    uint64_t size = 0;
    for (const std::string& s : strings)
        size += uint64_t(s.size()) + 1;
    return size;
}

} // namespace

Errno strings_sizes_get(GuestMemory& memory, std::span<const std::string> strings,
                        uint32_t count_out, uint32_t size_out) {
    const uint64_t size = buffer_size(strings);
    if (strings.size() > UINT32_MAX || size > UINT32_MAX) return Errno::Overflow;
    // Both ranges are checked before either is written.
    auto count_bytes = memory.bytes(count_out, 4);
    auto size_bytes = memory.bytes(size_out, 4);
    if (!count_bytes || !size_bytes) return Errno::Fault;
    const auto count32 = uint32_t(strings.size());
    const auto size32 = uint32_t(size);
    std::memcpy(count_bytes->data(), &count32, 4);
    std::memcpy(size_bytes->data(), &size32, 4);
    return Errno::Success;
}

Errno strings_get(GuestMemory& memory, std::span<const std::string> strings, uint32_t ptrs,
                  uint32_t buf) {
    auto pointers = memory.bytes(ptrs, uint64_t(strings.size()) * 4);
    auto text = memory.bytes(buf, buffer_size(strings));
    if (!pointers || !text) return Errno::Fault;
    // `buf` plus any offset inside `text` fits in 32 bits: the range lies inside the memory.
    uint32_t offset = 0;
    for (size_t i = 0; i < strings.size(); ++i) {
        const std::string& s = strings[i];
        const uint32_t address = buf + offset;
        std::memcpy(pointers->data() + i * 4, &address, 4);
        if (!s.empty()) std::memcpy(text->data() + offset, s.data(), s.size());
        text->data()[offset + s.size()] = 0;
        offset += uint32_t(s.size()) + 1;
    }
    return Errno::Success;
}

} // namespace tycho::host::wasi
