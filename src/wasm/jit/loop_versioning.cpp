#include "loop_versioning.h"

#include "loop_bounds.h"
#include "module_translator.h"

#include <llvm/Analysis/AssumptionCache.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/PatternMatch.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>
#include <llvm/Transforms/Utils/Cloning.h>
#include <llvm/Transforms/Utils/LoopSimplify.h>
#include <llvm/Transforms/Utils/LoopUtils.h>
#include <llvm/Transforms/Utils/ScalarEvolutionExpander.h>

#include <algorithm>
#include <optional>

namespace tycho::wasm::detail::jit {

namespace {

namespace pm = llvm::PatternMatch;

// A reduction charge as FunctionTranslator::charge_reduction builds it, seen in a loop:
//   header:  %budget = phi [%entry_budget, %preheader], ...
//   test:    %now = add %budget, -1;  br (icmp slt %now, 0), %spent, %go_on
//   spent:   calls the hook, then goes on (or leaves the loop)
struct Charge {
    llvm::BranchInst* test = nullptr;
    llvm::BasicBlock* spent = nullptr;
    llvm::Value* now = nullptr;
    llvm::PHINode* budget = nullptr;
};

bool calls_hook(const llvm::BasicBlock& block) {
    const llvm::StringRef hook = kRuntimeSymbols[size_t(RuntimeFn::BudgetSpent)];
    for (const llvm::Instruction& inst : block)
        if (const auto* call = llvm::dyn_cast<llvm::CallInst>(&inst))
            if (const llvm::Function* callee = call->getCalledFunction();
                callee != nullptr && callee->getName() == hook)
                return true;
    return false;
}

// The loop's charge, when it has exactly one and every iteration's budget flows from the
// header through that one decrement back to the header, with nothing else (a call that
// spends reductions reloads the budget) in between.
std::optional<Charge> find_charge(const llvm::Loop& loop) {
    std::optional<Charge> found;
    for (llvm::BasicBlock* block : loop.blocks()) {
        auto* test = llvm::dyn_cast<llvm::BranchInst>(block->getTerminator());
        if (test == nullptr || !test->isConditional() || !calls_hook(*test->getSuccessor(0)))
            continue;
        if (found) return std::nullopt; // two charges in one iteration
        Charge c;
        c.test = test;
        c.spent = test->getSuccessor(0);
        llvm::Value* budget = nullptr;
        llvm::ICmpInst::Predicate predicate{};
        if (!pm::match(test->getCondition(),
                       pm::m_ICmp(predicate, pm::m_Value(c.now), pm::m_Zero())) ||
            predicate != llvm::ICmpInst::ICMP_SLT ||
            !pm::match(c.now, pm::m_Add(pm::m_Value(budget), pm::m_AllOnes())))
            return std::nullopt;
        c.budget = llvm::dyn_cast<llvm::PHINode>(budget);
        if (c.budget == nullptr || c.budget->getParent() != loop.getHeader() ||
            c.spent->getSinglePredecessor() != block)
            return std::nullopt;
        found = c;
    }
    if (!found) return std::nullopt;
    for (unsigned i = 0; i < found->budget->getNumIncomingValues(); ++i) {
        llvm::BasicBlock* from = found->budget->getIncomingBlock(i);
        if (!loop.contains(from) || from == found->spent) continue;
        // Around the loop, the budget comes back as the one decrement.
        if (!is_value_once_hook_path_gone(found->budget->getIncomingValue(i), found->now, loop,
                                          found->spent))
            return std::nullopt;
    }
    return found;
}

class Versioner {
  public:
    Versioner(llvm::Function& fn, llvm::FunctionAnalysisManager& analyses)
        : fn_(fn), library_(analyses.getResult<llvm::TargetLibraryAnalysis>(fn)),
          assumptions_(analyses.getResult<llvm::AssumptionAnalysis>(fn)) {}

    bool run() {
        analyze();
        std::vector<llvm::BasicBlock*> headers;
        for (llvm::Loop* loop : loops_.getLoopsInPreorder())
            if (loop->isInnermost()) headers.push_back(loop->getHeader());
        for (llvm::BasicBlock* header : headers) {
            llvm::Loop* loop = loops_.getLoopFor(header);
            if (loop == nullptr || loop->getHeader() != header || !loop->isInnermost()) continue;
            if (version(*loop)) {
                changed_ = true;
                analyze(); // the CFG changed: start afresh for the next loop
            }
        }
        return changed_;
    }

  private:
    void analyze() {
        evolution_.reset();
        dominators_.recalculate(fn_);
        loops_.releaseMemory();
        loops_.analyze(dominators_);
        evolution_.emplace(fn_, library_, assumptions_, dominators_, loops_);
    }

