// The WebAssembly type vocabulary shared by the decoder, validator, engine and embedders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace tycho::wasm {

enum class ValType : uint8_t {
    I32 = 0x7F,
    I64 = 0x7E,
    F32 = 0x7D,
    F64 = 0x7C,
    V128 = 0x7B,
    FuncRef = 0x70,
    ExternRef = 0x6F,
};

const char* to_string(ValType type);
inline bool is_ref(ValType t) {
    return t == ValType::FuncRef || t == ValType::ExternRef;
}
inline bool is_num(ValType t) {
    return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}

// The ValType of a C++ scalar: 32/64-bit integers (either signedness), float, double.
template <class T> constexpr ValType val_type_of() {
    static_assert(
        std::is_arithmetic_v<T> && (sizeof(T) == 4 || sizeof(T) == 8),
        "not a Wasm scalar type: use int32_t, uint32_t, int64_t, uint64_t, float, double");
    if constexpr (std::is_floating_point_v<T>)
        return sizeof(T) == 4 ? ValType::F32 : ValType::F64;
    else
        return sizeof(T) == 4 ? ValType::I32 : ValType::I64;
}

struct FuncType {
    std::vector<ValType> params;
    std::vector<ValType> results;
    bool operator==(const FuncType&) const = default;
    std::string to_string() const;
};

struct Limits {
    uint32_t min = 0;
    std::optional<uint32_t> max;
    bool operator==(const Limits&) const = default;
};

struct TableType {
    ValType element = ValType::FuncRef;
    Limits limits;
    bool operator==(const TableType&) const = default;
};

struct MemoryType {
    Limits limits; // in 64 KiB pages
    bool operator==(const MemoryType&) const = default;
};

struct GlobalType {
    ValType type = ValType::I32;
    bool is_mutable = false;
    bool operator==(const GlobalType&) const = default;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* to_string(ExternKind kind);

inline constexpr uint32_t kPageSize = 65536;
inline constexpr uint32_t kMaxPages = 65536;

} // namespace tycho::wasm
