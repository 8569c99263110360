// The exact WebAssembly 2.0 semantics of every numeric operator in opcodes.def.
//
// For each TYCHO_NUMERIC(Name, prefix, code, text, R, A, B, Traps) entry this header defines
// num::Name with one static, forced-inline `apply`:
//     R        apply(A a) noexcept                   unary, cannot trap
//     R        apply(A a, B b) noexcept              binary, cannot trap
//     TrapCode apply(A a, [B b,] R& out) noexcept    can trap; `out` is written only on None
// Values are C types: uint32_t = i32, uint64_t = i64, float = f32, double = f64. Integer
// arithmetic is done on unsigned types (wrapping, no UB); signed views are taken by value
// conversion, which C++20 defines as modular.
//
// Floating point follows the spec bit for bit:
//  - arithmetic relies on IEEE 754 hardware (SSE/NEON): a NaN input gives a NaN, a canonical
//    NaN input gives a canonical NaN, a signalling NaN is quieted.
//  - abs, neg, copysign and reinterpret are pure bit operations: NaN payloads and signalling
//    bits survive them.
//  - min/max: NaN if either operand is NaN, and -0 < +0.
//  - ceil/floor/trunc/nearest/sqrt are correctly rounded; nearest rounds half to even.
// Nothing here changes or depends on a non-default rounding mode, and nothing assumes
// -ffast-math (which would break the NaN and signed-zero rules; never build with it).
#pragma once

#include <tycho/wasm/trap_code.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

// Every apply is forced inline: the interpreter instantiates one handler per operator from
// these, and a call would clobber the registers its handlers keep their state in.
#define TYCHO_NUM_CONSTEXPR [[gnu::always_inline]] static constexpr
#define TYCHO_NUM_INLINE [[gnu::always_inline]] static inline

