// Signalling NaNs in native code.
//
// Wasm's arithmetic operators return a quiet NaN when an operand is a signalling one; the
// hardware does so too. LLVM, however, folds x - 0, x * 1, x / 1, demote(promote(x)) and
// the like to x, also when it proves the identity only after inlining or propagating a
// constant, and so would hand a signalling NaN on unquieted. So the translator marks every
// float operator whose result Wasm requires to be quiet (`mark_quiet_required`), which
// hides the operator from those folds; after optimization, `resolve_quieting` drops each
// mark whose value is still computed by an instruction that quiets, and sets the quiet bit
// explicitly on the few values where a fold left something else.
#pragma once

namespace llvm {
class IRBuilderBase;
class Module;
class Value;
} // namespace llvm

namespace tycho::wasm::detail::jit {

// Returns `result` (a float) marked as an arithmetic result that must not be a signalling NaN.
llvm::Value* mark_quiet_required(llvm::IRBuilderBase& builder, llvm::Value* result);

// Replaces every mark in `module`; run after the optimization pipeline, before code generation.
void resolve_quieting(llvm::Module& module);

} // namespace tycho::wasm::detail::jit
