#include "function_translator.h"

#include "loop_bounds.h"

#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

#include <type_traits>

namespace tycho::wasm::detail::jit {

namespace {

// Field offsets generated code reads (layout.h).
constexpr uint64_t kBudget = offsetof(ContextLayout, budget);
constexpr uint64_t kStackLimit = offsetof(ContextLayout, stack_pointer_limit);
constexpr uint64_t kMemory0 = offsetof(InstanceLayout, memory0);
constexpr uint64_t kGlobals = offsetof(InstanceLayout, globals);
constexpr uint64_t kTables = offsetof(InstanceLayout, tables);
constexpr uint64_t kTypeIds = offsetof(InstanceLayout, type_ids);
constexpr uint64_t kFunctionCode = offsetof(FunctionLayout, code);
constexpr uint64_t kFunctionInstance = offsetof(FunctionLayout, instance);
constexpr uint64_t kFunctionTypeId = offsetof(FunctionLayout, type_id);
constexpr uint64_t kFunctionIndex = offsetof(FunctionLayout, func_index);

// How a load or store moves its bytes: width, and sign extension of narrow integer loads.
struct AccessShape {
    unsigned width = 0;
    bool sign_extends = false;
};

AccessShape access_shape(Op op) {
    switch (op) {
#define TYCHO_LOAD(Name, code, text, R, Stored, align)                                             \
    case Op::Name: return {sizeof(Stored), std::is_signed_v<Stored>};
#define TYCHO_STORE(Name, code, text, A, Stored, align)                                            \
    case Op::Name: return {sizeof(Stored), false};
#include "opcodes.def"
    default: return {};
    }
}

} // namespace

FunctionTranslator::FunctionTranslator(ModuleTranslator& module, uint32_t func_index)
    : m_(module), llvm_(module.llvm()), func_index_(func_index),
      type_(module.info().func_type(func_index)), fn_(module.body(func_index)), b_(module.llvm()) {}

std::vector<llvm::Value*> FunctionTranslator::pop_n(size_t n) {
    std::vector<llvm::Value*> out(stack_.end() - ptrdiff_t(n), stack_.end());
    stack_.resize(stack_.size() - n);
    return out;
}

llvm::BasicBlock* FunctionTranslator::new_block(const char* name) {
    return llvm::BasicBlock::Create(llvm_, name, fn_);
}

// ---- entry ----------------------------------------------------------------------------------

void FunctionTranslator::begin_function(const FuncType& type, const std::vector<ValType>& locals) {
    b_.SetInsertPoint(new_block("entry"));
    ctx_ = fn_->getArg(0);
    inst_ = fn_->getArg(1);
    vsp_ = fn_->getArg(2);
    for (size_t i = 0; i < locals.size(); ++i) {
        llvm::Type* t = m_.value_type(locals[i]);
        locals_.push_back(b_.CreateAlloca(t));
        llvm::Value* init = i < type.params.size()
                                ? static_cast<llvm::Value*>(
                                      fn_->getArg(unsigned(ModuleTranslator::kBodyParams + i)))
                                : llvm::Constant::getNullValue(t);
        b_.CreateStore(init, locals_.back());
    }
    scratch_ = b_.CreateAlloca(llvm::ArrayType::get(b_.getInt64Ty(), kNativeRareSlots));
    budget_ = b_.CreateAlloca(b_.getInt64Ty());
    memory_base_ = b_.CreateAlloca(b_.getPtrTy());
    memory_size_ = b_.CreateAlloca(b_.getInt64Ty());
    b_.CreateStore(fn_->getArg(ModuleTranslator::kBodyBudgetParam), budget_);
    load_memory();
    check_native_stack();
    charge_reduction();

    Control function;
    function.kind = FrameKind::Function;
    function.target = function.cont = new_block("exit");
    function.target_phis = function.cont_phis = make_phis(function.cont, type.results);
    controls_.push_back(std::move(function));
}

void FunctionTranslator::check_native_stack() {
    llvm::Metadata* reg = llvm::MDString::get(llvm_, m_.stack_register());
    llvm::Value* sp =
        b_.CreateIntrinsic(llvm::Intrinsic::read_register, {b_.getInt64Ty()},
                           {llvm::MetadataAsValue::get(llvm_, llvm::MDNode::get(llvm_, reg))});
    llvm::Value* limit = load_engine(b_.getInt64Ty(), ctx_, kStackLimit, "context", false);
    trap_if(b_.CreateICmpULT(sp, limit), TrapCode::CallStackExhausted);
}

// The reduction budget and memory 0's base and size live in locals, which LLVM keeps in
// registers. The budget comes in as a parameter and goes back with the results; around a
// call into the engine (which may run the hook) it is written to the context and read back.
// The memory's base and size are read again after any call (it may grow the memory).
void FunctionTranslator::load_state() {
    if (m_.count_reductions()) {
        static_assert(kBudget == 0);
        auto* budget = b_.CreateLoad(b_.getInt64Ty(), ctx_);
        budget->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_engine("budget"));
        b_.CreateStore(budget, budget_);
    }
    load_memory();
}

