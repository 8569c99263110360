// Loops that need neither the budget test nor their bounds checks.
//
// Native code charges one reduction at every branch back to a loop header: a decrement of
// the budget and a test that calls the engine's hook when it goes negative. The call behind
// the test keeps LLVM from unrolling and vectorizing the loop and makes the memory's base and
// size (reloaded after the hook) vary inside it; each memory access adds a bounds check, an
// early exit that also stops vectorization.
//
// This pass versions innermost loops when ScalarEvolution bounds how often their back-edge
// is taken. At the loop's entry, if the budget covers every iteration the loop can make and
// the accesses whose addresses grow with the iterations stay inside the memory up to the
// last one (loop_bounds.h), a copy of the loop runs without the budget test and without
// those checks; otherwise the original does. The copy still decrements the budget, so
// reductions are counted exactly as before, and since the budget cannot run out inside it,
// the hook would not have run there either: preemption points do not move. The budget part
// applies only to loops whose iterations charge exactly one reduction and nothing else
// spends any (no calls).
#pragma once

#include <llvm/IR/PassManager.h>

namespace tycho::wasm::detail::jit {

class LoopVersioningPass : public llvm::PassInfoMixin<LoopVersioningPass> {
  public:
    llvm::PreservedAnalyses run(llvm::Function& fn, llvm::FunctionAnalysisManager& analyses);
};

} // namespace tycho::wasm::detail::jit
