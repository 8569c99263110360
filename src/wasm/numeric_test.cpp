// Tests of numeric.h against the WebAssembly 2.0 numeric semantics: boundaries, traps, NaN
// and signed-zero rules. Expected values are the spec's (many taken from the official
// testsuite's conversions/i32/i64/f32/f64/float_misc .wast files).
#include "numeric.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace tycho::wasm {
namespace {

using namespace num;

// ---- helpers --------------------------------------------------------------------------------

// Operands pass through a volatile so the compiler cannot constant-fold the operation: the
// tests must see what the generated machine code does at run time (NaN bits in particular).
template <class T> T hide(T v) {
    volatile T tmp = v;
    return tmp;
}
template <class Op, class... Args> auto run(Args... args) {
    return Op::apply(hide(args)...);
}
template <class Op, class R, class... Args> TrapCode run_trap(R& out, Args... args) {
    return Op::apply(hide(args)..., out);
}

float f32(uint32_t bits) {
    return std::bit_cast<float>(bits);
}
double f64(uint64_t bits) {
    return std::bit_cast<double>(bits);
}
uint32_t bits(float f) {
    return std::bit_cast<uint32_t>(f);
}
uint64_t bits(double d) {
    return std::bit_cast<uint64_t>(d);
}

constexpr uint32_t kF32CanonicalNan = 0x7FC0'0000u;
constexpr uint32_t kF32SignallingNan = 0x7FA0'0000u; // nan:0x200000
constexpr uint64_t kF64CanonicalNan = 0x7FF8'0000'0000'0000u;
constexpr uint64_t kF64SignallingNan = 0x7FF4'0000'0000'0000u; // nan:0x4000000000000

// nan:canonical (either sign) and nan:arithmetic (quiet bit set, any payload, either sign).
bool is_canonical_nan(float f) {
    return (bits(f) & 0x7FFF'FFFFu) == kF32CanonicalNan;
}
bool is_canonical_nan(double d) {
    return (bits(d) & 0x7FFF'FFFF'FFFF'FFFFu) == kF64CanonicalNan;
}
bool is_arithmetic_nan(float f) {
    return (bits(f) & kF32CanonicalNan) == kF32CanonicalNan;
}
bool is_arithmetic_nan(double d) {
    return (bits(d) & kF64CanonicalNan) == kF64CanonicalNan;
}

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- compile-time evaluation ----------------------------------------------------------------

static_assert(I32Add::apply(0xFFFF'FFFFu, 1) == 0);
static_assert(I32Rotl::apply(0x8000'0001u, 33) == 0x0000'0003u);
static_assert(I32Extend8S::apply(0x80) == 0xFFFF'FF80u);
static_assert(I64Clz::apply(0) == 64);
static_assert(F32Abs::apply(-2.0f) == 2.0f);
static_assert(F64Min::apply(1.0, 2.0) == 1.0);
static_assert([] {
    uint32_t out = 0;
    return I32DivS::apply(0x8000'0000u, 0xFFFF'FFFFu, out) == TrapCode::IntegerOverflow;
}());

// ---- integer comparisons --------------------------------------------------------------------

TEST(NumericInt, Eqz) {
    EXPECT_EQ(run<I32Eqz>(0u), 1u);
    EXPECT_EQ(run<I32Eqz>(1u), 0u);
    EXPECT_EQ(run<I32Eqz>(0x8000'0000u), 0u);
    EXPECT_EQ(run<I64Eqz>(uint64_t{0}), 1u);
    EXPECT_EQ(run<I64Eqz>(uint64_t{1} << 32), 0u); // no truncation to 32 bits
}

TEST(NumericInt, ComparisonsSignedVsUnsigned32) {
    const uint32_t min = 0x8000'0000u, max = 0x7FFF'FFFFu, m1 = 0xFFFF'FFFFu;
    EXPECT_EQ(run<I32LtS>(min, max), 1u);
    EXPECT_EQ(run<I32LtU>(min, max), 0u);
    EXPECT_EQ(run<I32LtS>(m1, 0u), 1u);
    EXPECT_EQ(run<I32LtU>(m1, 0u), 0u);
    EXPECT_EQ(run<I32GtS>(max, min), 1u);
    EXPECT_EQ(run<I32GtU>(max, min), 0u);
    EXPECT_EQ(run<I32LeS>(min, min), 1u);
    EXPECT_EQ(run<I32LeS>(0u, m1), 0u);
    EXPECT_EQ(run<I32LeU>(0u, m1), 1u);
    EXPECT_EQ(run<I32GeS>(m1, min), 1u);
    EXPECT_EQ(run<I32GeU>(min, m1), 0u);
    EXPECT_EQ(run<I32Eq>(min, min), 1u);
    EXPECT_EQ(run<I32Ne>(min, min), 0u);
    EXPECT_EQ(run<I32Ne>(0u, m1), 1u);
}

TEST(NumericInt, ComparisonsSignedVsUnsigned64) {
    const uint64_t min = 0x8000'0000'0000'0000u, max = 0x7FFF'FFFF'FFFF'FFFFu, m1 = ~uint64_t{0};
    EXPECT_EQ(run<I64LtS>(min, max), 1u);
    EXPECT_EQ(run<I64LtU>(min, max), 0u);
    EXPECT_EQ(run<I64GtS>(uint64_t{0}, m1), 1u);
    EXPECT_EQ(run<I64GtU>(uint64_t{0}, m1), 0u);
    EXPECT_EQ(run<I64LeS>(m1, m1), 1u);
    EXPECT_EQ(run<I64LeU>(m1, uint64_t{0}), 0u);
    EXPECT_EQ(run<I64GeS>(max, min), 1u);
    EXPECT_EQ(run<I64GeU>(max, min), 0u);
    EXPECT_EQ(run<I64Eq>(uint64_t{1} << 32, uint64_t{0}), 0u);
    EXPECT_EQ(run<I64Ne>(uint64_t{1} << 32, uint64_t{0}), 1u);
}

// ---- integer arithmetic ---------------------------------------------------------------------

TEST(NumericInt, WrappingArithmetic) {
    EXPECT_EQ(run<I32Add>(0x7FFF'FFFFu, 1u), 0x8000'0000u);
    EXPECT_EQ(run<I32Add>(0xFFFF'FFFFu, 2u), 1u);
    EXPECT_EQ(run<I32Sub>(0x8000'0000u, 1u), 0x7FFF'FFFFu);
    EXPECT_EQ(run<I32Sub>(0u, 1u), 0xFFFF'FFFFu);
    EXPECT_EQ(run<I32Mul>(0x1234'5678u, 0x9ABC'DEF0u), 0x242D'2080u);
    EXPECT_EQ(run<I32Mul>(0x8000'0000u, 0xFFFF'FFFFu), 0x8000'0000u);
    EXPECT_EQ(run<I32Mul>(0x0123'4567u, 0x7654'3210u), 0x358E'7470u);
    EXPECT_EQ(run<I64Add>(0x7FFF'FFFF'FFFF'FFFFu, uint64_t{1}), 0x8000'0000'0000'0000u);
    EXPECT_EQ(run<I64Sub>(uint64_t{0}, uint64_t{1}), ~uint64_t{0});
    EXPECT_EQ(run<I64Mul>(0x0123'4567'89AB'CDEFu, 0xFEDC'BA98'7654'3210u), 0x2236'D88F'E561'8CF0u);
    EXPECT_EQ(run<I64Mul>(0x8000'0000'0000'0000u, ~uint64_t{0}), 0x8000'0000'0000'0000u);
}

TEST(NumericInt, Bitwise) {
    EXPECT_EQ(run<I32And>(0xF0F0'F0F0u, 0xFF00'FF00u), 0xF000'F000u);
    EXPECT_EQ(run<I32Or>(0xF0F0'F0F0u, 0x0F0F'0F0Fu), 0xFFFF'FFFFu);
    EXPECT_EQ(run<I32Xor>(0xFFFF'FFFFu, 0x8000'0000u), 0x7FFF'FFFFu);
    EXPECT_EQ(run<I64And>(0xFFFF'0000'FFFF'0000u, 0xFF00'FF00'FF00'FF00u), 0xFF00'0000'FF00'0000u);
    EXPECT_EQ(run<I64Or>(uint64_t{1} << 63, uint64_t{1}), 0x8000'0000'0000'0001u);
    EXPECT_EQ(run<I64Xor>(~uint64_t{0}, uint64_t{1} << 63), 0x7FFF'FFFF'FFFF'FFFFu);
}

TEST(NumericInt, CountBits) {
    EXPECT_EQ(run<I32Clz>(0u), 32u);
    EXPECT_EQ(run<I32Clz>(1u), 31u);
    EXPECT_EQ(run<I32Clz>(0x8000'0000u), 0u);
    EXPECT_EQ(run<I32Clz>(0x0000'8000u), 16u);
    EXPECT_EQ(run<I32Ctz>(0u), 32u);
    EXPECT_EQ(run<I32Ctz>(0x8000'0000u), 31u);
    EXPECT_EQ(run<I32Ctz>(0x0001'0000u), 16u);
    EXPECT_EQ(run<I32Popcnt>(0u), 0u);
    EXPECT_EQ(run<I32Popcnt>(0xFFFF'FFFFu), 32u);
    EXPECT_EQ(run<I32Popcnt>(0xDEAD'BEEFu), 24u);
    EXPECT_EQ(run<I64Clz>(uint64_t{0}), 64u);
    EXPECT_EQ(run<I64Clz>(uint64_t{1}), 63u);
    EXPECT_EQ(run<I64Clz>(uint64_t{1} << 32), 31u);
    EXPECT_EQ(run<I64Ctz>(uint64_t{0}), 64u);
    EXPECT_EQ(run<I64Ctz>(uint64_t{1} << 63), 63u);
    EXPECT_EQ(run<I64Popcnt>(~uint64_t{0}), 64u);
    EXPECT_EQ(run<I64Popcnt>(0xDEAD'BEEF'DEAD'BEEFu), 48u);
}

// ---- division and remainder -----------------------------------------------------------------

TEST(NumericInt, DivRemByZeroTraps32) {
    uint32_t out = 0xDEADu;
    EXPECT_EQ(run_trap<I32DivS>(out, 1u, 0u), TrapCode::IntegerDivideByZero);
    EXPECT_EQ(run_trap<I32DivS>(out, 0x8000'0000u, 0u), TrapCode::IntegerDivideByZero);
    EXPECT_EQ(run_trap<I32DivU>(out, 0u, 0u), TrapCode::IntegerDivideByZero);
    EXPECT_EQ(run_trap<I32RemS>(out, 0x8000'0000u, 0u), TrapCode::IntegerDivideByZero);
    EXPECT_EQ(run_trap<I32RemU>(out, 5u, 0u), TrapCode::IntegerDivideByZero);
    EXPECT_EQ(out, 0xDEADu); // untouched on a trap
}

TEST(NumericInt, DivRemByZeroTraps64) {
    uint64_t out = 0;
    EXPECT_EQ(run_trap<I64DivS>(out, uint64_t{1}, uint64_t{0}), TrapCode::IntegerDivideByZero);
    EXPECT_EQ(run_trap<I64DivU>(out, uint64_t{1}, uint64_t{0}), TrapCode::IntegerDivideByZero);
    EXPECT_EQ(run_trap<I64RemS>(out, uint64_t{1} << 63, uint64_t{0}),
              TrapCode::IntegerDivideByZero);
    EXPECT_EQ(run_trap<I64RemU>(out, uint64_t{1}, uint64_t{0}), TrapCode::IntegerDivideByZero);
}

TEST(NumericInt, SignedOverflowAndIntMin32) {
    uint32_t out = 0;
    EXPECT_EQ(run_trap<I32DivS>(out, 0x8000'0000u, 0xFFFF'FFFFu), TrapCode::IntegerOverflow);
    ASSERT_EQ(run_trap<I32RemS>(out, 0x8000'0000u, 0xFFFF'FFFFu), TrapCode::None);
    EXPECT_EQ(out, 0u);
    ASSERT_EQ(run_trap<I32DivS>(out, 0x8000'0000u, 2u), TrapCode::None);
    EXPECT_EQ(out, 0xC000'0000u);
    ASSERT_EQ(run_trap<I32DivS>(out, 0x8000'0000u, 1u), TrapCode::None);
    EXPECT_EQ(out, 0x8000'0000u);
    ASSERT_EQ(run_trap<I32RemS>(out, 0x8000'0000u, 2u), TrapCode::None);
    EXPECT_EQ(out, 0u);
    ASSERT_EQ(run_trap<I32DivU>(out, 0x8000'0000u, 0xFFFF'FFFFu), TrapCode::None);
    EXPECT_EQ(out, 0u);
    ASSERT_EQ(run_trap<I32RemU>(out, 0x8000'0000u, 0xFFFF'FFFFu), TrapCode::None);
    EXPECT_EQ(out, 0x8000'0000u);
    ASSERT_EQ(run_trap<I32RemS>(out, 7u, 0xFFFF'FFFFu), TrapCode::None);
    EXPECT_EQ(out, 0u);
}

TEST(NumericInt, SignedOverflowAndIntMin64) {
    const uint64_t min = 0x8000'0000'0000'0000u, m1 = ~uint64_t{0};
    uint64_t out = 0;
    EXPECT_EQ(run_trap<I64DivS>(out, min, m1), TrapCode::IntegerOverflow);
    ASSERT_EQ(run_trap<I64RemS>(out, min, m1), TrapCode::None);
    EXPECT_EQ(out, 0u);
    ASSERT_EQ(run_trap<I64DivS>(out, min, uint64_t{2}), TrapCode::None);
    EXPECT_EQ(out, 0xC000'0000'0000'0000u);
    ASSERT_EQ(run_trap<I64DivU>(out, min, m1), TrapCode::None);
    EXPECT_EQ(out, 0u);
    ASSERT_EQ(run_trap<I64RemU>(out, min, m1), TrapCode::None);
    EXPECT_EQ(out, min);
}

TEST(NumericInt, DivisionTruncatesTowardZero) {
    auto s32 = [](int32_t v) { return static_cast<uint32_t>(v); };
    auto s64 = [](int64_t v) { return static_cast<uint64_t>(v); };
    uint32_t o = 0;
    ASSERT_EQ(run_trap<I32DivS>(o, s32(-7), 2u), TrapCode::None);
    EXPECT_EQ(o, s32(-3));
    ASSERT_EQ(run_trap<I32DivS>(o, 7u, s32(-2)), TrapCode::None);
    EXPECT_EQ(o, s32(-3));
    ASSERT_EQ(run_trap<I32RemS>(o, s32(-7), 2u), TrapCode::None); // sign of the dividend
    EXPECT_EQ(o, s32(-1));
    ASSERT_EQ(run_trap<I32RemS>(o, 7u, s32(-2)), TrapCode::None);
    EXPECT_EQ(o, 1u);
    ASSERT_EQ(run_trap<I32DivU>(o, s32(-7), 2u), TrapCode::None);
    EXPECT_EQ(o, 0x7FFF'FFFCu);
    ASSERT_EQ(run_trap<I32RemU>(o, s32(-7), 2u), TrapCode::None);
    EXPECT_EQ(o, 1u);
    uint64_t p = 0;
    ASSERT_EQ(run_trap<I64DivS>(p, s64(-7), uint64_t{2}), TrapCode::None);
    EXPECT_EQ(p, s64(-3));
    ASSERT_EQ(run_trap<I64RemS>(p, s64(-7), uint64_t{2}), TrapCode::None);
    EXPECT_EQ(p, s64(-1));
    ASSERT_EQ(run_trap<I64DivU>(p, s64(-7), uint64_t{2}), TrapCode::None);
    EXPECT_EQ(p, 0x7FFF'FFFF'FFFF'FFFCu);
    ASSERT_EQ(run_trap<I64RemU>(p, s64(-7), uint64_t{2}), TrapCode::None);
    EXPECT_EQ(p, 1u);
}

// ---- shifts and rotates ---------------------------------------------------------------------

TEST(NumericInt, ShiftsMaskTheCount32) {
    EXPECT_EQ(run<I32Shl>(1u, 31u), 0x8000'0000u);
    EXPECT_EQ(run<I32Shl>(1u, 32u), 1u);
    EXPECT_EQ(run<I32Shl>(1u, 33u), 2u);
    EXPECT_EQ(run<I32Shl>(1u, 0xFFFF'FFFFu), 0x8000'0000u);
    EXPECT_EQ(run<I32ShrS>(0x8000'0000u, 31u), 0xFFFF'FFFFu);
    EXPECT_EQ(run<I32ShrS>(0x8000'0000u, 32u), 0x8000'0000u);
    EXPECT_EQ(run<I32ShrS>(0x8000'0000u, 33u), 0xC000'0000u);
    EXPECT_EQ(run<I32ShrS>(0x7FFF'FFFFu, 0xFFFF'FFFFu), 0u);
    EXPECT_EQ(run<I32ShrS>(0xFFFF'FFFFu, 0x8000'0001u), 0xFFFF'FFFFu);
    EXPECT_EQ(run<I32ShrU>(0x8000'0000u, 31u), 1u);
    EXPECT_EQ(run<I32ShrU>(0x8000'0000u, 32u), 0x8000'0000u);
    EXPECT_EQ(run<I32ShrU>(0x8000'0000u, 0xFFFF'FFFFu), 1u);
}

TEST(NumericInt, ShiftsMaskTheCount64) {
    const uint64_t one = 1, min = 0x8000'0000'0000'0000u;
    EXPECT_EQ(run<I64Shl>(one, uint64_t{63}), min);
    EXPECT_EQ(run<I64Shl>(one, uint64_t{64}), one);
    EXPECT_EQ(run<I64Shl>(one, uint64_t{65}), uint64_t{2});
    EXPECT_EQ(run<I64Shl>(one, uint64_t{32}), uint64_t{1} << 32); // not masked by 31
    EXPECT_EQ(run<I64Shl>(one, ~uint64_t{0}), min);
    EXPECT_EQ(run<I64ShrS>(min, uint64_t{63}), ~uint64_t{0});
    EXPECT_EQ(run<I64ShrS>(min, uint64_t{64}), min);
    EXPECT_EQ(run<I64ShrS>(min, uint64_t{0x8000'0000'0000'0001u}), 0xC000'0000'0000'0000u);
    EXPECT_EQ(run<I64ShrU>(min, uint64_t{63}), one);
    EXPECT_EQ(run<I64ShrU>(min, uint64_t{64}), min);
    EXPECT_EQ(run<I64ShrU>(min, ~uint64_t{0}), one);
}

TEST(NumericInt, Rotates) {
    EXPECT_EQ(run<I32Rotl>(0xFE00'DC00u, 4u), 0xE00D'C00Fu);
    EXPECT_EQ(run<I32Rotl>(0xABCD'9876u, 1u), 0x579B'30EDu);
    EXPECT_EQ(run<I32Rotl>(0x8000'0001u, 32u), 0x8000'0001u);
    EXPECT_EQ(run<I32Rotl>(0x8000'0001u, 33u), 0x0000'0003u);
    EXPECT_EQ(run<I32Rotl>(0x8000'0001u, 0xFFFF'FFFFu), 0xC000'0000u);
    EXPECT_EQ(run<I32Rotr>(0x8000'0001u, 1u), 0xC000'0000u);
    EXPECT_EQ(run<I32Rotr>(0x8000'0001u, 32u), 0x8000'0001u);
    EXPECT_EQ(run<I32Rotr>(0x8000'0001u, 0xFFFF'FFFFu), 0x0000'0003u);
    EXPECT_EQ(run<I32Rotr>(0xB0C1'D2E3u, 0x0000'0005u), 0x1D86'0E97u);
    EXPECT_EQ(run<I64Rotl>(uint64_t{0x8000'0000'0000'0001u}, uint64_t{1}), uint64_t{3});
    EXPECT_EQ(run<I64Rotl>(uint64_t{0x8000'0000'0000'0001u}, uint64_t{64}), 0x8000'0000'0000'0001u);
    EXPECT_EQ(run<I64Rotl>(uint64_t{0x8000'0000'0000'0001u}, uint64_t{65}), uint64_t{3});
    EXPECT_EQ(run<I64Rotl>(uint64_t{1}, uint64_t{32}), uint64_t{1} << 32);
    EXPECT_EQ(run<I64Rotr>(uint64_t{3}, uint64_t{1}), 0x8000'0000'0000'0001u);
    EXPECT_EQ(run<I64Rotr>(uint64_t{3}, ~uint64_t{0}), uint64_t{6});
    EXPECT_EQ(run<I64Rotr>(0xABD1'234E'F567'809Cu, uint64_t{63}), 0x57A2'469D'EACF'0139u);
}

// ---- sign extension, wrap -------------------------------------------------------------------

TEST(NumericInt, ExtendAndWrap) {
    EXPECT_EQ(run<I32Extend8S>(0x7Fu), 0x7Fu);
    EXPECT_EQ(run<I32Extend8S>(0x80u), 0xFFFF'FF80u);
    EXPECT_EQ(run<I32Extend8S>(0x0123'4580u), 0xFFFF'FF80u);
    EXPECT_EQ(run<I32Extend8S>(0xFFFF'FF7Fu), 0x7Fu);
    EXPECT_EQ(run<I32Extend16S>(0x7FFFu), 0x7FFFu);
    EXPECT_EQ(run<I32Extend16S>(0x8000u), 0xFFFF'8000u);
    EXPECT_EQ(run<I32Extend16S>(0x0123'8000u), 0xFFFF'8000u);
    EXPECT_EQ(run<I32Extend16S>(0xFFFF'7FFFu), 0x7FFFu);
    EXPECT_EQ(run<I64Extend8S>(uint64_t{0x80}), 0xFFFF'FFFF'FFFF'FF80u);
    EXPECT_EQ(run<I64Extend8S>(uint64_t{0x0123'4567'89AB'CD7Fu}), uint64_t{0x7F});
    EXPECT_EQ(run<I64Extend16S>(uint64_t{0x8000}), 0xFFFF'FFFF'FFFF'8000u);
    EXPECT_EQ(run<I64Extend16S>(uint64_t{0xFFFF'FFFF'FFFF'7FFFu}), uint64_t{0x7FFF});
    EXPECT_EQ(run<I64Extend32S>(uint64_t{0x8000'0000u}), 0xFFFF'FFFF'8000'0000u);
    EXPECT_EQ(run<I64Extend32S>(uint64_t{0x0123'4567'7FFF'FFFFu}), uint64_t{0x7FFF'FFFF});
    EXPECT_EQ(run<I64ExtendI32S>(0x8000'0000u), 0xFFFF'FFFF'8000'0000u);
    EXPECT_EQ(run<I64ExtendI32S>(0x7FFF'FFFFu), uint64_t{0x7FFF'FFFF});
    EXPECT_EQ(run<I64ExtendI32U>(0x8000'0000u), uint64_t{0x8000'0000u});
    EXPECT_EQ(run<I64ExtendI32U>(0xFFFF'FFFFu), uint64_t{0xFFFF'FFFFu});
    EXPECT_EQ(run<I32WrapI64>(uint64_t{0xFFFF'FFFF'0000'0001u}), 1u);
    EXPECT_EQ(run<I32WrapI64>(uint64_t{0x0000'0001'8000'0000u}), 0x8000'0000u);
}

// ---- float comparisons ----------------------------------------------------------------------

TEST(NumericFloat, ComparisonsWithNanAndZeros) {
    const float nan = f32(kF32CanonicalNan), snan = f32(kF32SignallingNan);
    EXPECT_EQ(run<F32Eq>(nan, nan), 0u);
    EXPECT_EQ(run<F32Ne>(nan, nan), 1u);
    EXPECT_EQ(run<F32Lt>(nan, 1.0f), 0u);
    EXPECT_EQ(run<F32Gt>(1.0f, snan), 0u);
    EXPECT_EQ(run<F32Le>(nan, nan), 0u);
    EXPECT_EQ(run<F32Ge>(snan, kInfF), 0u);
    EXPECT_EQ(run<F32Eq>(-0.0f, 0.0f), 1u);
    EXPECT_EQ(run<F32Lt>(-0.0f, 0.0f), 0u);
    EXPECT_EQ(run<F32Le>(-kInfF, -0x1p-149f), 1u);
    EXPECT_EQ(run<F32Gt>(0x1p-149f, 0.0f), 1u);
    EXPECT_EQ(run<F32Ge>(kInfF, kInfF), 1u);
    EXPECT_EQ(run<F32Ne>(1.0f, 1.0f), 0u);

    const double dnan = f64(kF64CanonicalNan), dsnan = f64(kF64SignallingNan);
    EXPECT_EQ(run<F64Eq>(dnan, dnan), 0u);
    EXPECT_EQ(run<F64Ne>(dsnan, dsnan), 1u);
    EXPECT_EQ(run<F64Lt>(-kInf, dnan), 0u);
    EXPECT_EQ(run<F64Gt>(dnan, -kInf), 0u);
    EXPECT_EQ(run<F64Le>(dnan, 0.0), 0u);
    EXPECT_EQ(run<F64Ge>(0.0, dnan), 0u);
    EXPECT_EQ(run<F64Eq>(0.0, -0.0), 1u);
    EXPECT_EQ(run<F64Ge>(-0.0, 0.0), 1u);
    EXPECT_EQ(run<F64Lt>(-0x1p-1074, 0.0), 1u);
    EXPECT_EQ(run<F64Ne>(1.0, 1.0 + 0x1p-52), 1u);
}

// ---- float arithmetic and NaN propagation ---------------------------------------------------

TEST(NumericFloat, BasicArithmetic) {
    EXPECT_EQ(run<F32Add>(1.0f, 0x1p-24f), 1.0f); // ties to even
    EXPECT_EQ(run<F32Add>(1.0f, 0x1.000002p-24f), 1.0f + 0x1p-23f);
    EXPECT_EQ(bits(run<F32Add>(-0.0f, -0.0f)), 0x8000'0000u);
    EXPECT_EQ(bits(run<F32Add>(-0.0f, 0.0f)), 0u);
    EXPECT_EQ(bits(run<F32Sub>(0.0f, 0.0f)), 0u);
    EXPECT_EQ(run<F32Mul>(0x1p-149f, 0.5f), 0.0f); // subnormals are not flushed: ties to even
    EXPECT_EQ(run<F32Mul>(0x1p-149f, 1.5f), 0x1p-148f);
    EXPECT_EQ(run<F32Div>(1.0f, 3.0f), 0x1.555556p-2f);
    EXPECT_EQ(run<F32Div>(1.0f, -0.0f), -kInfF);
    EXPECT_EQ(run<F64Add>(1.0, 0x1p-53), 1.0);
    EXPECT_EQ(bits(run<F64Add>(-0.0, -0.0)), 0x8000'0000'0000'0000u);
    EXPECT_EQ(run<F64Sub>(kInf, 1e308), kInf);
    EXPECT_EQ(run<F64Mul>(1e308, 10.0), kInf);
    EXPECT_EQ(run<F64Mul>(0x1p-1074, 0.5), 0.0);
    EXPECT_EQ(run<F64Div>(1.0, 3.0), 0x1.5555555555555p-2);
    EXPECT_EQ(run<F64Div>(-1.0, 0.0), -kInf);
    // float_misc.wast: f32 arithmetic must not be done in higher precision.
    EXPECT_EQ(run<F32Add>(1.1234568f, 1.4e-45f), 1.1234568f);
    EXPECT_EQ(run<F64Add>(0x1p53, 1.0), 0x1p53);
}

TEST(NumericFloat, NanPropagation32) {
    const float nan = f32(kF32CanonicalNan), nnan = f32(0xFFC0'0000u);
    const float snan = f32(kF32SignallingNan), payload = f32(0x7FC1'2345u);
    // Canonical in -> canonical out.
    EXPECT_TRUE(is_canonical_nan(run<F32Add>(nan, 1.0f)));
    EXPECT_TRUE(is_canonical_nan(run<F32Sub>(1.0f, nnan)));
    EXPECT_TRUE(is_canonical_nan(run<F32Mul>(nan, nnan)));
    EXPECT_TRUE(is_canonical_nan(run<F32Div>(kInfF, nan)));
    EXPECT_TRUE(is_canonical_nan(run<F32Sqrt>(nnan)));
    // Invalid operations produce a canonical NaN.
    EXPECT_TRUE(is_canonical_nan(run<F32Sub>(kInfF, kInfF)));
    EXPECT_TRUE(is_canonical_nan(run<F32Mul>(0.0f, kInfF)));
    EXPECT_TRUE(is_canonical_nan(run<F32Div>(0.0f, -0.0f)));
    EXPECT_TRUE(is_canonical_nan(run<F32Sqrt>(-1.0f)));
    EXPECT_TRUE(is_canonical_nan(run<F32Sqrt>(-kInfF)));
    // Other NaNs -> an arithmetic (quiet) NaN.
    EXPECT_TRUE(is_arithmetic_nan(run<F32Add>(snan, 1.0f)));
    EXPECT_TRUE(is_arithmetic_nan(run<F32Add>(1.0f, snan)));
    EXPECT_TRUE(is_arithmetic_nan(run<F32Mul>(snan, 0.0f)));
    EXPECT_TRUE(is_arithmetic_nan(run<F32Div>(payload, 2.0f)));
    EXPECT_TRUE(is_arithmetic_nan(run<F32Sqrt>(snan)));
}

TEST(NumericFloat, NanPropagation64) {
    const double nan = f64(kF64CanonicalNan), nnan = f64(0xFFF8'0000'0000'0000u);
    const double snan = f64(kF64SignallingNan);
    EXPECT_TRUE(is_canonical_nan(run<F64Add>(nan, 1.0)));
    EXPECT_TRUE(is_canonical_nan(run<F64Sub>(nnan, nan)));
    EXPECT_TRUE(is_canonical_nan(run<F64Mul>(1.0, nnan)));
    EXPECT_TRUE(is_canonical_nan(run<F64Div>(nan, 0.0)));
    EXPECT_TRUE(is_canonical_nan(run<F64Sqrt>(nan)));
    EXPECT_TRUE(is_canonical_nan(run<F64Add>(kInf, -kInf)));
    EXPECT_TRUE(is_canonical_nan(run<F64Div>(kInf, kInf)));
    EXPECT_TRUE(is_canonical_nan(run<F64Sqrt>(-0x1p-1074)));
    EXPECT_TRUE(is_arithmetic_nan(run<F64Add>(snan, 1.0)));
    EXPECT_TRUE(is_arithmetic_nan(run<F64Sub>(1.0, snan)));
    EXPECT_TRUE(is_arithmetic_nan(run<F64Div>(snan, snan)));
    EXPECT_TRUE(is_arithmetic_nan(run<F64Sqrt>(snan)));
}

TEST(NumericFloat, Sqrt) {
    EXPECT_EQ(run<F32Sqrt>(4.0f), 2.0f);
    EXPECT_EQ(run<F32Sqrt>(2.0f), 0x1.6a09e6p+0f);
    EXPECT_EQ(bits(run<F32Sqrt>(-0.0f)), 0x8000'0000u);
    EXPECT_EQ(run<F32Sqrt>(kInfF), kInfF);
    EXPECT_EQ(run<F32Sqrt>(0x1p-149f), 0x1.6a09e6p-75f);
    EXPECT_EQ(run<F64Sqrt>(2.0), 0x1.6a09e667f3bcdp+0);
    EXPECT_EQ(bits(run<F64Sqrt>(-0.0)), 0x8000'0000'0000'0000u);
    EXPECT_EQ(run<F64Sqrt>(kInf), kInf);
    EXPECT_EQ(run<F64Sqrt>(0x1.fffffffffffffp+1023), 0x1.fffffffffffffp+511);
}

// ---- min / max ------------------------------------------------------------------------------

TEST(NumericFloat, MinMaxSignedZeros) {
    EXPECT_EQ(bits(run<F32Min>(-0.0f, 0.0f)), 0x8000'0000u);
    EXPECT_EQ(bits(run<F32Min>(0.0f, -0.0f)), 0x8000'0000u);
    EXPECT_EQ(bits(run<F32Min>(0.0f, 0.0f)), 0u);
    EXPECT_EQ(bits(run<F32Min>(-0.0f, -0.0f)), 0x8000'0000u);
    EXPECT_EQ(bits(run<F32Max>(-0.0f, 0.0f)), 0u);
    EXPECT_EQ(bits(run<F32Max>(0.0f, -0.0f)), 0u);
    EXPECT_EQ(bits(run<F32Max>(-0.0f, -0.0f)), 0x8000'0000u);
    EXPECT_EQ(bits(run<F64Min>(-0.0, 0.0)), 0x8000'0000'0000'0000u);
    EXPECT_EQ(bits(run<F64Min>(0.0, -0.0)), 0x8000'0000'0000'0000u);
    EXPECT_EQ(bits(run<F64Max>(-0.0, 0.0)), 0u);
    EXPECT_EQ(bits(run<F64Max>(0.0, -0.0)), 0u);
    EXPECT_EQ(bits(run<F64Max>(-0.0, -0.0)), 0x8000'0000'0000'0000u);
}

TEST(NumericFloat, MinMaxOrdinary) {
    EXPECT_EQ(run<F32Min>(1.0f, 2.0f), 1.0f);
    EXPECT_EQ(run<F32Min>(2.0f, -kInfF), -kInfF);
    EXPECT_EQ(run<F32Max>(-1.0f, -2.0f), -1.0f);
    EXPECT_EQ(run<F32Max>(kInfF, 2.0f), kInfF);
    EXPECT_EQ(run<F32Min>(0x1p-149f, -0x1p-149f), -0x1p-149f);
    EXPECT_EQ(run<F32Max>(0x1p-149f, 0.0f), 0x1p-149f);
    EXPECT_EQ(run<F64Min>(3.0, -3.0), -3.0);
    EXPECT_EQ(run<F64Max>(3.0, -3.0), 3.0);
    EXPECT_EQ(run<F64Max>(-kInf, -0x1p-1074), -0x1p-1074);
    EXPECT_EQ(run<F64Min>(kInf, kInf), kInf);
}

TEST(NumericFloat, MinMaxNan) {
    const float nan = f32(kF32CanonicalNan), nnan = f32(0xFFC0'0000u);
    const float snan = f32(kF32SignallingNan);
    for (float x : {0.0f, -0.0f, 1.0f, -kInfF, kInfF}) {
        EXPECT_TRUE(is_canonical_nan(run<F32Min>(nan, x)));
        EXPECT_TRUE(is_canonical_nan(run<F32Min>(x, nnan)));
        EXPECT_TRUE(is_canonical_nan(run<F32Max>(nnan, x)));
        EXPECT_TRUE(is_canonical_nan(run<F32Max>(x, nan)));
        EXPECT_TRUE(is_arithmetic_nan(run<F32Min>(snan, x)));
        EXPECT_TRUE(is_arithmetic_nan(run<F32Min>(x, snan)));
        EXPECT_TRUE(is_arithmetic_nan(run<F32Max>(snan, x)));
        EXPECT_TRUE(is_arithmetic_nan(run<F32Max>(x, snan)));
    }
    EXPECT_TRUE(is_canonical_nan(run<F32Min>(nan, nnan)));
    EXPECT_TRUE(is_arithmetic_nan(run<F32Max>(snan, snan)));

    const double dnan = f64(kF64CanonicalNan), dsnan = f64(kF64SignallingNan);
    for (double x : {0.0, -0.0, 1.0, -kInf, kInf}) {
        EXPECT_TRUE(is_canonical_nan(run<F64Min>(dnan, x)));
        EXPECT_TRUE(is_canonical_nan(run<F64Min>(x, dnan)));
        EXPECT_TRUE(is_canonical_nan(run<F64Max>(dnan, x)));
        EXPECT_TRUE(is_canonical_nan(run<F64Max>(x, dnan)));
        EXPECT_TRUE(is_arithmetic_nan(run<F64Min>(dsnan, x)));
        EXPECT_TRUE(is_arithmetic_nan(run<F64Max>(x, dsnan)));
    }
}

// ---- abs / neg / copysign: pure bit operations ----------------------------------------------

TEST(NumericFloat, AbsNegCopysignPreserveNanBits32) {
    const uint32_t snan = 0x7FA0'0001u, nsnan = 0xFFA0'0001u, qpay = 0x7FC1'2345u;
    EXPECT_EQ(bits(run<F32Abs>(f32(nsnan))), snan);
    EXPECT_EQ(bits(run<F32Abs>(f32(snan))), snan);
    EXPECT_EQ(bits(run<F32Neg>(f32(snan))), nsnan);
    EXPECT_EQ(bits(run<F32Neg>(f32(nsnan))), snan);
    EXPECT_EQ(bits(run<F32Neg>(f32(qpay))), 0xFFC1'2345u);
    EXPECT_EQ(bits(run<F32Copysign>(f32(snan), -1.0f)), nsnan);
    EXPECT_EQ(bits(run<F32Copysign>(f32(nsnan), 1.0f)), snan);
    EXPECT_EQ(bits(run<F32Copysign>(1.0f, f32(nsnan))), 0xBF80'0000u); // sign from a NaN
    EXPECT_EQ(bits(run<F32Copysign>(-1.0f, f32(snan))), 0x3F80'0000u);
    EXPECT_EQ(bits(run<F32Copysign>(f32(snan), f32(nsnan))), nsnan);
    EXPECT_EQ(bits(run<F32Abs>(-0.0f)), 0u);
    EXPECT_EQ(bits(run<F32Neg>(0.0f)), 0x8000'0000u);
    EXPECT_EQ(bits(run<F32Copysign>(0.0f, -0.0f)), 0x8000'0000u);
    EXPECT_EQ(run<F32Abs>(-kInfF), kInfF);
    EXPECT_EQ(run<F32Copysign>(kInfF, -0x1p-149f), -kInfF);
}

TEST(NumericFloat, AbsNegCopysignPreserveNanBits64) {
    const uint64_t snan = 0x7FF0'0000'0000'0001u, nsnan = 0xFFF0'0000'0000'0001u;
    EXPECT_EQ(bits(run<F64Abs>(f64(nsnan))), snan);
    EXPECT_EQ(bits(run<F64Neg>(f64(snan))), nsnan);
    EXPECT_EQ(bits(run<F64Neg>(f64(nsnan))), snan);
    EXPECT_EQ(bits(run<F64Copysign>(f64(snan), -2.0)), nsnan);
    EXPECT_EQ(bits(run<F64Copysign>(2.0, f64(nsnan))), 0xC000'0000'0000'0000u);
    EXPECT_EQ(bits(run<F64Copysign>(f64(nsnan), 0.0)), snan);
    EXPECT_EQ(bits(run<F64Abs>(-0.0)), 0u);
    EXPECT_EQ(bits(run<F64Neg>(0.0)), 0x8000'0000'0000'0000u);
    EXPECT_EQ(bits(run<F64Copysign>(-0.0, 0.0)), 0u);
    EXPECT_EQ(run<F64Neg>(kInf), -kInf);
}

// ---- ceil / floor / trunc / nearest ---------------------------------------------------------

struct RoundCase {
    double in, ceil, floor, trunc, nearest;
};
// Values exactly representable in f32 and f64. Signs of zero results matter.
const RoundCase kRoundCases[] = {
    {0.5, 1.0, 0.0, 0.0, 0.0},
    {-0.5, -0.0, -1.0, -0.0, -0.0},
    {1.5, 2.0, 1.0, 1.0, 2.0},
    {-1.5, -1.0, -2.0, -1.0, -2.0},
    {2.5, 3.0, 2.0, 2.0, 2.0},
    {-2.5, -2.0, -3.0, -2.0, -2.0},
    {3.5, 4.0, 3.0, 3.0, 4.0},
    {0.25, 1.0, 0.0, 0.0, 0.0},
    {-0.75, -0.0, -1.0, -0.0, -1.0},
    {0.75, 1.0, 0.0, 0.0, 1.0},
    {-0.25, -0.0, -1.0, -0.0, -0.0},
    {1.0, 1.0, 1.0, 1.0, 1.0},
    {-1.0, -1.0, -1.0, -1.0, -1.0},
    {0.0, 0.0, 0.0, 0.0, 0.0},
    {-0.0, -0.0, -0.0, -0.0, -0.0},
    {0x1p-126, 1.0, 0.0, 0.0, 0.0},
    {-0x1p-126, -0.0, -1.0, -0.0, -0.0},
    {0x1p-149, 1.0, 0.0, 0.0, 0.0},
    {-0x1p-149, -0.0, -1.0, -0.0, -0.0},
    {0x1.fffffep-2, 1.0, 0.0, 0.0, 0.0}, // just below 0.5
    {-0x1.fffffep-2, -0.0, -1.0, -0.0, -0.0},
    {0x1.000002p-1, 1.0, 0.0, 0.0, 1.0}, // just above 0.5
    {4194303.5, 4194304.0, 4194303.0, 4194303.0, 4194304.0},
    {-4194302.5, -4194302.0, -4194303.0, -4194302.0, -4194302.0},
    {8388607.5, 8388608.0, 8388607.0, 8388607.0, 8388608.0}, // 2^23 - 0.5
    {-8388607.5, -8388607.0, -8388608.0, -8388607.0, -8388608.0},
    {8388609.0, 8388609.0, 8388609.0, 8388609.0, 8388609.0},
    {16777216.0, 16777216.0, 16777216.0, 16777216.0, 16777216.0},
    {0x1p100, 0x1p100, 0x1p100, 0x1p100, 0x1p100},
    {-0x1p100, -0x1p100, -0x1p100, -0x1p100, -0x1p100},
};

template <class F, class Ceil, class Floor, class Trunc, class Nearest>
void check_rounding(Ceil ceil, Floor floor, Trunc trunc, Nearest nearest) {
    for (const RoundCase& c : kRoundCases) {
        const F in = static_cast<F>(c.in);
        ASSERT_EQ(static_cast<double>(in), c.in);
        SCOPED_TRACE(c.in);
        EXPECT_EQ(bits(ceil(hide(in))), bits(static_cast<F>(c.ceil)));
        EXPECT_EQ(bits(floor(hide(in))), bits(static_cast<F>(c.floor)));
        EXPECT_EQ(bits(trunc(hide(in))), bits(static_cast<F>(c.trunc)));
        EXPECT_EQ(bits(nearest(hide(in))), bits(static_cast<F>(c.nearest)));
    }
    constexpr F inf = std::numeric_limits<F>::infinity();
    for (F v : {inf, -inf, std::numeric_limits<F>::max(), std::numeric_limits<F>::lowest()}) {
        EXPECT_EQ(bits(ceil(hide(v))), bits(v));
        EXPECT_EQ(bits(floor(hide(v))), bits(v));
        EXPECT_EQ(bits(trunc(hide(v))), bits(v));
        EXPECT_EQ(bits(nearest(hide(v))), bits(v));
    }
    // The f64-only range between 2^23 and 2^52.
    if constexpr (std::is_same_v<F, double>) {
        const double big = 4503599627370495.5; // 2^52 - 0.5
        EXPECT_EQ(nearest(hide(big)), 4503599627370496.0);
        EXPECT_EQ(nearest(hide(-big)), -4503599627370496.0);
        EXPECT_EQ(ceil(hide(big)), 4503599627370496.0);
        EXPECT_EQ(floor(hide(-big)), -4503599627370496.0);
        EXPECT_EQ(trunc(hide(big)), 4503599627370495.0);
        EXPECT_EQ(nearest(hide(4503599627370494.5)), 4503599627370494.0);
        EXPECT_EQ(nearest(hide(0x1p52 + 1.0)), 0x1p52 + 1.0);
        EXPECT_EQ(floor(hide(-8388607.75)), -8388608.0);
        EXPECT_EQ(nearest(hide(16777216.5)), 16777216.0);
        EXPECT_EQ(nearest(hide(16777217.5)), 16777218.0);
    }
}

template <class F, class Op> void check_rounding_nan(Op op) {
    using B = decltype(bits(F{}));
    constexpr B canonical = std::is_same_v<F, float> ? B(kF32CanonicalNan) : B(kF64CanonicalNan);
    constexpr B signalling = std::is_same_v<F, float> ? B(kF32SignallingNan) : B(kF64SignallingNan);
    constexpr B sign = B(1) << (sizeof(B) * 8 - 1);
    EXPECT_TRUE(is_canonical_nan(op(hide(std::bit_cast<F>(canonical)))));
    EXPECT_TRUE(is_canonical_nan(op(hide(std::bit_cast<F>(B(canonical | sign))))));
    EXPECT_TRUE(is_arithmetic_nan(op(hide(std::bit_cast<F>(signalling)))));
    EXPECT_TRUE(is_arithmetic_nan(op(hide(std::bit_cast<F>(B(signalling | sign))))));
}

TEST(NumericFloat, Rounding32) {
    check_rounding<float>(F32Ceil::apply, F32Floor::apply, F32Trunc::apply, F32Nearest::apply);
    for (auto op : {F32Ceil::apply, F32Floor::apply, F32Trunc::apply, F32Nearest::apply})
        check_rounding_nan<float>(op);
}

TEST(NumericFloat, Rounding64) {
    check_rounding<double>(F64Ceil::apply, F64Floor::apply, F64Trunc::apply, F64Nearest::apply);
    for (auto op : {F64Ceil::apply, F64Floor::apply, F64Trunc::apply, F64Nearest::apply})
        check_rounding_nan<double>(op);
}

// The inline sequences used on x86-64 without SSE4.1, tested on every target.
TEST(NumericFloat, SoftRounding) {
    using namespace num::detail;
    check_rounding<float>(ceil_soft<float>, floor_soft<float>, trunc_soft<float>,
                          nearest_soft<float>);
    check_rounding<double>(ceil_soft<double>, floor_soft<double>, trunc_soft<double>,
                           nearest_soft<double>);
    for (auto op : {ceil_soft<float>, floor_soft<float>, trunc_soft<float>, nearest_soft<float>})
        check_rounding_nan<float>(op);
    for (auto op :
         {ceil_soft<double>, floor_soft<double>, trunc_soft<double>, nearest_soft<double>})
        check_rounding_nan<double>(op);
}

// A sweep of the soft sequences against the C library (which rounds exactly) across all
// binades that have a fractional part, both signs and several mantissa patterns.
TEST(NumericFloat, SoftRoundingMatchesLibm) {
    using namespace num::detail;
    std::vector<float> fs;
    std::vector<double> ds;
    const uint32_t f_mant[] = {0, 1, 0x3FFFFF, 0x400000, 0x400001, 0x7FFFFF, 0x2AAAAA, 0x555555};
    for (uint32_t e = 0; e <= 160; ++e)
        for (uint32_t m : f_mant)
            for (uint32_t s : {0u, 0x8000'0000u})
                fs.push_back(f32(s | (e << 23) | m));
    const uint64_t d_mant[] = {0,
                               1,
                               0x7'FFFF'FFFF'FFFFu,
                               0x8'0000'0000'0000u,
                               0x8'0000'0000'0001u,
                               0xF'FFFF'FFFF'FFFFu,
                               0xA'AAAA'AAAA'AAAAu,
                               0x5'5555'5555'5555u};
    for (uint64_t e = 0; e <= 1100; ++e)
        for (uint64_t m : d_mant)
            for (uint64_t s : {uint64_t{0}, uint64_t{1} << 63})
                ds.push_back(f64(s | (e << 52) | m));
    for (float v : fs) {
        const float x = hide(v);
        SCOPED_TRACE(v);
        EXPECT_EQ(bits(ceil_soft(x)), bits(std::ceil(x)));
        EXPECT_EQ(bits(floor_soft(x)), bits(std::floor(x)));
        EXPECT_EQ(bits(trunc_soft(x)), bits(std::trunc(x)));
        EXPECT_EQ(bits(nearest_soft(x)), bits(std::nearbyint(x)));
        EXPECT_EQ(bits(F32Nearest::apply(x)), bits(std::nearbyint(x)));
    }
    for (double v : ds) {
        const double x = hide(v);
        SCOPED_TRACE(v);
        EXPECT_EQ(bits(ceil_soft(x)), bits(std::ceil(x)));
        EXPECT_EQ(bits(floor_soft(x)), bits(std::floor(x)));
        EXPECT_EQ(bits(trunc_soft(x)), bits(std::trunc(x)));
        EXPECT_EQ(bits(nearest_soft(x)), bits(std::nearbyint(x)));
        EXPECT_EQ(bits(F64Nearest::apply(x)), bits(std::nearbyint(x)));
    }
}

// ---- checked truncation ---------------------------------------------------------------------

template <class F, class U> struct TruncCase {
    F in;
    TrapCode trap;
    U out;
};
constexpr TrapCode kOk = TrapCode::None;
constexpr TrapCode kOvf = TrapCode::IntegerOverflow;
constexpr TrapCode kInv = TrapCode::InvalidConversionToInteger;

template <class Op, class F, class U> void check_trunc(std::initializer_list<TruncCase<F, U>> cs) {
    for (const auto& c : cs) {
        SCOPED_TRACE(static_cast<double>(c.in));
        U out = U(0x5A5A5A5A5A5A5A5Au);
        EXPECT_EQ(run_trap<Op>(out, c.in), c.trap);
        if (c.trap == kOk)
            EXPECT_EQ(out, c.out);
        else
            EXPECT_EQ(out, U(0x5A5A5A5A5A5A5A5Au));
    }
}

// Every NaN (canonical, negative, signalling, smallest payload) is an invalid conversion.
template <class Op, class F, class U> void check_trunc_nan() {
    using B = decltype(bits(F{}));
    const B nans[] = {std::is_same_v<F, float> ? B(0x7FC0'0000u) : B(0x7FF8'0000'0000'0000u),
                      std::is_same_v<F, float> ? B(0xFFC0'0000u) : B(0xFFF8'0000'0000'0000u),
                      std::is_same_v<F, float> ? B(0x7FA0'0000u) : B(0x7FF4'0000'0000'0000u),
                      std::is_same_v<F, float> ? B(0x7F80'0001u) : B(0x7FF0'0000'0000'0001u)};
    for (B nan : nans) {
        U out = 7;
        EXPECT_EQ(run_trap<Op>(out, std::bit_cast<F>(nan)), kInv);
        EXPECT_EQ(out, 7u);
    }
}

TEST(NumericConvert, I32TruncF32S) {
    check_trunc<I32TruncF32S, float, uint32_t>({
        {0.0f, kOk, 0},
        {-0.0f, kOk, 0},
        {0x1p-149f, kOk, 0},
        {-0x1p-149f, kOk, 0},
        {1.0f, kOk, 1},
        {0x1.19999ap+0f, kOk, 1},
        {1.5f, kOk, 1},
        {-1.0f, kOk, 0xFFFF'FFFFu},
        {-1.5f, kOk, 0xFFFF'FFFFu},
        {-1.9f, kOk, 0xFFFF'FFFFu},
        {-2.0f, kOk, 0xFFFF'FFFEu},
        {2147483520.0f, kOk, 2147483520u},   // largest f32 below 2^31
        {-2147483648.0f, kOk, 0x8000'0000u}, // -2^31 is representable
        {2147483648.0f, kOvf, 0},            // 2^31 is not
        {-2147483904.0f, kOvf, 0},           // the f32 just below -2^31
        {kInfF, kOvf, 0},
        {-kInfF, kOvf, 0},
    });
    check_trunc_nan<I32TruncF32S, float, uint32_t>();
}

TEST(NumericConvert, I32TruncF32U) {
    check_trunc<I32TruncF32U, float, uint32_t>({
        {0.0f, kOk, 0},
        {-0.0f, kOk, 0},
        {1.0f, kOk, 1},
        {1.9f, kOk, 1},
        {2147483648.0f, kOk, 0x8000'0000u},
        {4294967040.0f, kOk, 0xFFFF'FF00u}, // largest f32 below 2^32
        {-0x1.ccccccp-1f, kOk, 0},          // -0.9
        {-0x1.fffffep-1f, kOk, 0},          // largest f32 above -1
        {-1.0f, kOvf, 0},
        {4294967296.0f, kOvf, 0},
        {kInfF, kOvf, 0},
        {-kInfF, kOvf, 0},
    });
    check_trunc_nan<I32TruncF32U, float, uint32_t>();
}

TEST(NumericConvert, I32TruncF64S) {
    check_trunc<I32TruncF64S, double, uint32_t>({
        {0.0, kOk, 0},
        {-0.0, kOk, 0},
        {0x0.0000000000001p-1022, kOk, 0},
        {-1.5, kOk, 0xFFFF'FFFFu},
        {2147483647.0, kOk, 0x7FFF'FFFFu},
        {2147483647.9, kOk, 0x7FFF'FFFFu},
        {-2147483648.0, kOk, 0x8000'0000u},
        {-2147483648.9, kOk, 0x8000'0000u},
        {2147483648.0, kOvf, 0},
        {-2147483649.0, kOvf, 0},
        {kInf, kOvf, 0},
        {-kInf, kOvf, 0},
    });
    check_trunc_nan<I32TruncF64S, double, uint32_t>();
}

TEST(NumericConvert, I32TruncF64U) {
    check_trunc<I32TruncF64U, double, uint32_t>({
        {0.0, kOk, 0},
        {-0.0, kOk, 0},
        {1.9, kOk, 1},
        {-0.9, kOk, 0},
        {-0x1.fffffffffffffp-1, kOk, 0},
        {2147483648.0, kOk, 0x8000'0000u},
        {4294967295.0, kOk, 0xFFFF'FFFFu},
        {4294967295.9, kOk, 0xFFFF'FFFFu},
        {1e8, kOk, 100000000u},
        {4294967296.0, kOvf, 0},
        {-1.0, kOvf, 0},
        {1e16, kOvf, 0},
        {1e30, kOvf, 0},
        {9223372036854775808.0, kOvf, 0},
        {kInf, kOvf, 0},
        {-kInf, kOvf, 0},
    });
    check_trunc_nan<I32TruncF64U, double, uint32_t>();
}

TEST(NumericConvert, I64TruncF32S) {
    check_trunc<I64TruncF32S, float, uint64_t>({
        {0.0f, kOk, 0},
        {-1.5f, kOk, ~uint64_t{0}},
        {4294967296.0f, kOk, uint64_t{1} << 32},
        {-4294967296.0f, kOk, ~uint64_t{0} << 32},
        {9223371487098961920.0f, kOk, 0x7FFF'FF80'0000'0000u}, // largest f32 below 2^63
        {-9223372036854775808.0f, kOk, 0x8000'0000'0000'0000u},
        {9223372036854775808.0f, kOvf, 0},
        {-9223373136366403584.0f, kOvf, 0}, // the f32 just below -2^63
        {kInfF, kOvf, 0},
        {-kInfF, kOvf, 0},
    });
    check_trunc_nan<I64TruncF32S, float, uint64_t>();
}

TEST(NumericConvert, I64TruncF32U) {
    check_trunc<I64TruncF32U, float, uint64_t>({
        {0.0f, kOk, 0},
        {-0.0f, kOk, 0},
        {-0x1.ccccccp-1f, kOk, 0},
        {4294967296.0f, kOk, uint64_t{1} << 32},
        {9223372036854775808.0f, kOk, uint64_t{1} << 63},
        {18446742974197923840.0f, kOk, 0xFFFF'FF00'0000'0000u}, // largest f32 below 2^64
        {18446744073709551616.0f, kOvf, 0},
        {-1.0f, kOvf, 0},
        {kInfF, kOvf, 0},
        {-kInfF, kOvf, 0},
    });
    check_trunc_nan<I64TruncF32U, float, uint64_t>();
}

TEST(NumericConvert, I64TruncF64S) {
    check_trunc<I64TruncF64S, double, uint64_t>({
        {0.0, kOk, 0},
        {-1.9, kOk, ~uint64_t{0}},
        {9223372036854774784.0, kOk, 0x7FFF'FFFF'FFFF'FC00u}, // largest f64 below 2^63
        {-9223372036854775808.0, kOk, 0x8000'0000'0000'0000u},
        {9223372036854775808.0, kOvf, 0},
        {-9223372036854777856.0, kOvf, 0}, // the f64 just below -2^63
        {kInf, kOvf, 0},
        {-kInf, kOvf, 0},
    });
    check_trunc_nan<I64TruncF64S, double, uint64_t>();
}

TEST(NumericConvert, I64TruncF64U) {
    check_trunc<I64TruncF64U, double, uint64_t>({
        {0.0, kOk, 0},
        {-0.9, kOk, 0},
        {-0x1.fffffffffffffp-1, kOk, 0},
        {4294967295.0, kOk, 0xFFFF'FFFFu},
        {4294967296.0, kOk, uint64_t{1} << 32},
        {9223372036854775808.0, kOk, uint64_t{1} << 63},
        {18446744073709549568.0, kOk, 0xFFFF'FFFF'FFFF'F800u}, // largest f64 below 2^64
        {1e8, kOk, 100000000u},
        {1e16, kOk, 10000000000000000u},
        {18446744073709551616.0, kOvf, 0},
        {-1.0, kOvf, 0},
        {kInf, kOvf, 0},
        {-kInf, kOvf, 0},
    });
    check_trunc_nan<I64TruncF64U, double, uint64_t>();
}

// ---- saturating truncation ------------------------------------------------------------------

TEST(NumericConvert, TruncSat32) {
    const float fnan = f32(kF32CanonicalNan), fsnan = f32(0xFFA0'0000u);
    const double dnan = f64(0xFFF8'0000'0000'0000u), dsnan = f64(kF64SignallingNan);
    EXPECT_EQ(run<I32TruncSatF32S>(fnan), 0u);
    EXPECT_EQ(run<I32TruncSatF32S>(fsnan), 0u);
    EXPECT_EQ(run<I32TruncSatF32S>(-1.5f), 0xFFFF'FFFFu);
    EXPECT_EQ(run<I32TruncSatF32S>(-2147483648.0f), 0x8000'0000u);
    EXPECT_EQ(run<I32TruncSatF32S>(-2147483904.0f), 0x8000'0000u);
    EXPECT_EQ(run<I32TruncSatF32S>(2147483520.0f), 2147483520u);
    EXPECT_EQ(run<I32TruncSatF32S>(2147483648.0f), 0x7FFF'FFFFu);
    EXPECT_EQ(run<I32TruncSatF32S>(kInfF), 0x7FFF'FFFFu);
    EXPECT_EQ(run<I32TruncSatF32S>(-kInfF), 0x8000'0000u);

    EXPECT_EQ(run<I32TruncSatF32U>(fnan), 0u);
    EXPECT_EQ(run<I32TruncSatF32U>(-0.9f), 0u);
    EXPECT_EQ(run<I32TruncSatF32U>(-1.0f), 0u);
    EXPECT_EQ(run<I32TruncSatF32U>(-kInfF), 0u);
    EXPECT_EQ(run<I32TruncSatF32U>(4294967040.0f), 0xFFFF'FF00u);
    EXPECT_EQ(run<I32TruncSatF32U>(4294967296.0f), 0xFFFF'FFFFu);
    EXPECT_EQ(run<I32TruncSatF32U>(kInfF), 0xFFFF'FFFFu);

    EXPECT_EQ(run<I32TruncSatF64S>(dnan), 0u);
    EXPECT_EQ(run<I32TruncSatF64S>(dsnan), 0u);
    EXPECT_EQ(run<I32TruncSatF64S>(2147483647.9), 0x7FFF'FFFFu);
    EXPECT_EQ(run<I32TruncSatF64S>(2147483648.0), 0x7FFF'FFFFu);
    EXPECT_EQ(run<I32TruncSatF64S>(-2147483648.9), 0x8000'0000u);
    EXPECT_EQ(run<I32TruncSatF64S>(-2147483649.0), 0x8000'0000u);
    EXPECT_EQ(run<I32TruncSatF64S>(-1e300), 0x8000'0000u);
    EXPECT_EQ(run<I32TruncSatF64S>(-0.0), 0u);

    EXPECT_EQ(run<I32TruncSatF64U>(dnan), 0u);
    EXPECT_EQ(run<I32TruncSatF64U>(-0.9), 0u);
    EXPECT_EQ(run<I32TruncSatF64U>(-1e300), 0u);
    EXPECT_EQ(run<I32TruncSatF64U>(4294967295.9), 0xFFFF'FFFFu);
    EXPECT_EQ(run<I32TruncSatF64U>(4294967296.0), 0xFFFF'FFFFu);
    EXPECT_EQ(run<I32TruncSatF64U>(1e16), 0xFFFF'FFFFu);
    EXPECT_EQ(run<I32TruncSatF64U>(kInf), 0xFFFF'FFFFu);
}

TEST(NumericConvert, TruncSat64) {
    const uint64_t min = 0x8000'0000'0000'0000u, max = 0x7FFF'FFFF'FFFF'FFFFu, umax = ~uint64_t{0};
    EXPECT_EQ(run<I64TruncSatF32S>(f32(kF32CanonicalNan)), 0u);
    EXPECT_EQ(run<I64TruncSatF32S>(-9223372036854775808.0f), min);
    EXPECT_EQ(run<I64TruncSatF32S>(-9223373136366403584.0f), min);
    EXPECT_EQ(run<I64TruncSatF32S>(9223371487098961920.0f), 0x7FFF'FF80'0000'0000u);
    EXPECT_EQ(run<I64TruncSatF32S>(9223372036854775808.0f), max);
    EXPECT_EQ(run<I64TruncSatF32S>(-kInfF), min);

    EXPECT_EQ(run<I64TruncSatF32U>(f32(0x7F80'0001u)), 0u);
    EXPECT_EQ(run<I64TruncSatF32U>(-0.9f), 0u);
    EXPECT_EQ(run<I64TruncSatF32U>(-kInfF), 0u);
    EXPECT_EQ(run<I64TruncSatF32U>(18446742974197923840.0f), 0xFFFF'FF00'0000'0000u);
    EXPECT_EQ(run<I64TruncSatF32U>(18446744073709551616.0f), umax);
    EXPECT_EQ(run<I64TruncSatF32U>(kInfF), umax);

    EXPECT_EQ(run<I64TruncSatF64S>(f64(kF64CanonicalNan)), 0u);
    EXPECT_EQ(run<I64TruncSatF64S>(f64(kF64SignallingNan)), 0u);
    EXPECT_EQ(run<I64TruncSatF64S>(9223372036854774784.0), 0x7FFF'FFFF'FFFF'FC00u);
    EXPECT_EQ(run<I64TruncSatF64S>(9223372036854775808.0), max);
    EXPECT_EQ(run<I64TruncSatF64S>(-9223372036854775808.0), min);
    EXPECT_EQ(run<I64TruncSatF64S>(-9223372036854777856.0), min);
    EXPECT_EQ(run<I64TruncSatF64S>(-1.5), ~uint64_t{0});
    EXPECT_EQ(run<I64TruncSatF64S>(kInf), max);

    EXPECT_EQ(run<I64TruncSatF64U>(f64(0xFFF8'0000'0000'0000u)), 0u);
    EXPECT_EQ(run<I64TruncSatF64U>(-0.9), 0u);
    EXPECT_EQ(run<I64TruncSatF64U>(-1.0), 0u);
    EXPECT_EQ(run<I64TruncSatF64U>(18446744073709549568.0), 0xFFFF'FFFF'FFFF'F800u);
    EXPECT_EQ(run<I64TruncSatF64U>(18446744073709551616.0), umax);
    EXPECT_EQ(run<I64TruncSatF64U>(9223372036854775808.0), uint64_t{1} << 63);
    EXPECT_EQ(run<I64TruncSatF64U>(kInf), umax);
    EXPECT_EQ(run<I64TruncSatF64U>(-kInf), 0u);
}

// ---- integer -> float -----------------------------------------------------------------------

TEST(NumericConvert, IntToF32) {
    EXPECT_EQ(run<F32ConvertI32S>(0xFFFF'FFFFu), -1.0f);
    EXPECT_EQ(run<F32ConvertI32S>(0x8000'0000u), -2147483648.0f);
    EXPECT_EQ(run<F32ConvertI32S>(0x7FFF'FFFFu), 2147483648.0f);
    EXPECT_EQ(run<F32ConvertI32S>(16777217u), 16777216.0f); // ties to even
    EXPECT_EQ(run<F32ConvertI32S>(16777219u), 16777220.0f);
    EXPECT_EQ(run<F32ConvertI32U>(0x8000'0000u), 2147483648.0f);
    EXPECT_EQ(run<F32ConvertI32U>(0xFFFF'FFFFu), 4294967296.0f);
    EXPECT_EQ(run<F32ConvertI32U>(0x8000'0080u), 0x1.000000p+31f);
    EXPECT_EQ(run<F32ConvertI32U>(0x8000'0081u), 0x1.000002p+31f);
    EXPECT_EQ(run<F32ConvertI32U>(0xFFFF'FE80u), 0x1.fffffcp+31f);
    EXPECT_EQ(run<F32ConvertI32U>(0xFFFF'FE81u), 0x1.fffffep+31f);

    EXPECT_EQ(run<F32ConvertI64S>(~uint64_t{0}), -1.0f);
    EXPECT_EQ(run<F32ConvertI64S>(uint64_t{0x8000'0000'0000'0000u}), -0x1p63f);
    EXPECT_EQ(run<F32ConvertI64S>(uint64_t{0x7FFF'FFFF'FFFF'FFFFu}), 0x1p63f);
    EXPECT_EQ(run<F32ConvertI64S>(uint64_t{0x0020'0000'2000'0001u}), 0x1.000002p+53f);
    EXPECT_EQ(run<F32ConvertI64S>(uint64_t{0xFFDF'FFFF'DFFF'FFFFu}), -0x1.000002p+53f);
    EXPECT_EQ(run<F32ConvertI64S>(uint64_t{0x7FFF'FF40'0000'0001u}), 0x1.fffffep+62f);

    // Correct rounding of the full unsigned value (converting as signed and fixing up, or via
    // f64, rounds twice and gets these wrong).
    EXPECT_EQ(run<F32ConvertI64U>(uint64_t{0x8000'0080'0000'0001u}), 0x1.000002p+63f);
    EXPECT_EQ(run<F32ConvertI64U>(uint64_t{0x8000'0080'0000'0000u}), 0x1p63f);
    EXPECT_EQ(run<F32ConvertI64U>(uint64_t{0xFFFF'FE80'0000'0001u}), 0x1.fffffep+63f);
    EXPECT_EQ(run<F32ConvertI64U>(uint64_t{0x0020'0000'2000'0001u}), 0x1.000002p+53f);
    EXPECT_EQ(run<F32ConvertI64U>(uint64_t{0x7FFF'FFBF'FFFF'FFFFu}), 0x1.fffffep+62f);
    EXPECT_EQ(run<F32ConvertI64U>(~uint64_t{0}), 0x1p64f);
    EXPECT_EQ(run<F32ConvertI64U>(uint64_t{0x8000'0000'0000'0000u}), 0x1p63f);
    EXPECT_EQ(run<F32ConvertI64U>(uint64_t{16777217}), 16777216.0f);
    EXPECT_EQ(bits(run<F32ConvertI64U>(uint64_t{0})), 0u);
}

TEST(NumericConvert, IntToF64) {
    EXPECT_EQ(run<F64ConvertI32S>(0x8000'0000u), -2147483648.0);
    EXPECT_EQ(run<F64ConvertI32S>(0xFFFF'FFFFu), -1.0);
    EXPECT_EQ(run<F64ConvertI32U>(0x8000'0000u), 2147483648.0);
    EXPECT_EQ(run<F64ConvertI32U>(0xFFFF'FFFFu), 4294967295.0);
    EXPECT_EQ(run<F64ConvertI64S>(uint64_t{0x8000'0000'0000'0000u}), -0x1p63);
    EXPECT_EQ(run<F64ConvertI64S>(uint64_t{9007199254740993u}), 9007199254740992.0);
    EXPECT_EQ(run<F64ConvertI64S>(uint64_t{9007199254740995u}), 9007199254740996.0);
    EXPECT_EQ(run<F64ConvertI64S>(static_cast<uint64_t>(-9007199254740993)), -9007199254740992.0);
    EXPECT_EQ(run<F64ConvertI64U>(uint64_t{0x8000'0000'0000'0400u}), 0x1p63);
    EXPECT_EQ(run<F64ConvertI64U>(uint64_t{0x8000'0000'0000'0401u}), 0x1.0000000000001p+63);
    EXPECT_EQ(run<F64ConvertI64U>(uint64_t{0x8000'0000'0000'0402u}), 0x1.0000000000001p+63);
    EXPECT_EQ(run<F64ConvertI64U>(uint64_t{0xFFFF'FFFF'FFFF'F400u}), 0x1.ffffffffffffep+63);
    EXPECT_EQ(run<F64ConvertI64U>(uint64_t{0xFFFF'FFFF'FFFF'F401u}), 0x1.fffffffffffffp+63);
    EXPECT_EQ(run<F64ConvertI64U>(~uint64_t{0}), 0x1p64);
    EXPECT_EQ(run<F64ConvertI64U>(uint64_t{9007199254740993u}), 9007199254740992.0);
}

// ---- demote / promote / reinterpret ---------------------------------------------------------

TEST(NumericConvert, DemotePromote) {
    EXPECT_EQ(run<F32DemoteF64>(0x1.fffffefffffffp+127), 0x1.fffffep+127f);
    EXPECT_EQ(run<F32DemoteF64>(0x1.ffffffp+127), kInfF); // rounds up to infinity
    EXPECT_EQ(run<F32DemoteF64>(1e300), kInfF);
    EXPECT_EQ(run<F32DemoteF64>(-1e300), -kInfF);
    EXPECT_EQ(run<F32DemoteF64>(0x1.000001p+0), 1.0f); // tie to even
    EXPECT_EQ(run<F32DemoteF64>(0x1.0000010000001p+0), 0x1.000002p+0f);
    EXPECT_EQ(run<F32DemoteF64>(0x1p-149), 0x1p-149f);
    EXPECT_EQ(run<F32DemoteF64>(0x1p-150), 0.0f); // tie to even (zero)
    EXPECT_EQ(run<F32DemoteF64>(0x1.0000000000001p-150), 0x1p-149f);
    EXPECT_EQ(bits(run<F32DemoteF64>(-0x1p-1074)), 0x8000'0000u);
    EXPECT_EQ(bits(run<F32DemoteF64>(-0.0)), 0x8000'0000u);
    EXPECT_TRUE(is_canonical_nan(run<F32DemoteF64>(f64(kF64CanonicalNan))));
    EXPECT_TRUE(is_canonical_nan(run<F32DemoteF64>(f64(0xFFF8'0000'0000'0000u))));
    EXPECT_TRUE(is_arithmetic_nan(run<F32DemoteF64>(f64(kF64SignallingNan))));
    EXPECT_TRUE(is_arithmetic_nan(run<F32DemoteF64>(f64(0x7FF0'0000'0000'0001u))));

    EXPECT_EQ(run<F64PromoteF32>(0x1p-149f), 0x1p-149);
    EXPECT_EQ(run<F64PromoteF32>(0x1.fffffep+127f), 0x1.fffffep+127);
    EXPECT_EQ(run<F64PromoteF32>(-kInfF), -kInf);
    EXPECT_EQ(bits(run<F64PromoteF32>(-0.0f)), 0x8000'0000'0000'0000u);
    EXPECT_TRUE(is_canonical_nan(run<F64PromoteF32>(f32(kF32CanonicalNan))));
    EXPECT_TRUE(is_canonical_nan(run<F64PromoteF32>(f32(0xFFC0'0000u))));
    EXPECT_TRUE(is_arithmetic_nan(run<F64PromoteF32>(f32(kF32SignallingNan))));
    EXPECT_TRUE(is_arithmetic_nan(run<F64PromoteF32>(f32(0xFF80'0001u))));
}

TEST(NumericConvert, ReinterpretKeepsEveryBit) {
    for (uint32_t b : {0x7FA0'0001u, 0xFF80'0001u, 0x7FC0'0000u, 0x8000'0000u, 0x0000'0001u}) {
        EXPECT_EQ(run<I32ReinterpretF32>(run<F32ReinterpretI32>(b)), b);
        EXPECT_EQ(bits(run<F32ReinterpretI32>(b)), b);
    }
    for (uint64_t b : {uint64_t{0x7FF0'0000'0000'0001u}, uint64_t{0xFFF4'0000'0000'0000u},
                       uint64_t{0x8000'0000'0000'0000u}, uint64_t{1}}) {
        EXPECT_EQ(run<I64ReinterpretF64>(run<F64ReinterpretI64>(b)), b);
        EXPECT_EQ(bits(run<F64ReinterpretI64>(b)), b);
    }
    EXPECT_EQ(run<I32ReinterpretF32>(-1.0f), 0xBF80'0000u);
    EXPECT_EQ(run<I64ReinterpretF64>(-1.0), 0xBFF0'0000'0000'0000u);
}

} // namespace
} // namespace tycho::wasm