void FunctionTranslator::load_memory() {
    llvm::Value* memory = memory_descriptor();
    b_.CreateStore(load_engine(b_.getPtrTy(), memory, kMemoryBaseOffset, "memory", false),
                   memory_base_);
    b_.CreateStore(load_engine(b_.getInt64Ty(), memory, kMemorySizeOffset, "memory", false),
                   memory_size_);
}

void FunctionTranslator::save_budget() {
    if (!m_.count_reductions()) return;
    b_.CreateStore(b_.CreateLoad(b_.getInt64Ty(), budget_), ctx_)
        ->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_engine("budget"));
}

llvm::Value* FunctionTranslator::engine_call(llvm::FunctionCallee callee,
                                             std::span<llvm::Value* const> args) {
    save_budget();
    llvm::CallInst* call =
        b_.CreateCall(callee, llvm::ArrayRef<llvm::Value*>(args.data(), args.size()));
    load_state();
    return call;
}

// A native body of this module: the budget goes along in a register and comes back with
// the results.
llvm::Value* FunctionTranslator::call_body(llvm::FunctionCallee body,
                                           std::span<llvm::Value* const> params) {
    std::vector<llvm::Value*> args{ctx_, inst_, vsp_, b_.CreateLoad(b_.getInt64Ty(), budget_)};
    args.insert(args.end(), params.begin(), params.end());
    llvm::CallInst* call = b_.CreateCall(body, args);
    call->setCallingConv(llvm::CallingConv::Fast);
    b_.CreateStore(b_.CreateExtractValue(call, ModuleTranslator::kBodyBudget), budget_);
    load_memory();
    return call;
}

void FunctionTranslator::charge_reduction() {
    if (!m_.count_reductions()) return;
    llvm::Value* now = b_.CreateSub(b_.CreateLoad(b_.getInt64Ty(), budget_), b_.getInt64(1));
    b_.CreateStore(now, budget_);
    llvm::BasicBlock* spent = new_block("budget_spent");
    llvm::BasicBlock* go_on = new_block("charged");
    b_.CreateCondBr(b_.CreateICmpSLT(now, b_.getInt64(0)), spent, go_on, m_.unlikely());
    b_.SetInsertPoint(spent);
    llvm::Value* args[] = {ctx_};
    pass_on_status(engine_call(m_.runtime(RuntimeFn::BudgetSpent), args));
    b_.CreateBr(go_on);
    b_.SetInsertPoint(go_on);
}

// ---- traps and status -----------------------------------------------------------------------

void FunctionTranslator::return_with(llvm::Value* status, std::span<llvm::Value* const> results) {
    llvm::Value* agg = llvm::PoisonValue::get(m_.result_type(type_));
    agg = b_.CreateInsertValue(agg, status, ModuleTranslator::kBodyStatus);
    agg = b_.CreateInsertValue(agg, b_.CreateLoad(b_.getInt64Ty(), budget_),
                               ModuleTranslator::kBodyBudget);
    for (size_t i = 0; i < results.size(); ++i)
        agg = b_.CreateInsertValue(agg, results[i], unsigned(ModuleTranslator::kBodyResults + i));
    b_.CreateRet(agg);
}

llvm::BasicBlock* FunctionTranslator::trap_block(TrapCode code) {
    llvm::BasicBlock*& block = trap_blocks_[unsigned(code)];
    if (block == nullptr) {
        llvm::IRBuilderBase::InsertPointGuard guard(b_);
        block = new_block("trap");
        b_.SetInsertPoint(block);
        return_with(b_.getInt32(uint32_t(code)), {});
    }
    return block;
}

void FunctionTranslator::trap_if(llvm::Value* condition, TrapCode code) {
    llvm::BasicBlock* go_on = new_block("ok");
    b_.CreateCondBr(condition, trap_block(code), go_on, m_.unlikely());
    b_.SetInsertPoint(go_on);
}