namespace tycho::wasm::num {

namespace detail {

template <class F> struct FloatTraits;
template <> struct FloatTraits<float> {
    using Bits = uint32_t;
    static constexpr Bits sign = 0x8000'0000u;
    // The smallest magnitude from which every float is an integer (2^mantissa_bits).
    static constexpr float integral_from = 0x1p23f;
};
template <> struct FloatTraits<double> {
    using Bits = uint64_t;
    static constexpr Bits sign = 0x8000'0000'0000'0000u;
    static constexpr double integral_from = 0x1p52;
};

template <class F> using BitsOf = typename FloatTraits<F>::Bits;

template <class F> [[gnu::always_inline]] constexpr BitsOf<F> bits(F f) noexcept {
    return std::bit_cast<BitsOf<F>>(f);
}
template <class F> [[gnu::always_inline]] constexpr F from_bits(BitsOf<F> b) noexcept {
    return std::bit_cast<F>(b);
}

template <class F> [[gnu::always_inline]] constexpr F fabs(F a) noexcept {
    return from_bits<F>(bits(a) & ~FloatTraits<F>::sign);
}
template <class F> [[gnu::always_inline]] constexpr F fneg(F a) noexcept {
    return from_bits<F>(bits(a) ^ FloatTraits<F>::sign);
}
template <class F> [[gnu::always_inline]] constexpr F fcopysign(F a, F b) noexcept {
    constexpr BitsOf<F> s = FloatTraits<F>::sign;
    return from_bits<F>((bits(a) & ~s) | (bits(b) & s));
}

// min/max: ordered operands compare normally; equal operands can only differ in the sign of
// zero, so OR-ing (min) or AND-ing (max) the representations picks -0 resp. +0 and is the
// identity otherwise; if either is a NaN, a + b is a quiet NaN (canonical if the NaN inputs
// are canonical), as the spec requires.
template <class F> [[gnu::always_inline]] constexpr F fmin(F a, F b) noexcept {
    if (a < b) return a;
    if (b < a) return b;
    if (a == b) return from_bits<F>(bits(a) | bits(b));
    return a + b;
}
template <class F> [[gnu::always_inline]] constexpr F fmax(F a, F b) noexcept {
    if (a > b) return a;
    if (b > a) return b;
    if (a == b) return from_bits<F>(bits(a) & bits(b));
    return a + b;
}

// Rounding to an integral value without a library call, for targets whose baseline ISA has
// no rounding instruction (x86-64 before SSE4.1). For |a| < 2^mantissa_bits,
// (|a| + 2^m) - 2^m rounds |a| to an integer, half to even, in the default rounding mode;
// the result then gets the sign of `a` (a rounded value always keeps the operand's sign,
// including -0). Larger values and infinities are already integral; NaNs are quieted
// by a + a. Exposed for the tests, which check them on every target.
template <class F> [[gnu::always_inline]] constexpr F nearest_soft(F a) noexcept {
    constexpr F big = FloatTraits<F>::integral_from;
    F m = fabs(a);
    if (m < big) return fcopysign((m + big) - big, a);
    return __builtin_isnan(a) ? a + a : a;
}
template <class F> [[gnu::always_inline]] constexpr F trunc_soft(F a) noexcept {
    constexpr F big = FloatTraits<F>::integral_from;
    F m = fabs(a);
    if (m < big) {
        F r = (m + big) - big;
        if (r > m) r -= F(1);
        return fcopysign(r, a);
    }
    return __builtin_isnan(a) ? a + a : a;
}
template <class F> [[gnu::always_inline]] constexpr F ceil_soft(F a) noexcept {
    constexpr F big = FloatTraits<F>::integral_from;
    F m = fabs(a);
    if (m < big) {
        F r = fcopysign((m + big) - big, a);
        if (r < a) r += F(1);
        return fcopysign(r, a);
    }
    return __builtin_isnan(a) ? a + a : a;
}
template <class F> [[gnu::always_inline]] constexpr F floor_soft(F a) noexcept {
    constexpr F big = FloatTraits<F>::integral_from;
    F m = fabs(a);
    if (m < big) {
        F r = fcopysign((m + big) - big, a);
        if (r > a) r -= F(1);
        return fcopysign(r, a);
    }
    return __builtin_isnan(a) ? a + a : a;
}

// The hardware rounding instructions where the target has them (SSE4.1 roundss/roundsd,
// AArch64 frint*), else the inline sequences above rather than a libm call.
#if defined(__x86_64__) && !defined(__SSE4_1__)
#define TYCHO_NUM_SOFT_ROUNDING 1
#else
#define TYCHO_NUM_SOFT_ROUNDING 0
#endif

[[gnu::always_inline]] inline float ceil(float a) noexcept {
    if constexpr (TYCHO_NUM_SOFT_ROUNDING)
        return ceil_soft(a);
    else
        return __builtin_ceilf(a);
}
[[gnu::always_inline]] inline double ceil(double a) noexcept {
    if constexpr (TYCHO_NUM_SOFT_ROUNDING)
        return ceil_soft(a);
    else
        return __builtin_ceil(a);
}
[[gnu::always_inline]] inline float floor(float a) noexcept {
    if constexpr (TYCHO_NUM_SOFT_ROUNDING)
        return floor_soft(a);
    else
        return __builtin_floorf(a);
}
[[gnu::always_inline]] inline double floor(double a) noexcept {
    if constexpr (TYCHO_NUM_SOFT_ROUNDING)
        return floor_soft(a);
    else
        return __builtin_floor(a);
}
[[gnu::always_inline]] inline float trunc(float a) noexcept {
    if constexpr (TYCHO_NUM_SOFT_ROUNDING)
        return trunc_soft(a);
    else
        return __builtin_truncf(a);
}
[[gnu::always_inline]] inline double trunc(double a) noexcept {
    if constexpr (TYCHO_NUM_SOFT_ROUNDING)
        return trunc_soft(a);
    else
        return __builtin_trunc(a);
}
[[gnu::always_inline]] inline float nearest(float a) noexcept {
    if constexpr (TYCHO_NUM_SOFT_ROUNDING)
        return nearest_soft(a);
    else
        return __builtin_roundevenf(a);
}
[[gnu::always_inline]] inline double nearest(double a) noexcept {
    if constexpr (TYCHO_NUM_SOFT_ROUNDING)
        return nearest_soft(a);
    else
        return __builtin_roundeven(a);
}

#undef TYCHO_NUM_SOFT_ROUNDING

// sqrt without the errno side path that std::sqrt keeps for negative operands.
template <class F> [[gnu::always_inline]] inline F sqrt(F a) noexcept {
#if defined(__has_builtin) && __has_builtin(__builtin_elementwise_sqrt)
    return __builtin_elementwise_sqrt(a);
#else
    return std::sqrt(a);
#endif
}

// Float -> integer truncation. `lo` and `hi` are the exclusive bounds of the operands whose
// truncation is representable in S: `a > lo && a < hi` holds exactly for them (and is false
// for NaN). Both bounds are exactly representable in F, chosen per operator below.
template <class S, class F>
[[gnu::always_inline]] constexpr TrapCode trunc_checked(F a, F lo, F hi,
                                                        std::make_unsigned_t<S>& out) noexcept {
    if (a > lo && a < hi) [[likely]] {
        out = static_cast<std::make_unsigned_t<S>>(static_cast<S>(a));
        return TrapCode::None;
    }
    return __builtin_isnan(a) ? TrapCode::InvalidConversionToInteger : TrapCode::IntegerOverflow;
}
template <class S, class F>
[[gnu::always_inline]] constexpr std::make_unsigned_t<S> trunc_sat(F a, F lo, F hi) noexcept {
    using U = std::make_unsigned_t<S>;
    if (a > lo && a < hi) [[likely]]
        return static_cast<U>(static_cast<S>(a));
    if (__builtin_isnan(a)) return 0;
    return static_cast<U>(a < F(0) ? std::numeric_limits<S>::min() : std::numeric_limits<S>::max());
}

} // namespace detail

// ---- Integer comparisons -------------------------------------------------------------------

struct I32Eqz {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a) noexcept { return a == 0; }
};
struct I32Eq {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a == b; }
};
struct I32Ne {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a != b; }
};
struct I32LtS {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept {
        return int32_t(a) < int32_t(b);
    }
};
struct I32LtU {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a < b; }
};
struct I32GtS {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept {
        return int32_t(a) > int32_t(b);
    }
};
struct I32GtU {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a > b; }
};
struct I32LeS {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept {
        return int32_t(a) <= int32_t(b);
    }
};
struct I32LeU {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a <= b; }
};
struct I32GeS {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept {
        return int32_t(a) >= int32_t(b);
    }
};
struct I32GeU {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a >= b; }
};

