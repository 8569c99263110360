#include "host/guest_memory.h"

#include "host/wasm_process.h"

namespace tycho::host {

GuestMemory::GuestMemory(wasm::Caller& caller, OnFault on_fault)
    : caller_(caller), on_fault_(on_fault) {
    // Inside a process the lookup is made once; `tycho run --invoke` calls have no process.
    if (caller.context().embedder_data != nullptr)
        memory_ = WasmProcess::of(caller).exported_memory(caller);
    else if (wasm::Instance* instance = caller.instance())
        memory_ = instance->exported_memory("memory");
}

std::optional<std::span<uint8_t>> GuestMemory::bytes(uint32_t ptr, uint64_t len) {
    if (!ok()) return std::nullopt;
    if (memory_ == nullptr) {
        fail("the module exports no memory named 'memory'");
        return std::nullopt;
    }
    // Written so that no sum can wrap, whatever `len` is.
    if (len > memory_->size() || ptr > memory_->size() - len) {
        fail("host call: guest memory range [" + std::to_string(ptr) + ", " +
             std::to_string(uint64_t(ptr) + len) + ") is out of bounds (memory size " +
             std::to_string(memory_->size()) + ")");
        return std::nullopt;
    }
    return std::span<uint8_t>(memory_->data() + ptr, size_t(len));
}

std::optional<std::string_view> GuestMemory::utf8(uint32_t ptr, uint32_t len) {
    auto b = bytes(ptr, len);
    if (!b) return std::nullopt;
    std::string_view text(reinterpret_cast<const char*>(b->data()), b->size());
    if (!is_valid_utf8(text)) {
        fail("host call: string at " + std::to_string(ptr) + " is not valid UTF-8");
        return std::nullopt;
    }
    return text;
}

void GuestMemory::fail(std::string message) {
    faulted_ = true;
    if (on_fault_ == OnFault::Trap) caller_.trap(std::move(message));
}

bool GuestMemory::write(uint32_t ptr, std::span<const uint8_t> data) {
    auto b = bytes(ptr, data.size());
    if (!b) return false;
    if (!data.empty()) std::memcpy(b->data(), data.data(), data.size());
    return true;
}

bool is_valid_utf8(std::string_view text) {
    const auto* p = reinterpret_cast<const uint8_t*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        const uint8_t c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        size_t n;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0)
            n = 1, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0)
            n = 2, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0)
            n = 3, cp = c & 0x07;
        else
            return false;
        if (size_t(end - p) <= n) return false;
        for (size_t i = 1; i <= n; ++i) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        // Overlong forms, surrogates and values beyond U+10FFFF are invalid.
        static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        p += n + 1;
    }
    return true;
}

} // namespace tycho::host