void FunctionTranslator::pass_on_status(llvm::Value* status) {
    if (propagate_ == nullptr) {
        llvm::IRBuilderBase::InsertPointGuard guard(b_);
        propagate_ = new_block("propagate");
        b_.SetInsertPoint(propagate_);
        propagate_status_ = b_.CreatePHI(b_.getInt32Ty(), 4);
        return_with(propagate_status_, {});
    }
    llvm::BasicBlock* go_on = new_block("status_ok");
    propagate_status_->addIncoming(status, b_.GetInsertBlock());
    b_.CreateCondBr(b_.CreateICmpNE(status, b_.getInt32(0)), propagate_, go_on, m_.unlikely());
    b_.SetInsertPoint(go_on);
}

void FunctionTranslator::unwind_on_status(llvm::Value* status, llvm::Value* func_index) {
    if (unwind_ == nullptr) {
        llvm::IRBuilderBase::InsertPointGuard guard(b_);
        unwind_ = new_block("unwind");
        b_.SetInsertPoint(unwind_);
        unwind_status_ = b_.CreatePHI(b_.getInt32Ty(), 4);
        unwind_index_ = b_.CreatePHI(b_.getInt32Ty(), 4);
        llvm::Value* passed =
            b_.CreateCall(m_.runtime(RuntimeFn::Unwind),
                          {ctx_, inst_, unwind_index_, unwind_status_}); // no state
        return_with(passed, {});
    }
    llvm::BasicBlock* go_on = new_block("call_ok");
    unwind_status_->addIncoming(status, b_.GetInsertBlock());
    unwind_index_->addIncoming(func_index, b_.GetInsertBlock());
    b_.CreateCondBr(b_.CreateICmpNE(status, b_.getInt32(0)), unwind_, go_on, m_.unlikely());
    b_.SetInsertPoint(go_on);
}

llvm::Value* FunctionTranslator::load_engine(llvm::Type* type, llvm::Value* base, uint64_t offset,
                                             const char* what, bool invariant) {
    llvm::Value* at =
        offset == 0 ? base : b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), base, offset);
    auto* load = b_.CreateLoad(type, at);
    load->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_engine(what));
    if (invariant)
        load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(llvm_, {}));
    return load;
}

// ---- control --------------------------------------------------------------------------------

std::vector<llvm::PHINode*> FunctionTranslator::make_phis(llvm::BasicBlock* block,
                                                          std::span<const ValType> types) {
    std::vector<llvm::PHINode*> phis;
    for (ValType t : types)
        phis.push_back(llvm::PHINode::Create(m_.value_type(t), 2, "", block));
    return phis;
}

void FunctionTranslator::add_incoming(Control& c, llvm::BasicBlock* from) {
    const size_t n = c.target_phis.size();
    for (size_t i = 0; i < n; ++i)
        c.target_phis[i]->addIncoming(stack_[stack_.size() - n + i], from);
}

// A branch back to a loop's header costs a reduction, as in the interpreter.
void FunctionTranslator::branch_to(Control& c) {
    if (c.kind == FrameKind::Loop) charge_reduction();
    add_incoming(c, b_.GetInsertBlock());
    b_.CreateBr(c.target);
}

void FunctionTranslator::begin_block(FrameKind kind, const BlockSig& sig) {
    Control c;
    c.kind = kind;
    c.live = !dead_;
    if (dead_) {
        controls_.push_back(std::move(c));
        return;
    }
    c.height = stack_.size() - sig.params.size();
    c.cont = new_block("end");
    c.cont_phis = make_phis(c.cont, sig.results);
    if (kind == FrameKind::Loop) {
        c.target = new_block("loop");
        c.target_phis = make_phis(c.target, sig.params);
        add_incoming(c, b_.GetInsertBlock()); // entering the loop is free; going back is not
        b_.CreateBr(c.target);
        stack_.resize(c.height);
        for (llvm::PHINode* phi : c.target_phis)
            push(phi);
        b_.SetInsertPoint(c.target);
    } else {
        c.target = c.cont;
        c.target_phis = c.cont_phis;
        if (kind == FrameKind::If) {
            llvm::Value* condition = b_.CreateICmpNE(pop(), b_.getInt32(0));
            c.height = stack_.size() - sig.params.size();
            c.if_params.assign(stack_.end() - ptrdiff_t(sig.params.size()), stack_.end());
            llvm::BasicBlock* then_block = new_block("then");
            c.else_block = new_block("else");
            b_.CreateCondBr(condition, then_block, c.else_block);
            b_.SetInsertPoint(then_block);
        }
    }
    controls_.push_back(std::move(c));
}

void FunctionTranslator::continue_at(llvm::BasicBlock* block,
                                     const std::vector<llvm::PHINode*>& phis) {
    if (llvm::pred_empty(block)) {
        for (llvm::PHINode* phi : phis)
            phi->eraseFromParent();
        block->eraseFromParent();
        dead_ = true;
        return;
    }
    b_.SetInsertPoint(block);
    for (llvm::PHINode* phi : phis)
        push(phi);
    dead_ = false;
}