struct I64Eqz {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a) noexcept { return a == 0; }
};
struct I64Eq {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a, uint64_t b) noexcept { return a == b; }
};
struct I64Ne {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a, uint64_t b) noexcept { return a != b; }
};
struct I64LtS {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a, uint64_t b) noexcept {
        return int64_t(a) < int64_t(b);
    }
};
struct I64LtU {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a, uint64_t b) noexcept { return a < b; }
};
struct I64GtS {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a, uint64_t b) noexcept {
        return int64_t(a) > int64_t(b);
    }
};
struct I64GtU {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a, uint64_t b) noexcept { return a > b; }
};
struct I64LeS {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a, uint64_t b) noexcept {
        return int64_t(a) <= int64_t(b);
    }
};
struct I64LeU {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a, uint64_t b) noexcept { return a <= b; }
};
struct I64GeS {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a, uint64_t b) noexcept {
        return int64_t(a) >= int64_t(b);
    }
};
struct I64GeU {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a, uint64_t b) noexcept { return a >= b; }
};

// ---- Float comparisons (IEEE: every ordered comparison with a NaN is false, ne is true) ----

struct F32Eq {
    TYCHO_NUM_CONSTEXPR uint32_t apply(float a, float b) noexcept { return a == b; }
};
struct F32Ne {
    TYCHO_NUM_CONSTEXPR uint32_t apply(float a, float b) noexcept { return a != b; }
};
struct F32Lt {
    TYCHO_NUM_CONSTEXPR uint32_t apply(float a, float b) noexcept { return a < b; }
};
struct F32Gt {
    TYCHO_NUM_CONSTEXPR uint32_t apply(float a, float b) noexcept { return a > b; }
};
struct F32Le {
    TYCHO_NUM_CONSTEXPR uint32_t apply(float a, float b) noexcept { return a <= b; }
};
struct F32Ge {
    TYCHO_NUM_CONSTEXPR uint32_t apply(float a, float b) noexcept { return a >= b; }
};
struct F64Eq {
    TYCHO_NUM_CONSTEXPR uint32_t apply(double a, double b) noexcept { return a == b; }
};
struct F64Ne {
    TYCHO_NUM_CONSTEXPR uint32_t apply(double a, double b) noexcept { return a != b; }
};
struct F64Lt {
    TYCHO_NUM_CONSTEXPR uint32_t apply(double a, double b) noexcept { return a < b; }
};
struct F64Gt {
    TYCHO_NUM_CONSTEXPR uint32_t apply(double a, double b) noexcept { return a > b; }
};
struct F64Le {
    TYCHO_NUM_CONSTEXPR uint32_t apply(double a, double b) noexcept { return a <= b; }
};
struct F64Ge {
    TYCHO_NUM_CONSTEXPR uint32_t apply(double a, double b) noexcept { return a >= b; }
};