    bool version(llvm::Loop& loop) {
        // NOLINTNEXTLINE(bugprone-unchecked-optional-access): analyze() made it.
        llvm::ScalarEvolution& evolution = *evolution_;
        // Both may change the IR (a preheader, dedicated exits, LCSSA phis) even when the
        // loop is then left as it is.
        changed_ |= llvm::simplifyLoop(&loop, &dominators_, &loops_, &evolution, &assumptions_,
                                       nullptr, false);
        changed_ |= llvm::formLCSSA(loop, dominators_, &loops_, &evolution);
        llvm::BasicBlock* preheader = loop.getLoopPreheader();
        if (preheader == nullptr || !loop.hasDedicatedExits()) return false;

        const llvm::SCEV* back_edges = evolution.getSymbolicMaxBackedgeTakenCount(&loop);
        llvm::Type* i64 = llvm::Type::getInt64Ty(fn_.getContext());
        if (llvm::isa<llvm::SCEVCouldNotCompute>(back_edges) ||
            evolution.getTypeSizeInBits(back_edges->getType()) > 64)
            return false;
        back_edges = evolution.getZeroExtendExpr(back_edges, i64);
        llvm::SCEVExpander expander(evolution, fn_.getDataLayout(), "versioning");
        llvm::Instruction* entry_end = preheader->getTerminator();
        const std::optional<Charge> charge = find_charge(loop);
        const bool budget_part = charge && expander.isSafeToExpandAt(back_edges, entry_end);
        // The hook's path may move or grow the memory; only a copy without it may count on
        // the size it entered with.
        LoopBounds::Settled settled =
            LoopBounds(evolution, loop, back_edges, budget_part ? charge->spent : nullptr).settle();
        // What the entry must show, as pairs a <=u b; only what can be computed there.
        auto expandable = [&](const std::pair<const llvm::SCEV*, const llvm::SCEV*>& p) {
            return expander.isSafeToExpandAt(p.first, entry_end) &&
                   expander.isSafeToExpandAt(p.second, entry_end);
        };
        if (!std::all_of(settled.at_most.begin(), settled.at_most.end(), expandable)) settled = {};
        if (!budget_part && settled.checks.empty()) return false;

        // check: the entry shows all that -> the copy, else the original.
        llvm::BasicBlock* check = preheader;
        llvm::BasicBlock* slow_entry = llvm::SplitBlock(check, check->getTerminator(), &dominators_,
                                                        &loops_, nullptr, "checked.loop");
        llvm::IRBuilder<> b(check->getTerminator());
        llvm::Value* holds = b.getTrue();
        if (budget_part) {
            // The test fails at most once per iteration, and iterations number at most the
            // back-edges taken plus one.
            llvm::Value* max_back_edges =
                expander.expandCodeFor(back_edges, i64, check->getTerminator());
            llvm::Value* entry_budget = charge->budget->getIncomingValueForBlock(slow_entry);
            holds = b.CreateAnd(b.CreateICmpSGE(entry_budget, llvm::ConstantInt::get(i64, 0)),
                                b.CreateICmpUGT(entry_budget, max_back_edges), "budget.covers");
        }
        for (const auto& [at_most, limit] : settled.at_most)
            holds = b.CreateAnd(
                holds,
                b.CreateICmpULE(expander.expandCodeFor(at_most, i64, check->getTerminator()),
                                expander.expandCodeFor(limit, i64, check->getTerminator())),
                "in.bounds");

        llvm::ValueToValueMapTy map;
        llvm::SmallVector<llvm::BasicBlock*, 16> copy;
        llvm::SmallVector<llvm::BasicBlock*, 4> exits;
        loop.getUniqueExitBlocks(exits);
        llvm::cloneLoopWithPreheader(slow_entry, check, &loop, map, ".fast", &loops_, &dominators_,
                                     copy);
        llvm::remapInstructionsInBlocks(copy, map);
        // LCSSA: every value leaving the loop goes through a phi of a (dedicated) exit.
        for (llvm::BasicBlock* exit : exits)
            for (llvm::PHINode& phi : exit->phis())
                for (unsigned i = 0, n = phi.getNumIncomingValues(); i < n; ++i) {
                    llvm::BasicBlock* from = phi.getIncomingBlock(i);
                    if (!loop.contains(from)) continue;
                    llvm::Value* v = phi.getIncomingValue(i);
                    if (auto it = map.find(v); it != map.end()) v = it->second;
                    phi.addIncoming(v, llvm::cast<llvm::BasicBlock>(map[from]));
                }
        llvm::Instruction* old_branch = check->getTerminator();
        b.SetInsertPoint(old_branch);
        b.CreateCondBr(holds, llvm::cast<llvm::BasicBlock>(map[slow_entry]), slow_entry,
                       llvm::MDBuilder(fn_.getContext()).createLikelyBranchWeights());
        old_branch->eraseFromParent();

        // In the copy the settled checks are false, and with the budget covered the test
        // never fails: branch straight on, and drop the hook's path.
        for (llvm::ICmpInst* settled_check : settled.checks) {
            auto* copied = llvm::cast<llvm::Instruction>(map[settled_check]);
            copied->replaceAllUsesWith(b.getFalse());
            copied->eraseFromParent();
        }
        if (budget_part) {
            auto* test = llvm::cast<llvm::BranchInst>(map[charge->test]);
            auto* spent = llvm::cast<llvm::BasicBlock>(map[charge->spent]);
            llvm::IRBuilder<>(test).CreateBr(test->getSuccessor(1));
            test->eraseFromParent();
            llvm::DeleteDeadBlock(spent);
        }
        return true;
    }

    llvm::Function& fn_;
    llvm::TargetLibraryInfo& library_;
    llvm::AssumptionCache& assumptions_;
    llvm::DominatorTree dominators_;
    llvm::LoopInfo loops_;
    std::optional<llvm::ScalarEvolution> evolution_;
    bool changed_ = false;
};

} // namespace

llvm::PreservedAnalyses LoopVersioningPass::run(llvm::Function& fn,
                                                llvm::FunctionAnalysisManager& analyses) {
    if (fn.isDeclaration() || !Versioner(fn, analyses).run()) return llvm::PreservedAnalyses::all();
    return llvm::PreservedAnalyses::none();
}

} // namespace tycho::wasm::detail::jit