void FunctionTranslator::end_block(Control& c) {
    if (!dead_) {
        if (c.kind == FrameKind::Loop) {
            const size_t n = c.cont_phis.size();
            for (size_t i = 0; i < n; ++i)
                c.cont_phis[i]->addIncoming(stack_[stack_.size() - n + i], b_.GetInsertBlock());
            b_.CreateBr(c.cont);
        } else {
            branch_to(c);
        }
    }
    if (c.else_block != nullptr) { // an if without else passes its params on as results
        b_.SetInsertPoint(c.else_block);
        stack_.resize(c.height);
        for (llvm::Value* v : c.if_params)
            push(v);
        branch_to(c);
    }
    stack_.resize(c.height);
    continue_at(c.cont, c.cont_phis);
}

void FunctionTranslator::end_function() {
    Control& c = controls_.back();
    if (!dead_) branch_to(c);
    stack_.clear();
    if (llvm::pred_empty(c.cont)) {
        for (llvm::PHINode* phi : c.cont_phis)
            phi->eraseFromParent();
        c.cont->eraseFromParent();
    } else {
        b_.SetInsertPoint(c.cont);
        std::vector<llvm::Value*> results(c.cont_phis.begin(), c.cont_phis.end());
        return_with(b_.getInt32(0), results);
    }
    controls_.pop_back();
}

void FunctionTranslator::visit(OpTag<Op::Block>, const imm::BlockType& block) {
    begin_block(FrameKind::Block, block.sig);
}
void FunctionTranslator::visit(OpTag<Op::Loop>, const imm::BlockType& block) {
    begin_block(FrameKind::Loop, block.sig);
}
void FunctionTranslator::visit(OpTag<Op::If>, const imm::BlockType& block) {
    begin_block(FrameKind::If, block.sig);
}

void FunctionTranslator::visit(OpTag<Op::Else>, const imm::Else&) {
    Control& c = controls_.back();
    if (!c.live) return;
    if (!dead_) branch_to(c);
    b_.SetInsertPoint(c.else_block);
    c.else_block = nullptr;
    stack_.resize(c.height);
    for (llvm::Value* v : c.if_params)
        push(v);
    dead_ = false;
}

void FunctionTranslator::visit(OpTag<Op::End>, const imm::End& end) {
    if (end.function) {
        end_function();
        return;
    }
    Control c = std::move(controls_.back());
    controls_.pop_back();
    if (!c.live) return;
    end_block(c);
}

void FunctionTranslator::visit(OpTag<Op::Br>, const imm::Label& l) {
    if (dead_) return;
    branch_to(label(l.depth));
    dead_ = true;
}

void FunctionTranslator::visit(OpTag<Op::BrIf>, const imm::Label& l) {
    if (dead_) return;
    llvm::Value* condition = b_.CreateICmpNE(pop(), b_.getInt32(0));
    Control& c = label(l.depth);
    llvm::BasicBlock* go_on = new_block("br_if_not");
    if (c.kind == FrameKind::Loop) { // the taken edge charges a reduction on its way back
        llvm::BasicBlock* back = new_block("back_edge");
        b_.CreateCondBr(condition, back, go_on);
        b_.SetInsertPoint(back);
        branch_to(c);
    } else {
        add_incoming(c, b_.GetInsertBlock());
        b_.CreateCondBr(condition, c.target, go_on);
    }
    b_.SetInsertPoint(go_on);
}

// Each distinct target gets a block of its own that branches there, so that a phi never
// sees the switch as a predecessor twice.
void FunctionTranslator::visit(OpTag<Op::BrTable>, const imm::LabelTable& table) {
    if (dead_) return;
    llvm::Value* index = pop();
    llvm::BasicBlock* from = b_.GetInsertBlock();
    std::vector<std::pair<uint32_t, llvm::BasicBlock*>> edges;
    auto edge_to = [&](uint32_t depth) {
        for (auto& [d, block] : edges)
            if (d == depth) return block;
        llvm::BasicBlock* block = new_block("br_table_edge");
        b_.SetInsertPoint(block);
        branch_to(label(depth));
        edges.emplace_back(depth, block);
        return block;
    };
    const size_t cases = table.depths.size() - 1;
    llvm::BasicBlock* fallback = edge_to(table.depths[cases]);
    std::vector<llvm::BasicBlock*> targets;
    targets.reserve(cases);
    for (size_t i = 0; i < cases; ++i)
        targets.push_back(edge_to(table.depths[i]));
    b_.SetInsertPoint(from);
    llvm::SwitchInst* sw = b_.CreateSwitch(index, fallback, unsigned(cases));
    for (size_t i = 0; i < cases; ++i)
        sw->addCase(b_.getInt32(uint32_t(i)), targets[i]);
    dead_ = true;
}

