#include "nan_quieting.h"

#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/Module.h>

namespace tycho::wasm::detail::jit {

// The mark is llvm.arithmetic.fence: an identity that the optimizers keep and do not look
// through, and that costs nothing in their cost models. Wasm has no fast-math, so the
// fence's own meaning (a barrier to reassociation) never matters here.
llvm::Value* mark_quiet_required(llvm::IRBuilderBase& builder, llvm::Value* result) {
    return builder.CreateArithmeticFence(result, result->getType());
}

namespace {

bool is_mark(const llvm::Value* v) {
    const auto* call = llvm::dyn_cast<llvm::IntrinsicInst>(v);
    return call != nullptr && call->getIntrinsicID() == llvm::Intrinsic::arithmetic_fence;
}

// Whether `v` can never be a signalling NaN in generated x86-64 code: it is computed by an
// instruction that quiets NaN operands (SSE arithmetic, conversions and rounding do), or
// only moves such values around. `pending` holds the phis being decided; assuming them
// quiet is sound, as a cycle of phis adds no values of its own.
bool known_quiet(llvm::Value* v, llvm::SmallPtrSetImpl<llvm::Value*>& pending) {
    if (auto* c = llvm::dyn_cast<llvm::ConstantFP>(v)) return !c->getValueAPF().isSignaling();
    if (is_mark(v)) return true; // it is resolved to a quiet value itself
    auto* inst = llvm::dyn_cast<llvm::Instruction>(v);
    if (inst == nullptr) return false; // arguments, other constants
    switch (inst->getOpcode()) {
    case llvm::Instruction::FAdd:
    case llvm::Instruction::FSub:
    case llvm::Instruction::FMul:
    case llvm::Instruction::FDiv:
    case llvm::Instruction::FRem:
    case llvm::Instruction::FPExt:
    case llvm::Instruction::SIToFP:
    case llvm::Instruction::UIToFP: return true;
    case llvm::Instruction::FPTrunc: {
        // Code generation folds a demotion of a promotion to the value itself.
        llvm::Value* operand = inst->getOperand(0);
        while (is_mark(operand))
            operand = llvm::cast<llvm::IntrinsicInst>(operand)->getArgOperand(0);
        return !llvm::isa<llvm::FPExtInst>(operand);
    }
    case llvm::Instruction::FNeg: return known_quiet(inst->getOperand(0), pending);
    case llvm::Instruction::Select:
        return known_quiet(inst->getOperand(1), pending) &&
               known_quiet(inst->getOperand(2), pending);
    case llvm::Instruction::PHI:
        if (!pending.insert(inst).second) return true;
        for (llvm::Value* incoming : llvm::cast<llvm::PHINode>(inst)->incoming_values())
            if (!known_quiet(incoming, pending)) return false;
        return true;
    default: break;
    }
    auto* call = llvm::dyn_cast<llvm::IntrinsicInst>(inst);
    if (call == nullptr) return false;
    switch (call->getIntrinsicID()) {
    case llvm::Intrinsic::sqrt:
    case llvm::Intrinsic::ceil:
    case llvm::Intrinsic::floor:
    case llvm::Intrinsic::trunc:
    case llvm::Intrinsic::roundeven:
    case llvm::Intrinsic::rint:
    case llvm::Intrinsic::nearbyint: return true;
    case llvm::Intrinsic::fabs:
    case llvm::Intrinsic::copysign: return known_quiet(call->getArgOperand(0), pending);
    default: return false; // minimum and maximum may return an operand as it is
    }
}

// `v` with its quiet bit set when it is a NaN: what the hardware would have returned.
llvm::Value* quieted(llvm::IRBuilderBase& b, llvm::Value* v) {
    llvm::Type* type = v->getType();
    const unsigned width = type->getPrimitiveSizeInBits();
    llvm::Type* bits_type = b.getIntNTy(width);
    llvm::Value* bits = b.CreateBitCast(v, bits_type);
    const uint64_t quiet_bit = width == 32 ? 0x0040'0000u : 0x0008'0000'0000'0000u;
    llvm::Value* quiet = b.CreateOr(bits, llvm::ConstantInt::get(bits_type, quiet_bit));
    return b.CreateBitCast(b.CreateSelect(b.CreateFCmpUNO(v, v), quiet, bits), type);
}

} // namespace

void resolve_quieting(llvm::Module& module) {
    llvm::SmallVector<llvm::IntrinsicInst*, 64> marks;
    for (llvm::Function& fn : module)
        for (llvm::BasicBlock& block : fn)
            for (llvm::Instruction& inst : block)
                if (is_mark(&inst)) marks.push_back(llvm::cast<llvm::IntrinsicInst>(&inst));
    // Decide first, then replace: a mark's verdict may look through other marks.
    llvm::SmallVector<bool, 64> quiet;
    for (llvm::IntrinsicInst* mark : marks) {
        llvm::SmallPtrSet<llvm::Value*, 8> pending;
        quiet.push_back(known_quiet(mark->getArgOperand(0), pending));
    }
    for (size_t i = 0; i < marks.size(); ++i) {
        llvm::IntrinsicInst* mark = marks[i];
        llvm::Value* value = mark->getArgOperand(0);
        if (!quiet[i]) {
            llvm::IRBuilder<> b(mark);
            value = quieted(b, value);
        }
        mark->replaceAllUsesWith(value);
        mark->eraseFromParent();
    }
}

} // namespace tycho::wasm::detail::jit
