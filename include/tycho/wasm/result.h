// Minimal value-or-error type used across the engine (std::expected is C++23).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace tycho::wasm {

// An error found while decoding, validating or linking a module.
struct Error {
    std::string message;
    // Byte offset into the module binary, or npos when the error has no location.
    size_t offset = npos;
    static constexpr size_t npos = static_cast<size_t>(-1);

    std::string to_string() const;
};

template <class T, class E = Error> class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }

    const E& error() const { return std::get<1>(state_); }
    E& error() { return std::get<1>(state_); }

  private:
    std::variant<T, E> state_;
};

template <class E> class [[nodiscard]] Result<void, E> {
  public:
    Result() = default;
    Result(E error) : error_(std::move(error)), failed_(true) {}

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const E& error() const { return error_; }

  private:
    E error_{};
    bool failed_ = false;
};

} // namespace tycho::wasm