// ---- i32 arithmetic ------------------------------------------------------------------------

struct I32Clz {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a) noexcept {
        return static_cast<uint32_t>(std::countl_zero(a));
    }
};
struct I32Ctz {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a) noexcept {
        return static_cast<uint32_t>(std::countr_zero(a));
    }
};
struct I32Popcnt {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a) noexcept {
        return static_cast<uint32_t>(std::popcount(a));
    }
};
struct I32Add {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a + b; }
};
struct I32Sub {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a - b; }
};
struct I32Mul {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a * b; }
};
struct I32DivS {
    TYCHO_NUM_CONSTEXPR TrapCode apply(uint32_t a, uint32_t b, uint32_t& out) noexcept {
        if (b == 0) [[unlikely]]
            return TrapCode::IntegerDivideByZero;
        if (a == 0x8000'0000u && b == 0xFFFF'FFFFu) [[unlikely]]
            return TrapCode::IntegerOverflow;
        out = static_cast<uint32_t>(int32_t(a) / int32_t(b));
        return TrapCode::None;
    }
};
struct I32DivU {
    TYCHO_NUM_CONSTEXPR TrapCode apply(uint32_t a, uint32_t b, uint32_t& out) noexcept {
        if (b == 0) [[unlikely]]
            return TrapCode::IntegerDivideByZero;
        out = a / b;
        return TrapCode::None;
    }
};
struct I32RemS {
    // INT_MIN rem -1 is 0 in Wasm, but overflows (UB, #DE on x86) in C++: a divisor of -1
    // always gives remainder 0, so it never reaches the division.
    TYCHO_NUM_CONSTEXPR TrapCode apply(uint32_t a, uint32_t b, uint32_t& out) noexcept {
        if (b == 0) [[unlikely]]
            return TrapCode::IntegerDivideByZero;
        out = b == 0xFFFF'FFFFu ? 0u : static_cast<uint32_t>(int32_t(a) % int32_t(b));
        return TrapCode::None;
    }
};
struct I32RemU {
    TYCHO_NUM_CONSTEXPR TrapCode apply(uint32_t a, uint32_t b, uint32_t& out) noexcept {
        if (b == 0) [[unlikely]]
            return TrapCode::IntegerDivideByZero;
        out = a % b;
        return TrapCode::None;
    }
};
struct I32And {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a & b; }
};
struct I32Or {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a | b; }
};
struct I32Xor {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a ^ b; }
};
struct I32Shl {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a << (b & 31); }
};
struct I32ShrS {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept {
        return static_cast<uint32_t>(int32_t(a) >> (b & 31)); // arithmetic shift in C++20
    }
};
struct I32ShrU {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept { return a >> (b & 31); }
};
struct I32Rotl {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept {
        return std::rotl(a, static_cast<int>(b & 31));
    }
};
struct I32Rotr {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a, uint32_t b) noexcept {
        return std::rotr(a, static_cast<int>(b & 31));
    }
};

// ---- i64 arithmetic ------------------------------------------------------------------------

