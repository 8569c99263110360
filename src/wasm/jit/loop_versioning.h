// Loops that need no budget check.
//
// Native code charges one reduction at every branch back to a loop header: a decrement of
// the budget and a test that calls the engine's hook when it goes negative. The test is
// cheap, but the call behind it keeps LLVM from unrolling and vectorizing the loop and
// makes the memory's base and size (reloaded after the hook) vary inside it.
//
// This pass versions an innermost loop whose iterations charge exactly one reduction each,
// when ScalarEvolution bounds how often its back-edge is taken: at the loop's entry, if the
// budget covers every iteration the loop can make, a copy of the loop without the test
// runs; otherwise the original does. The copy still decrements the budget, so reductions
// are counted exactly as before, and since the budget cannot run out inside it, the hook
// would not have run there either: preemption points do not move.
#pragma once

#include <llvm/IR/PassManager.h>

namespace tycho::wasm::detail::jit {

class BudgetVersioningPass : public llvm::PassInfoMixin<BudgetVersioningPass> {
  public:
    llvm::PreservedAnalyses run(llvm::Function& fn, llvm::FunctionAnalysisManager& analyses);
};

} // namespace tycho::wasm::detail::jit