void FunctionTranslator::visit(OpTag<Op::Return>, const imm::None&) {
    if (dead_) return;
    branch_to(controls_.front());
    dead_ = true;
}

void FunctionTranslator::visit(OpTag<Op::Unreachable>, const imm::None&) {
    if (dead_) return;
    b_.CreateBr(trap_block(TrapCode::Unreachable));
    dead_ = true;
}

void FunctionTranslator::visit(OpTag<Op::Nop>, const imm::None&) {}

// ---- parametric and variables ---------------------------------------------------------------

void FunctionTranslator::visit(OpTag<Op::Drop>, const imm::None&) {
    if (!dead_) pop();
}

void FunctionTranslator::visit(OpTag<Op::Select>, const imm::None&) {
    if (dead_) return;
    llvm::Value* condition = b_.CreateICmpNE(pop(), b_.getInt32(0));
    llvm::Value* if_false = pop();
    llvm::Value* if_true = pop();
    push(b_.CreateSelect(condition, if_true, if_false));
}

void FunctionTranslator::visit(OpTag<Op::SelectTyped>, const imm::SelectType&) {
    visit(OpTag<Op::Select>{}, imm::None{});
}

void FunctionTranslator::visit(OpTag<Op::LocalGet>, const imm::Local& l) {
    if (dead_) return;
    push(b_.CreateLoad(m_.value_type(l.type), locals_[l.index]));
}

void FunctionTranslator::visit(OpTag<Op::LocalSet>, const imm::Local& l) {
    if (dead_) return;
    b_.CreateStore(pop(), locals_[l.index]);
}

void FunctionTranslator::visit(OpTag<Op::LocalTee>, const imm::Local& l) {
    if (dead_) return;
    b_.CreateStore(stack_.back(), locals_[l.index]);
}

llvm::Value* FunctionTranslator::global_cell(uint32_t index) {
    llvm::Value* cells = load_engine(b_.getPtrTy(), inst_, kGlobals, "instance", true);
    return load_engine(b_.getPtrTy(), cells, uint64_t(index) * sizeof(void*), "global cells", true);
}

void FunctionTranslator::visit(OpTag<Op::GlobalGet>, const imm::Global& g) {
    if (dead_) return;
    auto* load = b_.CreateLoad(m_.value_type(g.type.type), global_cell(g.index));
    load->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_engine("global"));
    if (!g.type.is_mutable)
        load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(llvm_, {}));
    push(load);
}

void FunctionTranslator::visit(OpTag<Op::GlobalSet>, const imm::Global& g) {
    if (dead_) return;
    llvm::Value* value = pop();
    // A 32-bit global's cell holds its value zero-extended, as the interpreter keeps it.
    b_.CreateStore(to_slot(value), global_cell(g.index))
        ->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_engine("global"));
}

// ---- constants and references ---------------------------------------------------------------

void FunctionTranslator::visit(OpTag<Op::I32Const>, const imm::I32& v) {
    if (!dead_) push(b_.getInt32(v.value));
}
void FunctionTranslator::visit(OpTag<Op::I64Const>, const imm::I64& v) {
    if (!dead_) push(b_.getInt64(v.value));
}
void FunctionTranslator::visit(OpTag<Op::F32Const>, const imm::F32& v) {
    if (!dead_) push(b_.CreateBitCast(b_.getInt32(v.bits), b_.getFloatTy()));
}
void FunctionTranslator::visit(OpTag<Op::F64Const>, const imm::F64& v) {
    if (!dead_) push(b_.CreateBitCast(b_.getInt64(v.bits), b_.getDoubleTy()));
}
void FunctionTranslator::visit(OpTag<Op::RefNull>, const imm::RefType&) {
    if (!dead_) push(b_.getInt64(0));
}
void FunctionTranslator::visit(OpTag<Op::RefIsNull>, const imm::None&) {
    if (dead_) return;
    push(b_.CreateZExt(b_.CreateICmpEQ(pop(), b_.getInt64(0)), b_.getInt32Ty()));
}
void FunctionTranslator::visit(OpTag<Op::RefFunc>, const imm::Func& f) {
    rare(Named::RefFunc, 0, true, ValType::FuncRef, f.index);
}

// ---- memory ---------------------------------------------------------------------------------

llvm::Value* FunctionTranslator::memory_descriptor() {
    return load_engine(b_.getPtrTy(), inst_, kMemory0, "instance", true);
}