struct I64Clz {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a) noexcept {
        return static_cast<uint64_t>(std::countl_zero(a));
    }
};
struct I64Ctz {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a) noexcept {
        return static_cast<uint64_t>(std::countr_zero(a));
    }
};
struct I64Popcnt {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a) noexcept {
        return static_cast<uint64_t>(std::popcount(a));
    }
};
struct I64Add {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept { return a + b; }
};
struct I64Sub {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept { return a - b; }
};
struct I64Mul {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept { return a * b; }
};
struct I64DivS {
    TYCHO_NUM_CONSTEXPR TrapCode apply(uint64_t a, uint64_t b, uint64_t& out) noexcept {
        if (b == 0) [[unlikely]]
            return TrapCode::IntegerDivideByZero;
        if (a == 0x8000'0000'0000'0000u && b == 0xFFFF'FFFF'FFFF'FFFFu) [[unlikely]]
            return TrapCode::IntegerOverflow;
        out = static_cast<uint64_t>(int64_t(a) / int64_t(b));
        return TrapCode::None;
    }
};
struct I64DivU {
    TYCHO_NUM_CONSTEXPR TrapCode apply(uint64_t a, uint64_t b, uint64_t& out) noexcept {
        if (b == 0) [[unlikely]]
            return TrapCode::IntegerDivideByZero;
        out = a / b;
        return TrapCode::None;
    }
};
struct I64RemS {
    TYCHO_NUM_CONSTEXPR TrapCode apply(uint64_t a, uint64_t b, uint64_t& out) noexcept {
        if (b == 0) [[unlikely]]
            return TrapCode::IntegerDivideByZero;
        out = b == 0xFFFF'FFFF'FFFF'FFFFu ? 0u : static_cast<uint64_t>(int64_t(a) % int64_t(b));
        return TrapCode::None;
    }
};
struct I64RemU {
    TYCHO_NUM_CONSTEXPR TrapCode apply(uint64_t a, uint64_t b, uint64_t& out) noexcept {
        if (b == 0) [[unlikely]]
            return TrapCode::IntegerDivideByZero;
        out = a % b;
        return TrapCode::None;
    }
};
struct I64And {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept { return a & b; }
};
struct I64Or {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept { return a | b; }
};
struct I64Xor {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept { return a ^ b; }
};
struct I64Shl {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept { return a << (b & 63); }
};
struct I64ShrS {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept {
        return static_cast<uint64_t>(int64_t(a) >> (b & 63));
    }
};
struct I64ShrU {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept { return a >> (b & 63); }
};
struct I64Rotl {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept {
        return std::rotl(a, static_cast<int>(b & 63));
    }
};
struct I64Rotr {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a, uint64_t b) noexcept {
        return std::rotr(a, static_cast<int>(b & 63));
    }
};

// ---- f32 arithmetic ------------------------------------------------------------------------

struct F32Abs {
    TYCHO_NUM_CONSTEXPR float apply(float a) noexcept { return detail::fabs(a); }
};
struct F32Neg {
    TYCHO_NUM_CONSTEXPR float apply(float a) noexcept { return detail::fneg(a); }
};
struct F32Ceil {
    TYCHO_NUM_INLINE float apply(float a) noexcept { return detail::ceil(a); }
};
struct F32Floor {
    TYCHO_NUM_INLINE float apply(float a) noexcept { return detail::floor(a); }
};
struct F32Trunc {
    TYCHO_NUM_INLINE float apply(float a) noexcept { return detail::trunc(a); }
};
struct F32Nearest {
    TYCHO_NUM_INLINE float apply(float a) noexcept { return detail::nearest(a); }
};
struct F32Sqrt {
    TYCHO_NUM_INLINE float apply(float a) noexcept { return detail::sqrt(a); }
};
struct F32Add {
    TYCHO_NUM_CONSTEXPR float apply(float a, float b) noexcept { return a + b; }
};
struct F32Sub {
    TYCHO_NUM_CONSTEXPR float apply(float a, float b) noexcept { return a - b; }
};
struct F32Mul {
    TYCHO_NUM_CONSTEXPR float apply(float a, float b) noexcept { return a * b; }
};
struct F32Div {
    TYCHO_NUM_CONSTEXPR float apply(float a, float b) noexcept { return a / b; }
};
struct F32Min {
    TYCHO_NUM_CONSTEXPR float apply(float a, float b) noexcept { return detail::fmin(a, b); }
};
struct F32Max {
    TYCHO_NUM_CONSTEXPR float apply(float a, float b) noexcept { return detail::fmax(a, b); }
};
struct F32Copysign {
    TYCHO_NUM_CONSTEXPR float apply(float a, float b) noexcept { return detail::fcopysign(a, b); }
};

// ---- f64 arithmetic ------------------------------------------------------------------------

