// Checked access to a calling guest's linear memory for host functions (lunatic-abi.md §3.1):
// every range must lie inside the memory exported as "memory", lengths and sums are computed
// without overflow, and integers are little-endian with no alignment requirement. A failed
// check records a trap on the Caller; host code then returns at once. In OnFault::Report mode
// (for ABIs like WASI that answer a bad pointer with an error code) a failed check only sets
// faulted() and the call goes on.
#pragma once

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tycho::host {

class GuestMemory {
  public:
    enum class OnFault { Trap, Report };

    // Looks up the caller's "memory" export. When it is missing, every access fails.
    explicit GuestMemory(wasm::Caller& caller, OnFault on_fault = OnFault::Trap);

    bool ok() const { return !caller_.trapped() && !caller_.stopped(); }
    // Whether a check has failed (in either mode).
    bool faulted() const { return faulted_; }

    // [ptr, ptr+len) or an empty optional (and a trap unless reporting) when it is out of
    // bounds.
    std::optional<std::span<uint8_t>> bytes(uint32_t ptr, uint64_t len);
    std::optional<std::span<const uint8_t>> read(uint32_t ptr, uint64_t len) {
        auto b = bytes(ptr, len);
        if (!b) return std::nullopt;
        return std::span<const uint8_t>(*b);
    }
    // A UTF-8 string; fails on bounds or on invalid UTF-8.
    std::optional<std::string_view> utf8(uint32_t ptr, uint32_t len);

    bool write(uint32_t ptr, std::span<const uint8_t> data);
    bool write(uint32_t ptr, std::string_view text) {
        return write(ptr, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    }
    template <class T> bool store(uint32_t ptr, T value) {
        static_assert(std::is_trivially_copyable_v<T>);
        auto b = bytes(ptr, sizeof(T));
        if (!b) return false;
        std::memcpy(b->data(), &value, sizeof(T)); // the host is little-endian, like Wasm
        return true;
    }
    template <class T> std::optional<T> load(uint32_t ptr) {
        static_assert(std::is_trivially_copyable_v<T>);
        auto b = bytes(ptr, sizeof(T));
        if (!b) return std::nullopt;
        T value;
        std::memcpy(&value, b->data(), sizeof(T));
        return value;
    }

    // The memory itself (nullptr when the guest exports none).
    wasm::Memory* memory() const { return memory_; }

  private:
    void fail(std::string message);

    wasm::Caller& caller_;
    wasm::Memory* memory_ = nullptr;
    OnFault on_fault_;
    bool faulted_ = false;
};

bool is_valid_utf8(std::string_view text);

} // namespace tycho::host
