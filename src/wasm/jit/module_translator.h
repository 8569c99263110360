// Translates a whole validated module into one LLVM module:
//  - per defined function, a native body
//    `{i32 status, i64 budget, results...} f(ctx, inst, vsp, i64 budget, params...)`
//    (internal, fastcc): status is a TrapCode, results are valid when it is 0; ctx is the
//    ContextLayout, inst the InstanceImpl, vsp where frames for calls through the engine may
//    go on the value stack. The reduction budget travels in registers from caller to callee
//    and back (the context's copy is written only around calls into the engine);
//  - per defined function, an exported entry `i8 tycho_entry_N(fp, inst, ctx)` with the
//    interpreter's calling convention (NativeEntry), which both tiers call;
//  - a table of the native bodies by defined index, for call_indirect within the instance.
// Engine functions are reached through external symbols named in kRuntimeSymbols, which the
// backend binds to the NativeRuntime the engine handed over.
#pragma once

#include "../native_tier.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

#include <memory>
#include <string>
#include <vector>

namespace tycho::wasm::detail::jit {

// The engine functions, in NativeRuntime's order, as generated code names them.
enum class RuntimeFn : uint8_t { BudgetSpent, Unwind, CallImport, CallRef, RareOp, Count };
inline constexpr const char* kRuntimeSymbols[] = {"tycho_rt_budget_spent", "tycho_rt_unwind",
                                                  "tycho_rt_call_import", "tycho_rt_call_ref",
                                                  "tycho_rt_rare_op"};
std::string entry_symbol(uint32_t defined_index);

// What the function translators share: types, declarations and alias classes.
class ModuleTranslator {
  public:
    ModuleTranslator(llvm::LLVMContext& llvm, const NativeCompileInput& input,
                     const std::string& target_triple, const llvm::DataLayout& layout);

    // Builds every function; the error names the function that could not be translated.
    Result<std::unique_ptr<llvm::Module>> translate();

    // ---- for FunctionTranslator ---------------------------------------------------------
    llvm::LLVMContext& llvm() { return llvm_; }
    llvm::Module& module() { return *module_; }
    const ModuleInfo& info() const { return input_.module; }
    bool count_reductions() const { return input_.count_reductions; }
    const std::string& stack_register() const { return stack_register_; }

    llvm::Type* value_type(ValType t);
    // A body's signature, and the fields of what it returns.
    llvm::FunctionType* body_type(const FuncType& t);
    llvm::StructType* result_type(const FuncType& t);
    static constexpr unsigned kBodyStatus = 0, kBodyBudget = 1, kBodyResults = 2;
    static constexpr unsigned kBodyBudgetParam = 3, kBodyParams = 4;
    llvm::Function* body(uint32_t func_index) { return bodies_[func_index - imports()]; }
    llvm::GlobalVariable* body_table() { return body_table_; }
    llvm::FunctionCallee runtime(RuntimeFn fn);
    uint32_t imports() const { return input_.module.num_imported_funcs; }

    // Alias classes: linear memory never aliases the engine's objects, so LLVM may keep
    // a memory's base and size, or a global, in registers across guest stores.
    llvm::MDNode* tbaa_linear_memory() const { return tbaa_memory_; }
    llvm::MDNode* tbaa_engine(const char* what);
    llvm::MDNode* unlikely() const { return unlikely_; }

  private:
    void declare_bodies();
    void define_entry(uint32_t defined_index);

    llvm::LLVMContext& llvm_;
    const NativeCompileInput& input_;
    std::unique_ptr<llvm::Module> module_;
    std::string stack_register_;
    std::vector<llvm::Function*> bodies_;
    llvm::GlobalVariable* body_table_ = nullptr;
    llvm::FunctionCallee runtime_[size_t(RuntimeFn::Count)];
    llvm::MDNode* tbaa_root_ = nullptr;
    llvm::MDNode* tbaa_memory_ = nullptr;
    std::vector<std::pair<std::string, llvm::MDNode*>> tbaa_engine_;
    llvm::MDNode* unlikely_ = nullptr;
};

} // namespace tycho::wasm::detail::jit