struct F64Abs {
    TYCHO_NUM_CONSTEXPR double apply(double a) noexcept { return detail::fabs(a); }
};
struct F64Neg {
    TYCHO_NUM_CONSTEXPR double apply(double a) noexcept { return detail::fneg(a); }
};
struct F64Ceil {
    TYCHO_NUM_INLINE double apply(double a) noexcept { return detail::ceil(a); }
};
struct F64Floor {
    TYCHO_NUM_INLINE double apply(double a) noexcept { return detail::floor(a); }
};
struct F64Trunc {
    TYCHO_NUM_INLINE double apply(double a) noexcept { return detail::trunc(a); }
};
struct F64Nearest {
    TYCHO_NUM_INLINE double apply(double a) noexcept { return detail::nearest(a); }
};
struct F64Sqrt {
    TYCHO_NUM_INLINE double apply(double a) noexcept { return detail::sqrt(a); }
};
struct F64Add {
    TYCHO_NUM_CONSTEXPR double apply(double a, double b) noexcept { return a + b; }
};
struct F64Sub {
    TYCHO_NUM_CONSTEXPR double apply(double a, double b) noexcept { return a - b; }
};
struct F64Mul {
    TYCHO_NUM_CONSTEXPR double apply(double a, double b) noexcept { return a * b; }
};
struct F64Div {
    TYCHO_NUM_CONSTEXPR double apply(double a, double b) noexcept { return a / b; }
};
struct F64Min {
    TYCHO_NUM_CONSTEXPR double apply(double a, double b) noexcept { return detail::fmin(a, b); }
};
struct F64Max {
    TYCHO_NUM_CONSTEXPR double apply(double a, double b) noexcept { return detail::fmax(a, b); }
};
struct F64Copysign {
    TYCHO_NUM_CONSTEXPR double apply(double a, double b) noexcept {
        return detail::fcopysign(a, b);
    }
};

// ---- Conversions ---------------------------------------------------------------------------
//
// Checked truncation bounds (exclusive, exactly representable in the source type):
//   signed 32 from f32: (-2^31 - 256, 2^31)   -2^31 - 256 is the f32 just below -2^31
//   signed 32 from f64: (-2^31 - 1,   2^31)
//   signed 64 from f32: (-2^63 - 2^40, 2^63)  the f32 just below -2^63
//   signed 64 from f64: (-2^63 - 2^11, 2^63)  the f64 just below -2^63
//   unsigned N:         (-1, 2^N)             (-1, 0) truncates to 0

