// Bounds checks that a loop's entry can settle for all its iterations.
//
// The translator marks each memory access's check, `icmp ugt end, size` (true: out of
// bounds), with mark_bounds_check. For a marked check in a loop whose end address grows
// with the iterations as ScalarEvolution sees it, and whose size is the memory's size at
// the loop's entry (unchanged inside, except on the reduction hook's path, which the fast
// copy of a versioned loop does not have), `LoopBounds` derives conditions over values known
// at the entry under which the check is false in every iteration the loop can make: the
// end address at the last possible iteration is at most the size, and no narrower integer
// on the way wraps around.
#pragma once

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>

#include <utility>
#include <vector>

namespace tycho::wasm::detail::jit {

void mark_bounds_check(llvm::Value* outside);

// Whether `v`, reaching a header phi from inside `loop`, is `target` once the hook's path
// (`hook_path`, may be nullptr) is gone: `target` itself, or phis in the loop that merge only
// that, except from the hook's path.
bool is_value_once_hook_path_gone(llvm::Value* v, const llvm::Value* target, const llvm::Loop& loop,
                                  const llvm::BasicBlock* hook_path, unsigned depth = 0);

class LoopBounds {
  public:
    // `back_edges`: an i64 bound on the back-edges the loop takes. `hook_path`: the block
    // of the reduction hook's call in the loop (nullptr without one); values reloaded there
    // count as unchanged, since the fast copy does not have that path.
    LoopBounds(llvm::ScalarEvolution& evolution, const llvm::Loop& loop,
               const llvm::SCEV* back_edges, const llvm::BasicBlock* hook_path);

    // The loop's marked checks that the conditions settle, and the conditions: pairs
    // (a, b), each meaning a <=u b, of i64 expressions over values available at the entry.
    struct Settled {
        std::vector<llvm::ICmpInst*> checks;
        std::vector<std::pair<const llvm::SCEV*, const llvm::SCEV*>> at_most;
    };
    Settled settle() const;

  private:
    bool settle(llvm::ICmpInst& check, Settled& out) const;
    llvm::Value* value_on_entry(llvm::Value* v, unsigned depth = 0) const;
    const llvm::SCEV*
    largest(const llvm::SCEV* s,
            std::vector<std::pair<const llvm::SCEV*, const llvm::SCEV*>>& at_most) const;

    llvm::ScalarEvolution& evolution_;
    const llvm::Loop& loop_;
    const llvm::SCEV* back_edges_;
    const llvm::BasicBlock* hook_path_;
};

} // namespace tycho::wasm::detail::jit
