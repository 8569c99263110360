// Translates one function body to LLVM IR. It is an Interface of the one FunctionBodyDecoder,
// as the interpreter's compiler is: the decoder validates each instruction, then calls the
// matching method here, which builds SSA values on a stack of llvm::Value*.
//
// Generated code keeps the interpreter's guarantees: one reduction at the function's entry
// and at every loop header, a native stack check at entry, explicit bounds checks against
// the memory's current size, and traps returned as a status that each caller passes up
// after adding its callee's backtrace frame.
#pragma once

#include "module_translator.h"

#include "op.h"

#include <llvm/IR/IRBuilder.h>

#include <vector>

namespace tycho::wasm::detail::jit {

class FunctionTranslator {
  public:
    FunctionTranslator(ModuleTranslator& module, uint32_t func_index);

    // ---- FunctionBodyDecoder interface ------------------------------------------------------
#include "body_interface.inc"

  private:
    struct Control {
        FrameKind kind = FrameKind::Block;
        size_t height = 0;                       // operand stack height below the params
        bool live = true;                        // reachable at its start
        llvm::BasicBlock* target = nullptr;      // where a branch to this label goes
        llvm::BasicBlock* cont = nullptr;        // where code continues after `end`
        llvm::BasicBlock* else_block = nullptr;  // If: the false edge, until `else`
        std::vector<llvm::PHINode*> target_phis; // what a branch to the label carries
        std::vector<llvm::PHINode*> cont_phis;   // the results after `end`
        std::vector<llvm::Value*> if_params;     // If: the params, again for the else arm
    };

    // ---- the operand stack ------------------------------------------------------------------
    void push(llvm::Value* v) { stack_.push_back(v); }
    llvm::Value* pop() {
        llvm::Value* v = stack_.back();
        stack_.pop_back();
        return v;
    }
    std::vector<llvm::Value*> pop_n(size_t n);

    // ---- control ------------------------------------------------------------------------------
    llvm::BasicBlock* new_block(const char* name);
    std::vector<llvm::PHINode*> make_phis(llvm::BasicBlock* block, std::span<const ValType> types);
    void begin_block(FrameKind kind, const BlockSig& sig);
    Control& label(uint32_t depth) { return controls_[controls_.size() - 1 - depth]; }
    // Adds the values on top of the stack to the label's phis and branches there.
    void branch_to(Control& c);
    void add_incoming(Control& c, llvm::BasicBlock* from);
    void end_block(Control& c);
    void end_function();
    // Continues in `block` when it has predecessors, else stays unreachable (erasing it).
    void continue_at(llvm::BasicBlock* block, const std::vector<llvm::PHINode*>& phis);

    // ---- traps, status and the engine --------------------------------------------------------
    void load_state();
    void load_memory();
    void save_budget();
    // A call of anything that may read the budget or change it or the memory.
    llvm::Value* engine_call(llvm::FunctionCallee callee, std::span<llvm::Value* const> args);
    // A call of one of this module's bodies (ModuleTranslator::body_type).
    llvm::Value* call_body(llvm::FunctionCallee body, std::span<llvm::Value* const> params);
    void charge_reduction();
    void check_native_stack();
    void trap_if(llvm::Value* condition, TrapCode code);
    llvm::BasicBlock* trap_block(TrapCode code);
    // Returns `status` from the function when it is not zero.
    void pass_on_status(llvm::Value* status);
    // The same, first adding the backtrace frame of callee `func_index`.
    void unwind_on_status(llvm::Value* status, llvm::Value* func_index);
    void return_with(llvm::Value* status, std::span<llvm::Value* const> results);
    llvm::Value* load_engine(llvm::Type* type, llvm::Value* base, uint64_t offset, const char* what,
                             bool invariant);

    // ---- memory, globals, calls ------------------------------------------------------------
    llvm::Value* memory_descriptor();
    llvm::Value* address(llvm::Value* index, uint32_t offset, unsigned width);
    llvm::Value* global_cell(uint32_t index);
    llvm::Value* to_slot(llvm::Value* v);
    llvm::Value* from_slot(llvm::Value* slot, ValType type);
    // Writes arguments to the value stack at vsp, for a call through the engine, and reads
    // the results back from there.
    void spill_arguments(std::span<llvm::Value* const> args);
    void push_slot_results(const FuncType& type);
    void push_call_results(llvm::Value* call, const FuncType& type);
    void call_direct(uint32_t func_index, const FuncType& type);
    void rare(Named which, unsigned operands, bool has_result, ValType result_type,
              uint32_t idx0 = 0, uint32_t idx1 = 0);
    template <Op O> void rare_fixed(Named which, uint32_t idx0 = 0, uint32_t idx1 = 0);

    // ---- numeric (numeric_lowering.cpp) ------------------------------------------------------
    llvm::Value* lower_numeric(Op op, llvm::Value* a, llvm::Value* b);
    llvm::Value* checked_truncation(Op op, llvm::Value* a);
    llvm::Value* nan_propagating(llvm::Value* result, llvm::Value* a, llvm::Value* b);

    ModuleTranslator& m_;
    llvm::LLVMContext& llvm_;
    uint32_t func_index_;
    const FuncType& type_;
    llvm::Function* fn_;
    llvm::IRBuilder<> b_;
    llvm::Value* ctx_ = nullptr;
    llvm::Value* inst_ = nullptr;
    llvm::Value* vsp_ = nullptr;
    llvm::Value* scratch_ = nullptr;          // [4 x i64] for the rare operators
    llvm::AllocaInst* budget_ = nullptr;      // reductions left (load_state)
    llvm::AllocaInst* memory_base_ = nullptr; // memory 0's base and size (load_state)
    llvm::AllocaInst* memory_size_ = nullptr;
    std::vector<llvm::AllocaInst*> locals_;
    std::vector<llvm::Value*> stack_;
    std::vector<Control> controls_;
    bool dead_ = false;
    llvm::BasicBlock* trap_blocks_[16] = {};
    llvm::BasicBlock* propagate_ = nullptr; // returns the status in propagate_status_
    llvm::PHINode* propagate_status_ = nullptr;
    llvm::BasicBlock* unwind_ = nullptr; // adds a frame, then propagates
    llvm::PHINode* unwind_status_ = nullptr;
    llvm::PHINode* unwind_index_ = nullptr;
};

} // namespace tycho::wasm::detail::jit