struct I32WrapI64 {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint64_t a) noexcept { return static_cast<uint32_t>(a); }
};
struct I32TruncF32S {
    // The exclusive bounds of the operands that truncate to a representable value.
    static constexpr float lo = -0x1.000002p31f, hi = 0x1p31f;
    TYCHO_NUM_CONSTEXPR TrapCode apply(float a, uint32_t& out) noexcept {
        return detail::trunc_checked<int32_t>(a, lo, hi, out);
    }
};
struct I32TruncF32U {
    // The exclusive bounds of the operands that truncate to a representable value.
    static constexpr float lo = -1.0f, hi = 0x1p32f;
    TYCHO_NUM_CONSTEXPR TrapCode apply(float a, uint32_t& out) noexcept {
        return detail::trunc_checked<uint32_t>(a, lo, hi, out);
    }
};
struct I32TruncF64S {
    // The exclusive bounds of the operands that truncate to a representable value.
    static constexpr double lo = -0x1.00000002p31, hi = 0x1p31;
    TYCHO_NUM_CONSTEXPR TrapCode apply(double a, uint32_t& out) noexcept {
        return detail::trunc_checked<int32_t>(a, lo, hi, out);
    }
};
struct I32TruncF64U {
    // The exclusive bounds of the operands that truncate to a representable value.
    static constexpr double lo = -1.0, hi = 0x1p32;
    TYCHO_NUM_CONSTEXPR TrapCode apply(double a, uint32_t& out) noexcept {
        return detail::trunc_checked<uint32_t>(a, lo, hi, out);
    }
};
struct I64ExtendI32S {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint32_t a) noexcept {
        return static_cast<uint64_t>(int64_t(int32_t(a)));
    }
};
struct I64ExtendI32U {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint32_t a) noexcept { return a; }
};
struct I64TruncF32S {
    // The exclusive bounds of the operands that truncate to a representable value.
    static constexpr float lo = -0x1.000002p63f, hi = 0x1p63f;
    TYCHO_NUM_CONSTEXPR TrapCode apply(float a, uint64_t& out) noexcept {
        return detail::trunc_checked<int64_t>(a, lo, hi, out);
    }
};
struct I64TruncF32U {
    // The exclusive bounds of the operands that truncate to a representable value.
    static constexpr float lo = -1.0f, hi = 0x1p64f;
    TYCHO_NUM_CONSTEXPR TrapCode apply(float a, uint64_t& out) noexcept {
        return detail::trunc_checked<uint64_t>(a, lo, hi, out);
    }
};
struct I64TruncF64S {
    // The exclusive bounds of the operands that truncate to a representable value.
    static constexpr double lo = -0x1.0000000000001p63, hi = 0x1p63;
    TYCHO_NUM_CONSTEXPR TrapCode apply(double a, uint64_t& out) noexcept {
        return detail::trunc_checked<int64_t>(a, lo, hi, out);
    }
};
struct I64TruncF64U {
    // The exclusive bounds of the operands that truncate to a representable value.
    static constexpr double lo = -1.0, hi = 0x1p64;
    TYCHO_NUM_CONSTEXPR TrapCode apply(double a, uint64_t& out) noexcept {
        return detail::trunc_checked<uint64_t>(a, lo, hi, out);
    }
};
// Integer -> float conversions round to nearest, ties to even, on the exact integer value.
// The C++ conversions do exactly that (the compiler's uint64 -> float lowering is correctly
// rounded; no hand-written "convert as signed and fix up" that would double-round).
struct F32ConvertI32S {
    TYCHO_NUM_CONSTEXPR float apply(uint32_t a) noexcept { return static_cast<float>(int32_t(a)); }
};
struct F32ConvertI32U {
    TYCHO_NUM_CONSTEXPR float apply(uint32_t a) noexcept { return static_cast<float>(a); }
};
struct F32ConvertI64S {
    TYCHO_NUM_CONSTEXPR float apply(uint64_t a) noexcept { return static_cast<float>(int64_t(a)); }
};
struct F32ConvertI64U {
    TYCHO_NUM_CONSTEXPR float apply(uint64_t a) noexcept { return static_cast<float>(a); }
};
struct F32DemoteF64 {
    // Rounds to nearest even; overflow gives infinity; a NaN stays a (quiet) NaN and the
    // canonical NaN maps to the canonical NaN (cvtsd2ss keeps the top payload bits).
    TYCHO_NUM_CONSTEXPR float apply(double a) noexcept { return static_cast<float>(a); }
};
struct F64ConvertI32S {
    TYCHO_NUM_CONSTEXPR double apply(uint32_t a) noexcept {
        return static_cast<double>(int32_t(a));
    }
};
struct F64ConvertI32U {
    TYCHO_NUM_CONSTEXPR double apply(uint32_t a) noexcept { return static_cast<double>(a); }
};
struct F64ConvertI64S {
    TYCHO_NUM_CONSTEXPR double apply(uint64_t a) noexcept {
        return static_cast<double>(int64_t(a));
    }
};
struct F64ConvertI64U {
    TYCHO_NUM_CONSTEXPR double apply(uint64_t a) noexcept { return static_cast<double>(a); }
};
struct F64PromoteF32 {
    TYCHO_NUM_CONSTEXPR double apply(float a) noexcept { return static_cast<double>(a); }
};
struct I32ReinterpretF32 {
    TYCHO_NUM_CONSTEXPR uint32_t apply(float a) noexcept { return std::bit_cast<uint32_t>(a); }
};
struct I64ReinterpretF64 {
    TYCHO_NUM_CONSTEXPR uint64_t apply(double a) noexcept { return std::bit_cast<uint64_t>(a); }
};
struct F32ReinterpretI32 {
    TYCHO_NUM_CONSTEXPR float apply(uint32_t a) noexcept { return std::bit_cast<float>(a); }
};
struct F64ReinterpretI64 {
    TYCHO_NUM_CONSTEXPR double apply(uint64_t a) noexcept { return std::bit_cast<double>(a); }
};

// ---- Sign extension ------------------------------------------------------------------------