// The address of `width` bytes at index + offset, after checking them against the memory's
// current size (kept in a local: load_state).
llvm::Value* FunctionTranslator::address(llvm::Value* index, uint32_t offset, unsigned width) {
    llvm::Value* size = b_.CreateLoad(b_.getInt64Ty(), memory_size_);
    llvm::Value* at = b_.CreateAdd(b_.CreateZExt(index, b_.getInt64Ty()), b_.getInt64(offset));
    llvm::Value* end = b_.CreateAdd(at, b_.getInt64(width));
    llvm::Value* outside = b_.CreateICmpUGT(end, size);
    mark_bounds_check(outside);
    trap_if(outside, TrapCode::OutOfBoundsMemoryAccess);
    llvm::Value* base = b_.CreateLoad(b_.getPtrTy(), memory_base_);
    return b_.CreateInBoundsGEP(b_.getInt8Ty(), base, at);
}

void FunctionTranslator::load(Op op, uint32_t offset) {
    if (dead_) return;
    const AccessShape shape = access_shape(op);
    llvm::Type* result = m_.value_type(info(op).result);
    llvm::Value* at = address(pop(), offset, shape.width);
    llvm::Type* stored = result->isFloatingPointTy() ? result : b_.getIntNTy(shape.width * 8);
    auto* load = b_.CreateAlignedLoad(stored, at, llvm::MaybeAlign(1));
    load->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_linear_memory());
    llvm::Value* v = load;
    if (stored != result)
        v = shape.sign_extends ? b_.CreateSExt(v, result) : b_.CreateZExt(v, result);
    push(v);
}

void FunctionTranslator::store(Op op, uint32_t offset) {
    if (dead_) return;
    const AccessShape shape = access_shape(op);
    llvm::Value* value = pop();
    llvm::Value* at = address(pop(), offset, shape.width);
    if (value->getType()->isIntegerTy() &&
        value->getType()->getIntegerBitWidth() != shape.width * 8)
        value = b_.CreateTrunc(value, b_.getIntNTy(shape.width * 8));
    b_.CreateAlignedStore(value, at, llvm::MaybeAlign(1))
        ->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_linear_memory());
}

void FunctionTranslator::visit(OpTag<Op::MemorySize>, const imm::Memory&) {
    if (dead_) return;
    llvm::Value* size = b_.CreateLoad(b_.getInt64Ty(), memory_size_);
    push(b_.CreateTrunc(b_.CreateLShr(size, b_.getInt64(16)), b_.getInt32Ty()));
}

// ---- the rare operators: the engine runs them -----------------------------------------------

void FunctionTranslator::rare(Named which, unsigned operands, bool has_result, ValType result_type,
                              uint32_t idx0, uint32_t idx1) {
    if (dead_) return;
    const std::vector<llvm::Value*> args = pop_n(operands);
    for (unsigned i = 0; i < operands; ++i)
        b_.CreateStore(to_slot(args[i]),
                       b_.CreateConstInBoundsGEP1_64(b_.getInt64Ty(), scratch_, i));
    llvm::Value* call_args[] = {inst_, b_.getInt32(uint32_t(which)), b_.getInt32(idx0),
                                b_.getInt32(idx1), scratch_};
    pass_on_status(engine_call(m_.runtime(RuntimeFn::RareOp), call_args));
    if (has_result) {
        llvm::Value* slot = b_.CreateLoad(
            b_.getInt64Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt64Ty(), scratch_, 3));
        push(from_slot(slot, result_type));
    }
}

template <Op O> void FunctionTranslator::rare_fixed(Named which, uint32_t idx0, uint32_t idx1) {
    using Fixed = FixedSignature<typename SpecialOp<O>::Signature>;
    rare(which, unsigned(Fixed::param_count), Fixed::has_result, Fixed::result(), idx0, idx1);
}

