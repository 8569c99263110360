// Operator identities and static facts, all generated from opcodes.def.
#pragma once

#include "immediates.h"

#include <tycho/wasm/types.h>

#include <cstdint>
#include <type_traits>

namespace tycho::wasm {

enum class Op : uint16_t {
#define TYCHO_SPECIAL(Name, prefix, code, text, Imm, Sig) Name,
#define TYCHO_NUMERIC(Name, prefix, code, text, R, A, B, Traps) Name,
#define TYCHO_LOAD(Name, code, text, R, Stored, align) Name,
#define TYCHO_STORE(Name, code, text, A, Stored, align) Name,
#include "opcodes.def"
    Count
};

inline constexpr unsigned kOpCount = unsigned(Op::Count);

struct OpInfo {
    const char* text = nullptr;
    // For numeric operators: operand/result types; operands == 1 or 2. 0 for others.
    uint8_t operands = 0;
    ValType result = ValType::I32;
    ValType a = ValType::I32;
    ValType b = ValType::I32;
    // For loads/stores: natural alignment (log2) and access width in bytes.
    uint8_t natural_align = 0;
    uint8_t width = 0;
    bool is_load = false;
    bool is_store = false;
};

namespace detail {
template <class T> constexpr ValType b_type() {
    if constexpr (std::is_void_v<T>)
        return ValType::I32;
    else
        return val_type_of<T>();
}
} // namespace detail

inline constexpr OpInfo kOpInfo[kOpCount] = {
#define TYCHO_SPECIAL(Name, prefix, code, text, Imm, Sig) OpInfo{text},
#define TYCHO_NUMERIC(Name, prefix, code, text, R, A, B, Traps)                                    \
    OpInfo{text, std::is_void_v<B> ? uint8_t(1) : uint8_t(2), val_type_of<R>(), val_type_of<A>(),  \
           detail::b_type<B>()},
#define TYCHO_LOAD(Name, code, text, R, Stored, align)                                             \
    OpInfo{text, 0,    val_type_of<R>(), ValType::I32, ValType::I32, align, sizeof(Stored),        \
           true, false},
#define TYCHO_STORE(Name, code, text, A, Stored, align)                                            \
    OpInfo{text,           0,     ValType::I32, ValType::I32, val_type_of<A>(), align,             \
           sizeof(Stored), false, true},
#include "opcodes.def"
};

inline const OpInfo& info(Op op) {
    return kOpInfo[unsigned(op)];
}

// A special operator as a type, for overloads per operator (the decoder's typing rules, an
// Interface's visit functions).
template <Op O> using OpTag = std::integral_constant<Op, O>;

// The immediate (imm::*) and signature (a C function type, or sig::Custom) of each special
// operator, from opcodes.def.
template <Op O> struct SpecialOp;
#define TYCHO_SPECIAL(Name, prefix, code, text, Imm, Sig)                                          \
    template <> struct SpecialOp<Op::Name> {                                                       \
        using Immediate = imm::Imm;                                                                \
        using Signature = Sig;                                                                     \
    };
#include "opcodes.def"
template <Op O> using ImmediateOf = typename SpecialOp<O>::Immediate;

// The value types a fixed signature pops and pushes.
template <class Signature> struct FixedSignature;
template <class R, class... Params> struct FixedSignature<R(Params...)> {
    static constexpr ValType params[sizeof...(Params) == 0 ? 1 : sizeof...(Params)] = {
        val_type_of<Params>()...};
    static constexpr size_t param_count = sizeof...(Params);
    static constexpr bool has_result = !std::is_void_v<R>;
    static constexpr ValType result() {
        if constexpr (std::is_void_v<R>)
            return ValType::I32;
        else
            return val_type_of<R>();
    }
};

// Maps (prefix, code) to an operator; returns false for codes that are not operators.
struct OpcodeMap {
    int16_t plain[256];
    int16_t fc[32];
    constexpr OpcodeMap() : plain{}, fc{} {
        for (auto& x : plain)
            x = -1;
        for (auto& x : fc)
            x = -1;
        unsigned i = 0;
#define TYCHO_ENTRY(prefix, code)                                                                  \
    if ((prefix) == 0)                                                                             \
        plain[(code)] = int16_t(i);                                                                \
    else                                                                                           \
        fc[(code)] = int16_t(i);                                                                   \
    ++i;
#define TYCHO_SPECIAL(Name, prefix, code, text, Imm, Sig) TYCHO_ENTRY(prefix, code)
#define TYCHO_NUMERIC(Name, prefix, code, text, R, A, B, Traps) TYCHO_ENTRY(prefix, code)
#define TYCHO_LOAD(Name, code, text, R, Stored, align) TYCHO_ENTRY(0, code)
#define TYCHO_STORE(Name, code, text, A, Stored, align) TYCHO_ENTRY(0, code)
#include "opcodes.def"
#undef TYCHO_ENTRY
    }
};
inline constexpr OpcodeMap kOpcodeMap{};

} // namespace tycho::wasm