struct I32Extend8S {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a) noexcept {
        return static_cast<uint32_t>(int32_t(int8_t(a)));
    }
};
struct I32Extend16S {
    TYCHO_NUM_CONSTEXPR uint32_t apply(uint32_t a) noexcept {
        return static_cast<uint32_t>(int32_t(int16_t(a)));
    }
};
struct I64Extend8S {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a) noexcept {
        return static_cast<uint64_t>(int64_t(int8_t(a)));
    }
};
struct I64Extend16S {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a) noexcept {
        return static_cast<uint64_t>(int64_t(int16_t(a)));
    }
};
struct I64Extend32S {
    TYCHO_NUM_CONSTEXPR uint64_t apply(uint64_t a) noexcept {
        return static_cast<uint64_t>(int64_t(int32_t(a)));
    }
};

// ---- Saturating truncation (NaN -> 0, out of range -> the nearest bound) ------------------

struct I32TruncSatF32S {
    TYCHO_NUM_CONSTEXPR uint32_t apply(float a) noexcept {
        return detail::trunc_sat<int32_t>(a, -0x1.000002p31f, 0x1p31f);
    }
};
struct I32TruncSatF32U {
    TYCHO_NUM_CONSTEXPR uint32_t apply(float a) noexcept {
        return detail::trunc_sat<uint32_t>(a, -1.0f, 0x1p32f);
    }
};
struct I32TruncSatF64S {
    TYCHO_NUM_CONSTEXPR uint32_t apply(double a) noexcept {
        return detail::trunc_sat<int32_t>(a, -0x1.00000002p31, 0x1p31);
    }
};
struct I32TruncSatF64U {
    TYCHO_NUM_CONSTEXPR uint32_t apply(double a) noexcept {
        return detail::trunc_sat<uint32_t>(a, -1.0, 0x1p32);
    }
};
struct I64TruncSatF32S {
    TYCHO_NUM_CONSTEXPR uint64_t apply(float a) noexcept {
        return detail::trunc_sat<int64_t>(a, -0x1.000002p63f, 0x1p63f);
    }
};
struct I64TruncSatF32U {
    TYCHO_NUM_CONSTEXPR uint64_t apply(float a) noexcept {
        return detail::trunc_sat<uint64_t>(a, -1.0f, 0x1p64f);
    }
};
struct I64TruncSatF64S {
    TYCHO_NUM_CONSTEXPR uint64_t apply(double a) noexcept {
        return detail::trunc_sat<int64_t>(a, -0x1.0000000000001p63, 0x1p63);
    }
};
struct I64TruncSatF64U {
    TYCHO_NUM_CONSTEXPR uint64_t apply(double a) noexcept {
        return detail::trunc_sat<uint64_t>(a, -1.0, 0x1p64);
    }
};

// ---- Every operator in the table has exactly the documented signature ---------------------

namespace detail {
template <class R, class A, class B, bool Traps> struct ApplySignature;
template <class R, class A> struct ApplySignature<R, A, void, false> {
    using type = R (*)(A) noexcept;
};
template <class R, class A, class B> struct ApplySignature<R, A, B, false> {
    using type = R (*)(A, B) noexcept;
};
template <class R, class A> struct ApplySignature<R, A, void, true> {
    using type = TrapCode (*)(A, R&) noexcept;
};
template <class R, class A, class B> struct ApplySignature<R, A, B, true> {
    using type = TrapCode (*)(A, B, R&) noexcept;
};
} // namespace detail

// Expanding the table here would replace (and, at its end, #undef) table macros that an
// includer has defined at this point, so the check runs only when none is defined; with
// #pragma once that is the first inclusion in practically every translation unit.
#if !defined(TYCHO_SPECIAL) && !defined(TYCHO_NUMERIC) && !defined(TYCHO_LOAD) &&                  \
    !defined(TYCHO_STORE)
#define TYCHO_NUMERIC(Name, prefix, code, text, R, A, B, Traps)                                    \
    static_assert(                                                                                 \
        std::is_same_v<decltype(&Name::apply), detail::ApplySignature<R, A, B, Traps>::type>,      \
        "num::" #Name "::apply does not match its entry in opcodes.def");
#include "opcodes.def"
#endif

} // namespace tycho::wasm::num

#undef TYCHO_NUM_CONSTEXPR
#undef TYCHO_NUM_INLINE