void FunctionTranslator::visit(OpTag<Op::MemoryGrow>, const imm::Memory&) {
    rare_fixed<Op::MemoryGrow>(Named::MemoryGrow);
}
void FunctionTranslator::visit(OpTag<Op::MemoryInit>, const imm::MemoryInit& i) {
    rare_fixed<Op::MemoryInit>(Named::MemoryInit, i.segment);
}
void FunctionTranslator::visit(OpTag<Op::DataDrop>, const imm::Data& d) {
    rare_fixed<Op::DataDrop>(Named::DataDrop, d.segment);
}
void FunctionTranslator::visit(OpTag<Op::MemoryCopy>, const imm::MemoryPair&) {
    rare_fixed<Op::MemoryCopy>(Named::MemoryCopy);
}
void FunctionTranslator::visit(OpTag<Op::MemoryFill>, const imm::Memory&) {
    rare_fixed<Op::MemoryFill>(Named::MemoryFill);
}
void FunctionTranslator::visit(OpTag<Op::TableGet>, const imm::Table& t) {
    rare(Named::TableGet, 1, true, t.element, t.index);
}
void FunctionTranslator::visit(OpTag<Op::TableSet>, const imm::Table& t) {
    rare(Named::TableSet, 2, false, t.element, t.index);
}
void FunctionTranslator::visit(OpTag<Op::TableInit>, const imm::TableInit& t) {
    rare_fixed<Op::TableInit>(Named::TableInit, t.segment, t.table);
}
void FunctionTranslator::visit(OpTag<Op::ElemDrop>, const imm::Elem& e) {
    rare_fixed<Op::ElemDrop>(Named::ElemDrop, e.segment);
}
void FunctionTranslator::visit(OpTag<Op::TableCopy>, const imm::TablePair& t) {
    rare_fixed<Op::TableCopy>(Named::TableCopy, t.dst, t.src);
}
void FunctionTranslator::visit(OpTag<Op::TableGrow>, const imm::Table& t) {
    rare(Named::TableGrow, 2, true, ValType::I32, t.index);
}
void FunctionTranslator::visit(OpTag<Op::TableSize>, const imm::Table& t) {
    rare_fixed<Op::TableSize>(Named::TableSize, t.index);
}
void FunctionTranslator::visit(OpTag<Op::TableFill>, const imm::Table& t) {
    rare(Named::TableFill, 3, false, ValType::I32, t.index);
}

// ---- calls ----------------------------------------------------------------------------------

llvm::Value* FunctionTranslator::to_slot(llvm::Value* v) {
    llvm::Type* t = v->getType();
    if (t->isFloatTy()) return b_.CreateZExt(b_.CreateBitCast(v, b_.getInt32Ty()), b_.getInt64Ty());
    if (t->isDoubleTy()) return b_.CreateBitCast(v, b_.getInt64Ty());
    if (t->isIntegerTy(32)) return b_.CreateZExt(v, b_.getInt64Ty());
    return v;
}

llvm::Value* FunctionTranslator::from_slot(llvm::Value* slot, ValType type) {
    llvm::Type* t = m_.value_type(type);
    if (t->isFloatTy()) return b_.CreateBitCast(b_.CreateTrunc(slot, b_.getInt32Ty()), t);
    if (t->isDoubleTy()) return b_.CreateBitCast(slot, t);
    if (t->isIntegerTy(32)) return b_.CreateTrunc(slot, t);
    return slot;
}

void FunctionTranslator::spill_arguments(std::span<llvm::Value* const> args) {
    for (size_t i = 0; i < args.size(); ++i)
        b_.CreateStore(to_slot(args[i]), b_.CreateConstInBoundsGEP1_64(b_.getInt64Ty(), vsp_, i));
}

void FunctionTranslator::push_slot_results(const FuncType& type) {
    for (size_t i = 0; i < type.results.size(); ++i)
        push(from_slot(
            b_.CreateLoad(b_.getInt64Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt64Ty(), vsp_, i)),
            type.results[i]));
}

void FunctionTranslator::push_call_results(llvm::Value* call, const FuncType& type) {
    for (size_t i = 0; i < type.results.size(); ++i)
        push(b_.CreateExtractValue(call, unsigned(ModuleTranslator::kBodyResults + i)));
}

void FunctionTranslator::call_direct(uint32_t func_index, const FuncType& type) {
    std::vector<llvm::Value*> args = pop_n(type.params.size());
    if (func_index < m_.imports()) {
        spill_arguments(args);
        llvm::Value* call_args[] = {ctx_, inst_, vsp_, b_.getInt32(func_index)};
        pass_on_status(engine_call(m_.runtime(RuntimeFn::CallImport), call_args));
        push_slot_results(type);
        return;
    }
    llvm::Value* call = call_body(m_.body(func_index), args);
    unwind_on_status(b_.CreateExtractValue(call, ModuleTranslator::kBodyStatus),
                     b_.getInt32(func_index));
    push_call_results(call, type);
}

void FunctionTranslator::visit(OpTag<Op::Call>, const imm::Func& f) {
    if (dead_) return;
    call_direct(f.index, *f.type);
}

