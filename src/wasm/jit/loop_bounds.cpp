#include "loop_bounds.h"

#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Metadata.h>

namespace tycho::wasm::detail::jit {

namespace {

constexpr const char* kBoundsCheck = "tycho.bounds_check";

// Steps and factors are kept small, and every bound below 2^62, so that the i64 arithmetic
// of the bounds is exact: ScalarEvolution's unsigned range of a sum or product that could
// wrap is the full range, which fails the test.
constexpr uint64_t kMaxFactor = uint64_t(1) << 20;
constexpr uint64_t kMaxBound = uint64_t(1) << 62;

} // namespace

void mark_bounds_check(llvm::Value* outside) {
    if (auto* check = llvm::dyn_cast<llvm::ICmpInst>(outside))
        check->setMetadata(kBoundsCheck, llvm::MDNode::get(check->getContext(), {}));
}

bool is_value_once_hook_path_gone(llvm::Value* v, const llvm::Value* target, const llvm::Loop& loop,
                                  const llvm::BasicBlock* hook_path, unsigned depth) {
    if (v == target) return true;
    auto* merge = llvm::dyn_cast<llvm::PHINode>(v);
    if (merge == nullptr || !loop.contains(merge) || depth > 8) return false;
    for (unsigned i = 0; i < merge->getNumIncomingValues(); ++i)
        if (merge->getIncomingBlock(i) != hook_path &&
            !is_value_once_hook_path_gone(merge->getIncomingValue(i), target, loop, hook_path,
                                          depth + 1))
            return false;
    return true;
}

LoopBounds::LoopBounds(llvm::ScalarEvolution& evolution, const llvm::Loop& loop,
                       const llvm::SCEV* back_edges, const llvm::BasicBlock* hook_path)
    : evolution_(evolution), loop_(loop), back_edges_(back_edges), hook_path_(hook_path) {}

LoopBounds::Settled LoopBounds::settle() const {
    Settled out;
    for (llvm::BasicBlock* block : loop_.blocks())
        for (llvm::Instruction& inst : *block)
            if (auto* check = llvm::dyn_cast<llvm::ICmpInst>(&inst);
                check != nullptr && check->getMetadata(kBoundsCheck) != nullptr)
                settle(*check, out);
    return out;
}

// `ugt end, size` is false when end <=u size; so it is in every iteration when the largest
// end the loop can reach is at most the size on entry, and the size does not change.
// Whatever the optimizers made of the operands since, the icmp's own meaning is what is
// proved, so the proof holds for any icmp of these two shapes.
bool LoopBounds::settle(llvm::ICmpInst& check, Settled& out) const {
    llvm::Value* end = nullptr;
    llvm::Value* size = nullptr;
    if (check.getPredicate() == llvm::ICmpInst::ICMP_UGT) {
        end = check.getOperand(0);
        size = check.getOperand(1);
    } else if (check.getPredicate() == llvm::ICmpInst::ICMP_ULT) {
        end = check.getOperand(1);
        size = check.getOperand(0);
    } else {
        return false;
    }
    if (!end->getType()->isIntegerTy(64)) return false;
    llvm::Value* entry_size = value_on_entry(size);
    if (entry_size == nullptr) return false;
    std::vector<std::pair<const llvm::SCEV*, const llvm::SCEV*>> at_most;
    const llvm::SCEV* last = largest(evolution_.getSCEV(end), at_most);
    if (last == nullptr) return false;
    at_most.emplace_back(last, evolution_.getSCEV(entry_size));
    out.checks.push_back(&check);
    out.at_most.insert(out.at_most.end(), at_most.begin(), at_most.end());
    return true;
}

// `v`'s value in every iteration of the loop without the hook's path, as a value available
// at the entry: `v` itself if the loop does not change it; for a header phi, what it enters
// with, provided the loop carries it around unchanged except from the hook's path; for a phi
// inside the loop, the common entry value of what it merges, except from the hook's path.
llvm::Value* LoopBounds::value_on_entry(llvm::Value* v, unsigned depth) const {
    if (loop_.isLoopInvariant(v)) return v;
    auto* phi = llvm::dyn_cast<llvm::PHINode>(v);
    llvm::BasicBlock* preheader = loop_.getLoopPreheader();
    if (phi == nullptr || !loop_.contains(phi) || preheader == nullptr || depth > 8) return nullptr;
    const bool header = phi->getParent() == loop_.getHeader();
    llvm::Value* entry = header ? phi->getIncomingValueForBlock(preheader) : nullptr;
    for (unsigned i = 0; i < phi->getNumIncomingValues(); ++i) {
        llvm::BasicBlock* from = phi->getIncomingBlock(i);
        if (from == hook_path_ || (header && !loop_.contains(from))) continue;
        llvm::Value* incoming = phi->getIncomingValue(i);
        // Around the loop, the header phi must come back as itself.
        if (header && is_value_once_hook_path_gone(incoming, phi, loop_, hook_path_)) continue;
        llvm::Value* value = header ? nullptr : value_on_entry(incoming, depth + 1);
        if (value == nullptr || (entry != nullptr && value != entry)) return nullptr;
        entry = value;
    }
    return entry;
}

// An i64 expression, over values available at the entry, that bounds the unsigned value of
// `s` in every iteration the loop can make, provided the pairs added to `at_most` hold; or
// nullptr. The value of an expression narrower than 64 bits is taken modulo its width, so
// for those a pair says that the bound stays below the wrap.
const llvm::SCEV*
LoopBounds::largest(const llvm::SCEV* s,
                    std::vector<std::pair<const llvm::SCEV*, const llvm::SCEV*>>& at_most) const {
    llvm::Type* i64 = llvm::Type::getInt64Ty(s->getType()->getContext());
    const unsigned bits = evolution_.getTypeSizeInBits(s->getType());
    if (bits > 64) return nullptr;
    if (evolution_.isLoopInvariant(s, &loop_)) return evolution_.getZeroExtendExpr(s, i64);

    const llvm::SCEV* bound = nullptr;
    auto small_constant = [](const llvm::SCEV* c) {
        const auto* k = llvm::dyn_cast<llvm::SCEVConstant>(c);
        return k != nullptr && k->getAPInt().ult(kMaxFactor) ? k : nullptr;
    };
    if (const auto* rec = llvm::dyn_cast<llvm::SCEVAddRecExpr>(s)) {
        // start + step * k for the k-th iteration: largest at the last one.
        const llvm::SCEVConstant* step = small_constant(rec->getStepRecurrence(evolution_));
        if (rec->getLoop() != &loop_ || !rec->isAffine() || step == nullptr ||
            step->getAPInt().isZero())
            return nullptr;
        bound = evolution_.getAddExpr(
            evolution_.getZeroExtendExpr(rec->getStart(), i64),
            evolution_.getMulExpr(evolution_.getZeroExtendExpr(step, i64), back_edges_));
    } else if (const auto* ext = llvm::dyn_cast<llvm::SCEVZeroExtendExpr>(s)) {
        return largest(ext->getOperand(), at_most); // already the zero-extended value
    } else if (const auto* trunc = llvm::dyn_cast<llvm::SCEVTruncateExpr>(s)) {
        bound = largest(trunc->getOperand(), at_most); // unchanged while below the wrap
    } else if (const auto* add = llvm::dyn_cast<llvm::SCEVAddExpr>(s)) {
        for (const llvm::SCEV* op : add->operands()) {
            const llvm::SCEV* b = largest(op, at_most);
            if (b == nullptr) return nullptr;
            bound = bound == nullptr ? b : evolution_.getAddExpr(bound, b);
        }
    } else if (const auto* mul = llvm::dyn_cast<llvm::SCEVMulExpr>(s)) {
        for (const llvm::SCEV* op : mul->operands()) {
            const llvm::SCEV* b = largest(op, at_most);
            if (b == nullptr) return nullptr;
            bound = bound == nullptr ? b : evolution_.getMulExpr(bound, b);
        }
    } else if (const auto* div = llvm::dyn_cast<llvm::SCEVUDivExpr>(s)) {
        bound = largest(div->getLHS(), at_most); // a quotient is at most its dividend
    }
    if (bound == nullptr || !evolution_.getUnsignedRangeMax(bound).ult(kMaxBound)) return nullptr;
    if (bits < 64)
        at_most.emplace_back(bound, evolution_.getConstant(llvm::APInt::getLowBitsSet(64, bits)));
    return bound;
}

} // namespace tycho::wasm::detail::jit
