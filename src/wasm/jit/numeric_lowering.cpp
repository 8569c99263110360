// The numeric operators in LLVM IR. Each operator belongs to a family named by the operation
// part of its mnemonic ("i32.add" and "f64.add" are both "add"), and the operand and result
// types in opcodes.def say which LLVM instruction the family becomes; so this file lists
// families, not opcodes. Semantics are those of numeric.h, which the interpreter runs.
#include "function_translator.h"
#include "nan_quieting.h"

#include "numeric.h"

#include <llvm/IR/Intrinsics.h>

#include <array>
#include <string_view>

namespace tycho::wasm::detail::jit {

namespace {

enum class Family : uint8_t {
    Unknown,
    Eqz,
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
    Lt,
    Gt,
    Le,
    Ge,
    Clz,
    Ctz,
    Popcnt,
    Add,
    Sub,
    Mul,
    DivS,
    DivU,
    RemS,
    RemU,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
    Abs,
    Neg,
    Ceil,
    Floor,
    Trunc,
    Nearest,
    Sqrt,
    Div,
    Min,
    Max,
    Copysign,
    Wrap,
    TruncS,
    TruncU,
    ExtendS,
    ExtendU,
    ConvertS,
    ConvertU,
    Demote,
    Promote,
    Reinterpret,
    Extend8S,
    Extend16S,
    Extend32S,
    TruncSatS,
    TruncSatU,
};

Family family_of(std::string_view mnemonic) {
    const std::string_view op = mnemonic.substr(mnemonic.find('.') + 1);
    struct Entry {
        std::string_view prefix;
        Family family;
        bool exact;
    };
    // Longest prefixes first where one is a prefix of another.
    static constexpr Entry kEntries[] = {
        {"eqz", Family::Eqz, true},
        {"eq", Family::Eq, true},
        {"ne", Family::Ne, true},
        {"lt_s", Family::LtS, true},
        {"lt_u", Family::LtU, true},
        {"gt_s", Family::GtS, true},
        {"gt_u", Family::GtU, true},
        {"le_s", Family::LeS, true},
        {"le_u", Family::LeU, true},
        {"ge_s", Family::GeS, true},
        {"ge_u", Family::GeU, true},
        {"lt", Family::Lt, true},
        {"gt", Family::Gt, true},
        {"le", Family::Le, true},
        {"ge", Family::Ge, true},
        {"clz", Family::Clz, true},
        {"ctz", Family::Ctz, true},
        {"popcnt", Family::Popcnt, true},
        {"add", Family::Add, true},
        {"sub", Family::Sub, true},
        {"mul", Family::Mul, true},
        {"div_s", Family::DivS, true},
        {"div_u", Family::DivU, true},
        {"rem_s", Family::RemS, true},
        {"rem_u", Family::RemU, true},
        {"and", Family::And, true},
        {"or", Family::Or, true},
        {"xor", Family::Xor, true},
        {"shl", Family::Shl, true},
        {"shr_s", Family::ShrS, true},
        {"shr_u", Family::ShrU, true},
        {"rotl", Family::Rotl, true},
        {"rotr", Family::Rotr, true},
        {"abs", Family::Abs, true},
        {"neg", Family::Neg, true},
        {"ceil", Family::Ceil, true},
        {"floor", Family::Floor, true},
        {"trunc", Family::Trunc, true},
        {"nearest", Family::Nearest, true},
        {"sqrt", Family::Sqrt, true},
        {"div", Family::Div, true},
        {"min", Family::Min, true},
        {"max", Family::Max, true},
        {"copysign", Family::Copysign, true},
        {"wrap_", Family::Wrap, false},
        {"trunc_sat_", Family::TruncSatS, false},
        {"trunc_", Family::TruncS, false},
        {"extend8_s", Family::Extend8S, true},
        {"extend16_s", Family::Extend16S, true},
        {"extend32_s", Family::Extend32S, true},
        {"extend_", Family::ExtendS, false},
        {"convert_", Family::ConvertS, false},
        {"demote_", Family::Demote, false},
        {"promote_", Family::Promote, false},
        {"reinterpret_", Family::Reinterpret, false},
    };
    for (const Entry& e : kEntries) {
        if (e.exact ? op != e.prefix : !op.starts_with(e.prefix)) continue;
        Family f = e.family;
        // The conversions come in a signed and an unsigned flavour, told by the last letter.
        if (!e.exact && op.ends_with("_u")) {
            if (f == Family::TruncS) f = Family::TruncU;
            if (f == Family::TruncSatS) f = Family::TruncSatU;
            if (f == Family::ExtendS) f = Family::ExtendU;
            if (f == Family::ConvertS) f = Family::ConvertU;
        }
        return f;
    }
    return Family::Unknown;
}

const std::array<Family, kOpCount>& families() {
    static const std::array<Family, kOpCount> table = [] {
        std::array<Family, kOpCount> t{};
        for (unsigned i = 0; i < kOpCount; ++i)
            if (kOpInfo[i].operands != 0) t[i] = family_of(kOpInfo[i].text);
        return t;
    }();
    return table;
}

// The exclusive operand bounds of the trapping truncations (numeric.h).
struct TruncBounds {
    double lo = 0, hi = 0;
};
template <class Impl> constexpr TruncBounds bounds_of() {
    if constexpr (requires { Impl::lo; })
        return {double(Impl::lo), double(Impl::hi)};
    else
        return {};
}
TruncBounds trunc_bounds(Op op) {
    switch (op) {
#define TYCHO_NUMERIC(Name, prefix, code, text, R, A, B, Traps)                                    \
    case Op::Name: return bounds_of<num::Name>();
#include "opcodes.def"
    default: return {};
    }
}

} // namespace

llvm::Value* FunctionTranslator::checked_truncation(Op op, llvm::Value* a) {
    const TruncBounds bounds = trunc_bounds(op);
    llvm::Type* f = a->getType();
    llvm::Value* in_range = b_.CreateAnd(b_.CreateFCmpOGT(a, llvm::ConstantFP::get(f, bounds.lo)),
                                         b_.CreateFCmpOLT(a, llvm::ConstantFP::get(f, bounds.hi)));
    llvm::BasicBlock* bad = new_block("bad_truncation");
    llvm::BasicBlock* good = new_block("truncation");
    b_.CreateCondBr(in_range, good, bad);
    b_.SetInsertPoint(bad);
    b_.CreateCondBr(b_.CreateFCmpUNO(a, a), trap_block(TrapCode::InvalidConversionToInteger),
                    trap_block(TrapCode::IntegerOverflow));
    b_.SetInsertPoint(good);
    return a;
}

// llvm.minimum and llvm.maximum may return a NaN operand as it is; Wasm wants it quiet, as
// arithmetic on it makes it.
llvm::Value* FunctionTranslator::nan_propagating(llvm::Value* result, llvm::Value* a,
                                                 llvm::Value* b) {
    llvm::Value* quiet_nan = mark_quiet_required(b_, b_.CreateFAdd(a, b));
    return b_.CreateSelect(b_.CreateFCmpUNO(a, b), quiet_nan, result);
}

llvm::Value* FunctionTranslator::lower_numeric(Op op, llvm::Value* a, llvm::Value* b) {
    const OpInfo& i = info(op);
    llvm::Type* result = m_.value_type(i.result);
    const bool is_float = a->getType()->isFloatingPointTy();
    auto boolean = [&](llvm::Value* v) { return b_.CreateZExt(v, b_.getInt32Ty()); };
    auto unary = [&](llvm::Intrinsic::ID id) { return b_.CreateUnaryIntrinsic(id, a); };
    auto binary = [&](llvm::Intrinsic::ID id) { return b_.CreateBinaryIntrinsic(id, a, b); };
    auto bits_minus_one = [&] {
        return llvm::ConstantInt::get(a->getType(), a->getType()->getIntegerBitWidth() - 1);
    };
    auto zero = [&] { return llvm::Constant::getNullValue(a->getType()); };
    // A float result that Wasm requires to be quiet when it is a NaN (nan_quieting.h).
    auto quiet = [&](llvm::Value* v) { return mark_quiet_required(b_, v); };
    switch (families()[unsigned(op)]) {
    case Family::Eqz: return boolean(b_.CreateICmpEQ(a, zero()));
    case Family::Eq: return boolean(is_float ? b_.CreateFCmpOEQ(a, b) : b_.CreateICmpEQ(a, b));
    case Family::Ne: return boolean(is_float ? b_.CreateFCmpUNE(a, b) : b_.CreateICmpNE(a, b));
    case Family::LtS: return boolean(b_.CreateICmpSLT(a, b));
    case Family::LtU: return boolean(b_.CreateICmpULT(a, b));
    case Family::GtS: return boolean(b_.CreateICmpSGT(a, b));
    case Family::GtU: return boolean(b_.CreateICmpUGT(a, b));
    case Family::LeS: return boolean(b_.CreateICmpSLE(a, b));
    case Family::LeU: return boolean(b_.CreateICmpULE(a, b));
    case Family::GeS: return boolean(b_.CreateICmpSGE(a, b));
    case Family::GeU: return boolean(b_.CreateICmpUGE(a, b));
    case Family::Lt: return boolean(b_.CreateFCmpOLT(a, b));
    case Family::Gt: return boolean(b_.CreateFCmpOGT(a, b));
    case Family::Le: return boolean(b_.CreateFCmpOLE(a, b));
    case Family::Ge: return boolean(b_.CreateFCmpOGE(a, b));
    case Family::Clz: return b_.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, a, b_.getFalse());
    case Family::Ctz: return b_.CreateBinaryIntrinsic(llvm::Intrinsic::cttz, a, b_.getFalse());
    case Family::Popcnt: return unary(llvm::Intrinsic::ctpop);
    case Family::Add: return is_float ? quiet(b_.CreateFAdd(a, b)) : b_.CreateAdd(a, b);
    case Family::Sub: return is_float ? quiet(b_.CreateFSub(a, b)) : b_.CreateSub(a, b);
    case Family::Mul: return is_float ? quiet(b_.CreateFMul(a, b)) : b_.CreateMul(a, b);
    case Family::DivS: {
        trap_if(b_.CreateICmpEQ(b, zero()), TrapCode::IntegerDivideByZero);
        const unsigned bits = a->getType()->getIntegerBitWidth();
        llvm::Value* min =
            llvm::ConstantInt::get(a->getType(), llvm::APInt::getSignedMinValue(bits));
        trap_if(b_.CreateAnd(b_.CreateICmpEQ(a, min),
                             b_.CreateICmpEQ(b, llvm::Constant::getAllOnesValue(a->getType()))),
                TrapCode::IntegerOverflow);
        return b_.CreateSDiv(a, b);
    }
    case Family::DivU:
        trap_if(b_.CreateICmpEQ(b, zero()), TrapCode::IntegerDivideByZero);
        return b_.CreateUDiv(a, b);
    case Family::RemS: {
        trap_if(b_.CreateICmpEQ(b, zero()), TrapCode::IntegerDivideByZero);
        // x rem -1 is 0 for every x; dividing by 1 instead avoids INT_MIN / -1.
        llvm::Value* minus_one = b_.CreateICmpEQ(b, llvm::Constant::getAllOnesValue(a->getType()));
        return b_.CreateSRem(
            a, b_.CreateSelect(minus_one, llvm::ConstantInt::get(a->getType(), 1), b));
    }
    case Family::RemU:
        trap_if(b_.CreateICmpEQ(b, zero()), TrapCode::IntegerDivideByZero);
        return b_.CreateURem(a, b);
    case Family::And: return b_.CreateAnd(a, b);
    case Family::Or: return b_.CreateOr(a, b);
    case Family::Xor: return b_.CreateXor(a, b);
    case Family::Shl: return b_.CreateShl(a, b_.CreateAnd(b, bits_minus_one()));
    case Family::ShrS: return b_.CreateAShr(a, b_.CreateAnd(b, bits_minus_one()));
    case Family::ShrU: return b_.CreateLShr(a, b_.CreateAnd(b, bits_minus_one()));
    case Family::Rotl: return b_.CreateIntrinsic(llvm::Intrinsic::fshl, {a->getType()}, {a, a, b});
    case Family::Rotr: return b_.CreateIntrinsic(llvm::Intrinsic::fshr, {a->getType()}, {a, a, b});
    case Family::Abs: return unary(llvm::Intrinsic::fabs);
    case Family::Neg: return b_.CreateFNeg(a);
    case Family::Ceil: return quiet(unary(llvm::Intrinsic::ceil));
    case Family::Floor: return quiet(unary(llvm::Intrinsic::floor));
    case Family::Trunc: return quiet(unary(llvm::Intrinsic::trunc));
    case Family::Nearest: return quiet(unary(llvm::Intrinsic::roundeven));
    case Family::Sqrt: return quiet(unary(llvm::Intrinsic::sqrt));
    case Family::Div: return quiet(b_.CreateFDiv(a, b));
    case Family::Min: return nan_propagating(binary(llvm::Intrinsic::minimum), a, b);
    case Family::Max: return nan_propagating(binary(llvm::Intrinsic::maximum), a, b);
    case Family::Copysign: return binary(llvm::Intrinsic::copysign);
    case Family::Wrap: return b_.CreateTrunc(a, result);
    case Family::TruncS: return b_.CreateFPToSI(checked_truncation(op, a), result);
    case Family::TruncU: return b_.CreateFPToUI(checked_truncation(op, a), result);
    case Family::ExtendS: return b_.CreateSExt(a, result);
    case Family::ExtendU: return b_.CreateZExt(a, result);
    case Family::ConvertS: return b_.CreateSIToFP(a, result);
    case Family::ConvertU: return b_.CreateUIToFP(a, result);
    case Family::Demote: return quiet(b_.CreateFPTrunc(a, result));
    case Family::Promote: return quiet(b_.CreateFPExt(a, result));
    case Family::Reinterpret: return b_.CreateBitCast(a, result);
    case Family::Extend8S: return b_.CreateSExt(b_.CreateTrunc(a, b_.getInt8Ty()), result);
    case Family::Extend16S: return b_.CreateSExt(b_.CreateTrunc(a, b_.getInt16Ty()), result);
    case Family::Extend32S: return b_.CreateSExt(b_.CreateTrunc(a, b_.getInt32Ty()), result);
    case Family::TruncSatS:
        return b_.CreateIntrinsic(llvm::Intrinsic::fptosi_sat, {result, a->getType()}, {a});
    case Family::TruncSatU:
        return b_.CreateIntrinsic(llvm::Intrinsic::fptoui_sat, {result, a->getType()}, {a});
    case Family::Unknown: break;
    }
    return llvm::PoisonValue::get(result); // unreachable: every numeric operator has a family
}

} // namespace tycho::wasm::detail::jit
