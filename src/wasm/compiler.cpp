#include "compiler.h"

#include <cstring>

namespace tycho::wasm::detail {

namespace {

bool is_commutative(Op op) {
    switch (op) {
    case Op::I32Add:
    case Op::I32Mul:
    case Op::I32And:
    case Op::I32Or:
    case Op::I32Xor:
    case Op::I32Eq:
    case Op::I32Ne:
    case Op::I64Add:
    case Op::I64Mul:
    case Op::I64And:
    case Op::I64Or:
    case Op::I64Xor:
    case Op::I64Eq:
    case Op::I64Ne: return true;
    default: return false;
    }
}

// The comparison with its operands swapped: a < b  <=>  b > a.
Op swapped_compare(Op op) {
    switch (op) {
    case Op::I32LtS: return Op::I32GtS;
    case Op::I32LtU: return Op::I32GtU;
    case Op::I32GtS: return Op::I32LtS;
    case Op::I32GtU: return Op::I32LtU;
    case Op::I32LeS: return Op::I32GeS;
    case Op::I32LeU: return Op::I32GeU;
    case Op::I32GeS: return Op::I32LeS;
    case Op::I32GeU: return Op::I32LeU;
    case Op::I64LtS: return Op::I64GtS;
    case Op::I64LtU: return Op::I64GtU;
    case Op::I64GtS: return Op::I64LtS;
    case Op::I64GtU: return Op::I64LtU;
    case Op::I64LeS: return Op::I64GeS;
    case Op::I64LeU: return Op::I64GeU;
    case Op::I64GeS: return Op::I64LeS;
    case Op::I64GeU: return Op::I64LeU;
    default: return op;
    }
}

} // namespace

// `local + c`, `c + local` and `local - c` stay virtual (see Operand::Kind::LocalAdd).
bool InterpreterCompiler::fold_local_add(Op op, const Operand& a, const Operand& b, Operand& out) {
    using K = Operand::Kind;
    if (op == Op::I32Add && a.kind == K::Local && b.kind == K::Const) {
        out = Operand{K::LocalAdd, a.local, uint32_t(b.value)};
    } else if (op == Op::I32Add && a.kind == K::Const && b.kind == K::Local) {
        out = Operand{K::LocalAdd, b.local, uint32_t(a.value)};
    } else if (op == Op::I32Sub && a.kind == K::Local && b.kind == K::Const) {
        out = Operand{K::LocalAdd, a.local, uint32_t(0u - uint32_t(b.value))};
    } else {
        return false;
    }
    return true;
}

template <class T> size_t InterpreterCompiler::emit(const T& insn) {
    static_assert(sizeof(T) % 8 == 0);
    const size_t pos = code_bytes();
    const size_t words = sizeof(T) / 8;
    out_.code.resize(out_.code.size() + words);
    std::memcpy(at<uint8_t>(pos), &insn, sizeof(T));
    return pos;
}

void InterpreterCompiler::emit_slots(const std::vector<Slot>& slots) {
    const size_t words = (slots.size() * sizeof(Slot) + 7) / 8;
    const size_t pos = code_bytes();
    out_.code.resize(out_.code.size() + words, 0);
    if (!slots.empty()) std::memcpy(at<uint8_t>(pos), slots.data(), slots.size() * sizeof(Slot));
}

void InterpreterCompiler::patch_target(size_t insn, size_t field, size_t target) {
    if (target == code_bytes()) label_here();
    const int32_t rel = int32_t(int64_t(target) - int64_t(insn));
    std::memcpy(at<uint8_t>(field), &rel, sizeof rel);
}

// Marks the current position as a jump target: nothing emitted before it may be merged
// with what follows.
size_t InterpreterCompiler::label_here() {
    label_ = code_bytes();
    return label_;
}

// Two copies in a row become one instruction (register shuffles at the end of loop bodies).
void InterpreterCompiler::emit_copy(Slot src, Slot dst) {
    if (src == dst) return;
    if (last_copy_ != SIZE_MAX && last_copy_ + sizeof(InsnUnary) == code_bytes() &&
        last_copy_ >= label_) {
        const InsnUnary first = *at<InsnUnary>(last_copy_);
        out_.code.resize(last_copy_ / 8);
        emit(InsnCopy2{named_handler(Named::Copy2), first.a, first.dst, src, dst});
        last_copy_ = SIZE_MAX;
        return;
    }
    last_copy_ = emit(InsnUnary{named_handler(Named::Copy), src, dst});
}

// ---- operands -------------------------------------------------------------------------------

Slot InterpreterCompiler::use(size_t pos) {
    Operand& o = stack_[pos];
    switch (o.kind) {
    case Operand::Kind::Stack: return stack_slot(pos);
    case Operand::Kind::Local: return local_slot(o.local);
    case Operand::Kind::Const:
    case Operand::Kind::LocalAdd: materialize(pos); return stack_slot(pos);
    }
    return stack_slot(pos);
}

// Computes a non-Stack operand into `dst`.
void InterpreterCompiler::emit_value_to(const Operand& o, Slot dst) {
    switch (o.kind) {
    case Operand::Kind::Local: emit_copy(local_slot(o.local), dst); break;
    case Operand::Kind::Const: emit(InsnConst{named_handler(Named::Const), dst, 0, o.value}); break;
    case Operand::Kind::LocalAdd:
        emit(InsnBinaryImm{numeric_handler(Op::I32Add, NumericForm::RegImm), local_slot(o.local),
                           dst, o.value});
        break;
    case Operand::Kind::Stack: break;
    }
}

// The address operand of a load or store, folding `x + constant` into the access.
InterpreterCompiler::Address InterpreterCompiler::use_address(size_t pos) {
    const Operand& o = stack_[pos];
    if (o.kind == Operand::Kind::LocalAdd) return {local_slot(o.local), uint32_t(o.value), false};
    if (pos == stack_.size() - 1 && producer_on_top() && producer_.op == Op::I32Add &&
        producer_.has_imm && !producer_.mem_form) {
        // The add was the last instruction: drop it and let the access do it. Its operand
        // is then again the last instruction's result, in the accumulator if it was before.
        const Producer p = producer_;
        out_.code.resize(p.insn / 8);
        forget_producer();
        return {p.a, uint32_t(p.imm), p.a_acc};
    }
    const Slot s = use(pos);
    return {s, 0, in_acc(pos)};
}

void InterpreterCompiler::materialize(size_t pos) {
    Operand& o = stack_[pos];
    emit_value_to(o, stack_slot(pos));
    o = Operand{};
}

void InterpreterCompiler::materialize_all() {
    for (size_t i = 0; i < stack_.size(); ++i)
        if (stack_[i].kind != Operand::Kind::Stack) {
            materialize(i);
            forget_producer();
        }
}

void InterpreterCompiler::materialize_local_refs(uint32_t local, size_t below) {
    for (size_t i = 0; i < below; ++i)
        if (stack_[i].reads_local(local)) {
            materialize(i);
            forget_producer();
        }
}

void InterpreterCompiler::push_result_and_track(size_t insn, size_t dst_field, Op op,
                                                bool sets_acc) {
    push_stack();
    producer_ = Producer{};
    producer_.insn = insn;
    producer_.end = code_bytes();
    producer_.dst_field = insn + dst_field;
    producer_.pos = stack_.size() - 1;
    producer_.op = op;
    producer_.sets_acc = sets_acc;
}

bool InterpreterCompiler::producer_on_top() const {
    return producer_.insn != SIZE_MAX && producer_.end == code_bytes() && !stack_.empty() &&
           stack_.back().kind == Operand::Kind::Stack;
}

// ---- function -------------------------------------------------------------------------------

void InterpreterCompiler::begin_function(const FuncType& type, const std::vector<ValType>& locals) {
    locals_ = uint32_t(locals.size());
    out_.num_params = uint32_t(type.params.size());
    out_.num_results = uint32_t(type.results.size());
    const uint32_t declared = uint32_t(locals.size() - type.params.size());
    InsnEnter enter{enter_handler(declared), 0,      out_.num_params, declared,
                    out_.func_index,         nullptr};
    emit(enter);
    controls_.emplace_back(FrameKind::Function, 0, 0, out_.num_results, true);
}

void InterpreterCompiler::finish(uint32_t max_height) {
    out_.frame_slots = locals_ + max_height;
    at<InsnEnter>(0)->frame_slots = out_.frame_slots;
}

void InterpreterCompiler::emit_return() {
    const size_t n = out_.num_results;
    const size_t base = stack_.size() - n;
    if (n == 0) {
        emit(InsnNone{named_handler(Named::Return0)});
    } else if (n == 1) {
        emit(InsnUnary{named_handler(Named::Return1), use(base), 0});
    } else {
        // Results go to slots 0..n-1, which may be locals that other results still read:
        // move every result to its own stack slot first, then copy upwards-safe.
        for (size_t i = base; i < stack_.size(); ++i)
            materialize(i);
        emit(InsnReturn{named_handler(Named::ReturnN), uint32_t(n), 0});
        std::vector<Slot> src;
        for (size_t i = base; i < stack_.size(); ++i)
            src.push_back(stack_slot(i));
        emit_slots(src);
    }
    forget_producer();
}

void InterpreterCompiler::end_function() {
    Control fn = std::move(controls_.back());
    controls_.pop_back();
    if (!dead_) materialize_all();
    // Branches to the function's label land here with the results in stack slots 0..n-1.
    for (auto [insn, field] : fn.fixups)
        patch_target(insn, field, code_bytes());
    stack_.assign(out_.num_results, Operand{});
    emit_return();
}

// ---- arithmetic -----------------------------------------------------------------------------

void InterpreterCompiler::numeric(Op op) {
    if (dead_) return;
    const OpInfo& oi = info(op);
    if (oi.operands == 1) {
        const size_t pos = stack_.size() - 1;
        const Slot a = use(pos);
        const bool acc = in_acc(pos);
        pop(1);
        const NumericForm form = acc ? NumericForm::UnaryAcc : NumericForm::Unary;
        const size_t insn = emit(InsnUnary{numeric_handler(op, form), a, stack_slot(pos)});
        push_result_and_track(insn, offsetof(InsnUnary, dst), op, true);
        producer_.a = a;
        producer_.a_acc = acc;
        return;
    }
    const size_t pb = stack_.size() - 1, pa = pb - 1;
    if (Operand folded; fold_local_add(op, stack_[pa], stack_[pb], folded)) {
        pop(2);
        stack_.push_back(folded);
        forget_producer();
        return;
    }
    // With a constant operand, use the immediate form: the constant must be on the right,
    // so swap the operands of commutative operators and comparisons.
    size_t reg = pa, cst = pb;
    Op emitted = op;
    if (stack_[pb].kind != Operand::Kind::Const && stack_[pa].kind == Operand::Kind::Const) {
        if (is_commutative(op)) {
            std::swap(reg, cst);
        } else if (swapped_compare(op) != op) {
            emitted = swapped_compare(op);
            std::swap(reg, cst);
        }
    }
    if (stack_[cst].kind == Operand::Kind::Const) {
        const uint64_t imm = stack_[cst].value;
        const Slot a = use(reg);
        if (fusable_load_at(reg, info(emitted).a)) {
            pop(2);
            emit_binary_mem(emitted, NumericForm::MemImm, 0, pa, imm);
            return;
        }
        const bool acc = in_acc(reg);
        pop(2);
        const NumericForm form = acc ? NumericForm::AccImm : NumericForm::RegImm;
        const size_t insn =
            emit(InsnBinaryImm{numeric_handler(emitted, form), a, stack_slot(pa), imm});
        push_result_and_track(insn, offsetof(InsnBinaryImm, dst), emitted, true);
        producer_.has_imm = true;
        producer_.a = a;
        producer_.a_acc = acc;
        producer_.imm = imm;
        return;
    }
    const Slot a = use(pa), b = use(pb);
    if (fusable_load_at(pb, oi.b)) {
        pop(2);
        emit_binary_mem(op, NumericForm::RegMem, a, pa, 0);
        return;
    }
    if (fusable_load_at(pa, oi.a) && (is_commutative(op) || swapped_compare(op) != op)) {
        pop(2);
        emit_binary_mem(is_commutative(op) ? op : swapped_compare(op), NumericForm::RegMem, b, pa,
                        0);
        return;
    }
    const bool a_acc = in_acc(pa), b_acc = in_acc(pb);
    pop(2);
    const NumericForm form = a_acc   ? NumericForm::AccReg
                             : b_acc ? NumericForm::RegAcc
                                     : NumericForm::RegReg;
    const size_t insn = emit(InsnBinary{numeric_handler(op, form), a, b, stack_slot(pa), 0});
    push_result_and_track(insn, offsetof(InsnBinary, dst), op, true);
    producer_.a = a;
    producer_.b = b;
    producer_.a_acc = a_acc;
    producer_.b_acc = b_acc;
}

// Replaces the load just emitted (the producer) by a binary operation that does the load.
void InterpreterCompiler::emit_binary_mem(Op op, NumericForm form, Slot a, size_t dst_pos,
                                          uint64_t imm) {
    const Producer load = producer_;
    out_.code.resize(load.insn / 8);
    const size_t insn = emit(InsnBinaryMem{numeric_handler(op, form), a, stack_slot(dst_pos),
                                           load.a, load.offset, load.addend, 0, imm});
    push_result_and_track(insn, offsetof(InsnBinaryMem, dst), op, true);
    producer_.mem_form = true;
}

void InterpreterCompiler::constant(uint64_t bits) {
    if (dead_) return;
    stack_.push_back(Operand{Operand::Kind::Const, 0, bits});
}

// ---- memory ---------------------------------------------------------------------------------

void InterpreterCompiler::load(Op op, uint32_t offset) {
    if (dead_) return;
    const size_t pos = stack_.size() - 1;
    const Address addr = use_address(pos);
    pop(1);
    const MemorySource source = addr.from_acc ? MemorySource::Acc : MemorySource::Slot;
    const size_t insn =
        emit(InsnLoad{memory_handler(op, source), addr.slot, stack_slot(pos), offset, addr.addend});
    push_result_and_track(insn, offsetof(InsnLoad, dst), op, true);
    producer_.a = addr.slot;
    producer_.a_acc = addr.from_acc;
    producer_.offset = offset;
    producer_.addend = addr.addend;
}

void InterpreterCompiler::store(Op op, uint32_t offset) {
    if (dead_) return;
    const size_t pv = stack_.size() - 1;
    if (stack_[pv].kind == Operand::Kind::Const) {
        const uint64_t imm = stack_[pv].value;
        const Address addr = use_address(pv - 1);
        pop(2);
        emit(InsnStoreImm{memory_handler(op, MemorySource::Imm), addr.slot, offset, addr.addend, 0,
                          imm});
        forget_producer();
        return;
    }
    const Slot value = use(pv);
    const Address addr = use_address(pv - 1);
    const MemorySource source = in_acc(pv) ? MemorySource::Acc : MemorySource::Slot;
    pop(2);
    emit(InsnStore{memory_handler(op, source), addr.slot, value, offset, addr.addend});
    forget_producer();
}

// ---- variables ------------------------------------------------------------------------------

void InterpreterCompiler::visit(OpTag<Op::LocalGet>, const imm::Local& local) {
    if (dead_) return;
    stack_.push_back(Operand{Operand::Kind::Local, local.index, 0});
}

void InterpreterCompiler::local_set(uint32_t index) {
    if (dead_) return;
    const size_t top = stack_.size() - 1;
    const Operand v = stack_[top];
    bool other_refs = false;
    for (size_t i = 0; i < top; ++i)
        other_refs |= stack_[i].reads_local(index);
    if (!other_refs && producer_on_top()) {
        // Redirect the producing instruction's result straight into the local.
        const Slot dst = local_slot(index);
        std::memcpy(at<uint8_t>(producer_.dst_field), &dst, sizeof dst);
        pop(1);
        forget_producer();
        return;
    }
    materialize_local_refs(index, top);
    if (v.kind == Operand::Kind::Stack)
        emit_copy(stack_slot(top), local_slot(index));
    else
        emit_value_to(v, local_slot(index));
    pop(1);
    forget_producer();
}

void InterpreterCompiler::visit(OpTag<Op::LocalSet>, const imm::Local& local) {
    local_set(local.index);
}

void InterpreterCompiler::visit(OpTag<Op::LocalTee>, const imm::Local& local) {
    if (dead_) return;
    local_set(local.index);
    stack_.push_back(Operand{Operand::Kind::Local, local.index, 0});
}

void InterpreterCompiler::visit(OpTag<Op::GlobalGet>, const imm::Global& global) {
    if (dead_) return;
    const size_t pos = stack_.size();
    const size_t insn =
        emit(InsnGlobal{named_handler(Named::GlobalGet), global.index, stack_slot(pos)});
    push_result_and_track(insn, offsetof(InsnGlobal, slot), Op::GlobalGet, false);
}

void InterpreterCompiler::visit(OpTag<Op::GlobalSet>, const imm::Global& global) {
    if (dead_) return;
    const Slot v = use(stack_.size() - 1);
    pop(1);
    emit(InsnGlobal{named_handler(Named::GlobalSet), global.index, v});
    forget_producer();
}

// ---- parametric -----------------------------------------------------------------------------

void InterpreterCompiler::visit(OpTag<Op::Drop>, const imm::None&) {
    if (dead_) return;
    pop(1);
    forget_producer();
}

void InterpreterCompiler::select() {
    if (dead_) return;
    const size_t pc = stack_.size() - 1;
    const Slot cond = use(pc), b = use(pc - 1), a = use(pc - 2);
    pop(3);
    const size_t insn =
        emit(InsnSelect{named_handler(Named::Select), cond, a, b, stack_slot(pc - 2), {0, 0}});
    push_result_and_track(insn, offsetof(InsnSelect, dst), Op::Select, false);
}

// ---- control --------------------------------------------------------------------------------

void InterpreterCompiler::visit(OpTag<Op::Unreachable>, const imm::None&) {
    if (dead_) return;
    emit(InsnNone{named_handler(Named::Unreachable)});
    dead_ = true;
    forget_producer();
}

size_t InterpreterCompiler::emit_cond_branch(BranchForm form, size_t& fixup_field) {
    // The condition is on top of the stack.
    const bool fusable =
        producer_on_top() && !producer_.mem_form && has_compare_branch(producer_.op);
    if (fusable) {
        const Producer p = producer_;
        out_.code.resize(p.insn / 8); // drop the compare: the branch does it
        pop(1);
        forget_producer();
        Op cmp = p.op;
        bool with_imm = p.has_imm;
        uint64_t imm = p.imm;
        Slot a = p.a, b = p.b;
        bool a_acc = p.a_acc;
        if (cmp == Op::I32Eqz || cmp == Op::I64Eqz) {
            cmp = cmp == Op::I32Eqz ? Op::I32Eq : Op::I64Eq;
            with_imm = true;
            imm = 0;
        } else if (p.b_acc) {
            // Only the left operand can come from the accumulator: swap the comparison.
            cmp = swapped_compare(cmp);
            std::swap(a, b);
            a_acc = true;
        }
        size_t insn;
        if (with_imm) {
            insn = emit(InsnBrCmpImm{compare_branch_handler(cmp, true, form, a_acc), a, 0, imm});
            fixup_field = insn + offsetof(InsnBrCmpImm, target);
        } else {
            insn = emit(InsnBrCmp{compare_branch_handler(cmp, false, form, a_acc), a, b, 0, 0});
            fixup_field = insn + offsetof(InsnBrCmp, target);
        }
        return insn;
    }
    const Slot cond = use(stack_.size() - 1);
    const bool acc = in_acc(stack_.size() - 1);
    pop(1);
    forget_producer();
    const Named which = form == BranchForm::IfTrue ? (acc ? Named::BrIfTrueAcc : Named::BrIfTrue)
                        : form == BranchForm::IfFalse
                            ? (acc ? Named::BrIfFalseAcc : Named::BrIfFalse)
                        : acc ? Named::BrIfTrueBackEdgeAcc
                              : Named::BrIfTrueBackEdge;
    const size_t insn = emit(InsnBrIf{named_handler(which), cond, 0});
    fixup_field = insn + offsetof(InsnBrIf, target);
    return insn;
}

void InterpreterCompiler::begin_block(FrameKind kind, const BlockSig& sig) {
    const uint32_t params = uint32_t(sig.params.size());
    const uint32_t results = uint32_t(sig.results.size());
    if (dead_) {
        controls_.emplace_back(kind, 0, params, results, false);
        return;
    }
    if (kind == FrameKind::If) {
        // Keep the condition on top while spilling what lies below it, so that a compare
        // right before the `if` can still fuse with the branch.
        const Operand cond = stack_.back();
        stack_.pop_back();
        const Producer p = producer_;
        materialize_all();
        stack_.push_back(cond);
        if (p.insn != SIZE_MAX && p.end == code_bytes()) producer_ = p;
        Control c{kind, uint32_t(stack_.size() - 1 - params), params, results, true};
        size_t field;
        const size_t insn = emit_cond_branch(BranchForm::IfFalse, field);
        c.else_insn = insn;
        c.else_field = field;
        controls_.push_back(std::move(c));
        return;
    }
    materialize_all();
    forget_producer();
    Control c{kind, uint32_t(stack_.size() - params), params, results, true};
    if (kind == FrameKind::Loop) c.loop_start = label_here();
    controls_.push_back(std::move(c));
}

void InterpreterCompiler::visit(OpTag<Op::Else>, const imm::Else&) {
    Control& c = controls_.back();
    if (!c.live_at_start) return;
    if (!dead_) {
        materialize_all();
        const size_t insn = emit(InsnBr{named_handler(Named::Br), 0, 0});
        c.fixups.emplace_back(insn, insn + offsetof(InsnBr, target));
    }
    patch_target(c.else_insn, c.else_field, code_bytes());
    c.else_insn = SIZE_MAX;
    stack_.resize(c.height);
    stack_.resize(c.height + c.params, Operand{});
    dead_ = false;
    forget_producer();
}

void InterpreterCompiler::visit(OpTag<Op::End>, const imm::End& end) {
    if (end.function) {
        end_function();
        return;
    }
    Control c = std::move(controls_.back());
    controls_.pop_back();
    if (!c.live_at_start) return;
    if (!dead_) materialize_all();
    const size_t here = code_bytes();
    for (auto [insn, field] : c.fixups)
        patch_target(insn, field, here);
    if (c.else_insn != SIZE_MAX) patch_target(c.else_insn, c.else_field, here);
    stack_.resize(c.height);
    stack_.resize(c.height + c.results, Operand{});
    dead_ = false;
    forget_producer();
}

bool InterpreterCompiler::needs_copies(const Control& c) const {
    const size_t n = arity(c);
    const size_t base = stack_.size() - n;
    for (size_t j = 0; j < n; ++j)
        if (stack_[base + j].kind != Operand::Kind::Stack || base + j != c.height + j) return true;
    return false;
}

void InterpreterCompiler::emit_copies(const Control& c) {
    const size_t n = arity(c);
    const size_t base = stack_.size() - n;
    // Destinations never lie above their sources, so copying in ascending order is safe.
    for (size_t j = 0; j < n; ++j) {
        const Operand& o = stack_[base + j];
        const Slot dst = stack_slot(c.height + j);
        if (o.kind != Operand::Kind::Stack)
            emit_value_to(o, dst);
        else if (base + j != c.height + j)
            emit_copy(stack_slot(base + j), dst);
    }
}

// An unconditional jump to `c`'s label, values already in place.
void InterpreterCompiler::emit_jump(Control& c) {
    if (c.kind == FrameKind::Loop) {
        const size_t insn = emit(InsnBr{named_handler(Named::BrBackEdge), 0, 0});
        patch_target(insn, insn + offsetof(InsnBr, target), c.loop_start);
    } else {
        const size_t insn = emit(InsnBr{named_handler(Named::Br), 0, 0});
        c.fixups.emplace_back(insn, insn + offsetof(InsnBr, target));
    }
}

void InterpreterCompiler::visit(OpTag<Op::Br>, const imm::Label& target) {
    if (dead_) return;
    Control& c = label(target.depth);
    emit_copies(c);
    emit_jump(c);
    dead_ = true;
    forget_producer();
}

void InterpreterCompiler::visit(OpTag<Op::BrIf>, const imm::Label& target) {
    if (dead_) return;
    Control& c = label(target.depth);
    // Check the copies with the condition popped.
    const Operand cond = stack_.back();
    stack_.pop_back();
    const bool copies = needs_copies(c);
    stack_.push_back(cond);
    if (!copies) {
        size_t field;
        const BranchForm form =
            c.kind == FrameKind::Loop ? BranchForm::IfTrueBackEdge : BranchForm::IfTrue;
        const size_t insn = emit_cond_branch(form, field);
        if (c.kind == FrameKind::Loop)
            patch_target(insn, field, c.loop_start);
        else
            c.fixups.emplace_back(insn, field);
        return;
    }
    size_t skip_field;
    const size_t skip = emit_cond_branch(BranchForm::IfFalse, skip_field);
    emit_copies(c);
    emit_jump(c);
    patch_target(skip, skip_field, code_bytes());
    forget_producer();
}

void InterpreterCompiler::visit(OpTag<Op::BrTable>, const imm::LabelTable& targets) {
    if (dead_) return;
    const std::span<const uint32_t> depths = targets.depths;
    const Slot index = use(stack_.size() - 1);
    pop(1);
    const size_t insn =
        emit(InsnBrTable{named_handler(Named::BrTable), index, uint32_t(depths.size() - 1)});
    std::vector<Slot> zero(depths.size(), 0);
    const size_t table = code_bytes();
    emit_slots(zero);
    // Each entry jumps straight to a forward label, or to a pad that copies the values
    // and then jumps (needed for loops too, so that back-edges are counted).
    for (size_t i = 0; i < depths.size(); ++i) {
        Control& c = label(depths[i]);
        const size_t field = table + i * sizeof(Slot);
        if (c.kind != FrameKind::Loop && !needs_copies(c)) {
            c.fixups.emplace_back(insn, field);
            continue;
        }
        patch_target(insn, field, code_bytes());
        emit_copies(c);
        emit_jump(c);
    }
    dead_ = true;
    forget_producer();
}

void InterpreterCompiler::visit(OpTag<Op::Return>, const imm::None&) {
    if (dead_) return;
    emit_return();
    dead_ = true;
}

void InterpreterCompiler::visit(OpTag<Op::Call>, const imm::Func& callee_imm) {
    if (dead_) return;
    const uint32_t func_index = callee_imm.index;
    const FuncType& type = *callee_imm.type;
    const size_t n = type.params.size();
    const size_t base = stack_.size() - n;
    for (size_t i = base; i < stack_.size(); ++i)
        materialize(i);
    const uint32_t frame = uint32_t(locals_ + base);
    const ModuleInfo& m = env_.module;
    if (func_index >= m.num_imported_funcs) {
        const CompiledFunction* callee = &env_.functions[func_index - m.num_imported_funcs];
        emit(InsnCall{named_handler(Named::Call), callee, frame, 0});
    } else {
        emit(InsnCallFunc{named_handler(Named::CallFunc), func_index, frame});
    }
    pop(n);
    for (size_t i = 0; i < type.results.size(); ++i)
        push_stack();
    forget_producer();
}

void InterpreterCompiler::visit(OpTag<Op::CallIndirect>, const imm::CallIndirect& call) {
    if (dead_) return;
    const FuncType& type = *call.type;
    const Slot index = use(stack_.size() - 1);
    // The index may sit in the slot the frame starts at; keep it in a slot above the args.
    pop(1);
    const size_t n = type.params.size();
    const size_t base = stack_.size() - n;
    for (size_t i = base; i < stack_.size(); ++i)
        materialize(i);
    const uint32_t frame = uint32_t(locals_ + base);
    emit(InsnCallIndirect{named_handler(Named::CallIndirect), call.table,
                          env_.canonical_type_ids[call.type_index], index, frame});
    pop(n);
    for (size_t i = 0; i < type.results.size(); ++i)
        push_stack();
    forget_producer();
}

// ---- the rare operators ---------------------------------------------------------------------

void InterpreterCompiler::generic(Named which, uint32_t idx0, uint32_t idx1, unsigned pops,
                                  bool pushes) {
    if (dead_) return;
    Slot s[3] = {0, 0, 0};
    const size_t base = stack_.size() - pops;
    for (unsigned i = 0; i < pops; ++i)
        s[i] = use(base + i);
    pop(pops);
    const Slot dst = stack_slot(stack_.size());
    const size_t insn = emit(InsnGeneric{named_handler(which), idx0, idx1, s[0], s[1], s[2], dst});
    if (pushes)
        push_result_and_track(insn, offsetof(InsnGeneric, dst), Op::Nop, false);
    else
        forget_producer();
}

void InterpreterCompiler::visit(OpTag<Op::TableGet>, const imm::Table& table) {
    generic(Named::TableGet, table.index, 0, 1, true);
}
void InterpreterCompiler::visit(OpTag<Op::TableSet>, const imm::Table& table) {
    generic(Named::TableSet, table.index, 0, 2, false);
}
void InterpreterCompiler::visit(OpTag<Op::MemorySize>, const imm::Memory&) {
    generic_fixed<Op::MemorySize>(Named::MemorySize);
}
void InterpreterCompiler::visit(OpTag<Op::MemoryGrow>, const imm::Memory&) {
    generic_fixed<Op::MemoryGrow>(Named::MemoryGrow);
}
void InterpreterCompiler::visit(OpTag<Op::RefIsNull>, const imm::None&) {
    generic(Named::RefIsNull, 0, 0, 1, true);
}
void InterpreterCompiler::visit(OpTag<Op::RefFunc>, const imm::Func& func) {
    generic(Named::RefFunc, func.index, 0, 0, true);
}
void InterpreterCompiler::visit(OpTag<Op::MemoryInit>, const imm::MemoryInit& init) {
    generic_fixed<Op::MemoryInit>(Named::MemoryInit, init.segment);
}
void InterpreterCompiler::visit(OpTag<Op::DataDrop>, const imm::Data& data) {
    generic_fixed<Op::DataDrop>(Named::DataDrop, data.segment);
}
void InterpreterCompiler::visit(OpTag<Op::MemoryCopy>, const imm::MemoryPair&) {
    generic_fixed<Op::MemoryCopy>(Named::MemoryCopy);
}
void InterpreterCompiler::visit(OpTag<Op::MemoryFill>, const imm::Memory&) {
    generic_fixed<Op::MemoryFill>(Named::MemoryFill);
}
void InterpreterCompiler::visit(OpTag<Op::TableInit>, const imm::TableInit& init) {
    generic_fixed<Op::TableInit>(Named::TableInit, init.segment, init.table);
}
void InterpreterCompiler::visit(OpTag<Op::ElemDrop>, const imm::Elem& elem) {
    generic_fixed<Op::ElemDrop>(Named::ElemDrop, elem.segment);
}
void InterpreterCompiler::visit(OpTag<Op::TableCopy>, const imm::TablePair& tables) {
    generic_fixed<Op::TableCopy>(Named::TableCopy, tables.dst, tables.src);
}
void InterpreterCompiler::visit(OpTag<Op::TableGrow>, const imm::Table& table) {
    generic(Named::TableGrow, table.index, 0, 2, true);
}
void InterpreterCompiler::visit(OpTag<Op::TableSize>, const imm::Table& table) {
    generic_fixed<Op::TableSize>(Named::TableSize, table.index);
}
void InterpreterCompiler::visit(OpTag<Op::TableFill>, const imm::Table& table) {
    generic(Named::TableFill, table.index, 0, 3, false);
}

// ---- operators that only the table or another visit needs -----------------------------------

void InterpreterCompiler::visit(OpTag<Op::Nop>, const imm::None&) {}
void InterpreterCompiler::visit(OpTag<Op::Block>, const imm::BlockType& block) {
    begin_block(FrameKind::Block, block.sig);
}
void InterpreterCompiler::visit(OpTag<Op::Loop>, const imm::BlockType& block) {
    begin_block(FrameKind::Loop, block.sig);
}
void InterpreterCompiler::visit(OpTag<Op::If>, const imm::BlockType& block) {
    begin_block(FrameKind::If, block.sig);
}
void InterpreterCompiler::visit(OpTag<Op::Select>, const imm::None&) {
    select();
}
void InterpreterCompiler::visit(OpTag<Op::SelectTyped>, const imm::SelectType&) {
    select();
}
void InterpreterCompiler::visit(OpTag<Op::I32Const>, const imm::I32& value) {
    constant(value.value);
}
void InterpreterCompiler::visit(OpTag<Op::I64Const>, const imm::I64& value) {
    constant(value.value);
}
void InterpreterCompiler::visit(OpTag<Op::F32Const>, const imm::F32& value) {
    constant(value.bits);
}
void InterpreterCompiler::visit(OpTag<Op::F64Const>, const imm::F64& value) {
    constant(value.bits);
}
void InterpreterCompiler::visit(OpTag<Op::RefNull>, const imm::RefType&) {
    constant(0);
}

} // namespace tycho::wasm::detail