// As the interpreter's call_indirect: bounds, null and signature checks, then a direct call
// of the body when the callee is one of this instance's compiled functions, or a call
// through the engine (another instance, a host function).
void FunctionTranslator::visit(OpTag<Op::CallIndirect>, const imm::CallIndirect& c) {
    if (dead_) return;
    const FuncType& type = *c.type;
    llvm::Value* index = pop();
    std::vector<llvm::Value*> args = pop_n(type.params.size());

    llvm::Value* tables = load_engine(b_.getPtrTy(), inst_, kTables, "instance", true);
    llvm::Value* table =
        load_engine(b_.getPtrTy(), tables, uint64_t(c.table) * sizeof(void*), "table list", true);
    llvm::Value* size = load_engine(b_.getInt32Ty(), table, kTableSizeOffset, "table", false);
    trap_if(b_.CreateICmpUGE(index, size), TrapCode::UndefinedElement);
    llvm::Value* elements = load_engine(b_.getPtrTy(), table, kTableElementsOffset, "table", false);
    auto* ref =
        b_.CreateLoad(b_.getPtrTy(), b_.CreateInBoundsGEP(b_.getPtrTy(), elements,
                                                          b_.CreateZExt(index, b_.getInt64Ty())));
    ref->setMetadata(llvm::LLVMContext::MD_tbaa, m_.tbaa_engine("table elements"));
    trap_if(b_.CreateIsNull(ref), TrapCode::UninitializedElement);
    llvm::Value* type_id = load_engine(b_.getInt32Ty(), ref, kFunctionTypeId, "function", true);
    llvm::Value* type_ids = load_engine(b_.getPtrTy(), inst_, kTypeIds, "instance", true);
    llvm::Value* expected = load_engine(
        b_.getInt32Ty(), type_ids, uint64_t(c.type_index) * sizeof(uint32_t), "type ids", true);
    trap_if(b_.CreateICmpNE(type_id, expected), TrapCode::IndirectCallTypeMismatch);

    llvm::Value* owner = load_engine(b_.getPtrTy(), ref, kFunctionInstance, "function", true);
    llvm::Value* code = load_engine(b_.getPtrTy(), ref, kFunctionCode, "function", true);
    llvm::Value* own = b_.CreateAnd(b_.CreateICmpEQ(owner, inst_), b_.CreateIsNotNull(code));
    llvm::BasicBlock* direct = new_block("call_own");
    llvm::BasicBlock* through_engine = new_block("call_ref");
    llvm::BasicBlock* joined = new_block("called");
    b_.CreateCondBr(own, direct, through_engine);

    b_.SetInsertPoint(direct);
    llvm::Value* callee_index = load_engine(b_.getInt32Ty(), ref, kFunctionIndex, "function", true);
    llvm::Value* defined = b_.CreateSub(callee_index, b_.getInt32(m_.imports()));
    llvm::Value* body = b_.CreateLoad(
        b_.getPtrTy(),
        b_.CreateInBoundsGEP(m_.body_table()->getValueType(), m_.body_table(),
                             {b_.getInt64(0), b_.CreateZExt(defined, b_.getInt64Ty())}));
    llvm::Value* call = call_body(llvm::FunctionCallee(m_.body_type(type), body), args);
    unwind_on_status(b_.CreateExtractValue(call, ModuleTranslator::kBodyStatus), callee_index);
    const size_t base = stack_.size();
    push_call_results(call, type);
    std::vector<llvm::Value*> direct_results(stack_.begin() + ptrdiff_t(base), stack_.end());
    stack_.resize(base);
    llvm::BasicBlock* direct_end = b_.GetInsertBlock();
    b_.CreateBr(joined);

    b_.SetInsertPoint(through_engine);
    spill_arguments(args);
    llvm::Value* ref_args[] = {ctx_, inst_, vsp_, ref};
    pass_on_status(engine_call(m_.runtime(RuntimeFn::CallRef), ref_args));
    push_slot_results(type);
    std::vector<llvm::Value*> engine_results(stack_.begin() + ptrdiff_t(base), stack_.end());
    stack_.resize(base);
    llvm::BasicBlock* engine_end = b_.GetInsertBlock();
    b_.CreateBr(joined);

    b_.SetInsertPoint(joined);
    for (size_t i = 0; i < type.results.size(); ++i) {
        llvm::PHINode* phi = b_.CreatePHI(m_.value_type(type.results[i]), 2);
        phi->addIncoming(direct_results[i], direct_end);
        phi->addIncoming(engine_results[i], engine_end);
        push(phi);
    }
}

// ---- numeric ----------------------------------------------------------------------------------

void FunctionTranslator::numeric(Op op) {
    if (dead_) return;
    const OpInfo& i = info(op);
    llvm::Value* b = i.operands == 2 ? pop() : nullptr;
    llvm::Value* a = pop();
    push(lower_numeric(op, a, b));
}

} // namespace tycho::wasm::detail::jit
