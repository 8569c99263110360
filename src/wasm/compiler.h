// Translates one validated function body into interpreter code. It is the Interface of
// FunctionBodyDecoder: the decoder validates each instruction, then calls the matching
// method here, which emits register-style instructions over frame slots.
#pragma once

#include "code.h"
#include "function_body_decoder.h"

#include <cstddef>
#include <vector>

namespace tycho::wasm::detail {

// What the compiler needs to know about the module beyond ModuleInfo.
struct CompileEnv {
    const ModuleInfo& module;
    const std::vector<uint32_t>& canonical_type_ids; // per type index
    const std::vector<CompiledFunction>& functions;  // per defined function, addresses stable
};

class InterpreterCompiler {
  public:
    InterpreterCompiler(const CompileEnv& env, CompiledFunction& out) : env_(env), out_(out) {}

    // Sets the frame size once the decoder knows the maximum operand stack height.
    void finish(uint32_t max_height);

    // ---- FunctionBodyDecoder interface ------------------------------------------------------
#include "body_interface.inc"

  private:
    // An operand stack entry: a value already in its canonical stack slot, or a value not
    // computed into a slot yet: a local, a constant, or a local plus an i32 constant (kept
    // virtual so that memory accesses fold the addition into their address).
    struct Operand {
        enum class Kind : uint8_t { Stack, Local, Const, LocalAdd } kind = Kind::Stack;
        uint32_t local = 0;
        uint64_t value = 0; // Const: the bits; LocalAdd: the addend
        bool reads_local(uint32_t i) const {
            return (kind == Kind::Local || kind == Kind::LocalAdd) && local == i;
        }
    };
    struct Address {
        Slot slot;
        uint32_t addend;
        bool from_acc;
    };
    Address use_address(size_t pos);
    static bool fold_local_add(Op op, const Operand& a, const Operand& b, Operand& out);
    void emit_value_to(const Operand& o, Slot dst);
    struct Control {
        Control(FrameKind k, uint32_t h, uint32_t p, uint32_t r, bool live)
            : kind(k), height(h), params(p), results(r), live_at_start(live) {}
        FrameKind kind;
        uint32_t height; // operand stack height below the params
        uint32_t params;
        uint32_t results;
        bool live_at_start;
        size_t loop_start = 0;                         // Loop: where back-edges jump to
        size_t else_insn = SIZE_MAX;                   // If: the branch to the else arm ...
        size_t else_field = 0;                         // ... and its target field
        std::vector<std::pair<size_t, size_t>> fixups; // (instruction, target field) to patch
    };
    // The instruction that produced the value on top of the stack, while it is still the
    // last one emitted: local.set may redirect its result, br_if may fuse with a compare.
    struct Producer {
        size_t insn = SIZE_MAX;
        size_t end = 0;
        size_t dst_field = 0;
        size_t pos = 0; // stack position of the result
        Op op = Op::Nop;
        bool sets_acc = false; // the result is also in the accumulator afterwards
        bool has_imm = false;
        bool a_acc = false, b_acc = false; // operands it took from the accumulator
        bool mem_form = false;             // a binary operation with a memory operand
        Slot a = 0, b = 0;                 // operand slots (a: the address of a load)
        uint64_t imm = 0;
        uint32_t offset = 0, addend = 0; // of a load
        bool is_full_load(ValType t) const {
            return (op == Op::I32Load && t == ValType::I32) ||
                   (op == Op::I64Load && t == ValType::I64) ||
                   (op == Op::F32Load && t == ValType::F32) ||
                   (op == Op::F64Load && t == ValType::F64);
        }
    };
    // The load that produced the accumulator at `pos`, if it can become a memory operand.
    bool fusable_load_at(size_t pos, ValType type) const {
        return in_acc(pos) && producer_.is_full_load(type) && !producer_.a_acc;
    }
    void emit_binary_mem(Op op, NumericForm form, Slot a, size_t dst_pos, uint64_t imm);
    // Whether the value at `pos` is in the accumulator: produced by the last instruction.
    bool in_acc(size_t pos) const {
        return producer_.insn != SIZE_MAX && producer_.sets_acc && producer_.end == code_bytes() &&
               producer_.pos == pos && stack_[pos].kind == Operand::Kind::Stack;
    }

    template <class T> size_t emit(const T& insn);
    size_t code_bytes() const { return out_.code.size() * 8; }
    template <class T> T* at(size_t pos) {
        return reinterpret_cast<T*>(reinterpret_cast<uint8_t*>(out_.code.data()) + pos);
    }
    void patch_target(size_t insn, size_t field, size_t target);
    size_t label_here();
    void emit_copy(Slot src, Slot dst);
    void emit_slots(const std::vector<Slot>& slots);

    Slot local_slot(uint32_t i) const { return Slot(i * 8); }
    Slot stack_slot(size_t pos) const { return Slot((locals_ + pos) * 8); }
    Slot use(size_t pos);
    void materialize(size_t pos);
    void materialize_all();
    void materialize_local_refs(uint32_t local, size_t below);
    void pop(size_t n) { stack_.resize(stack_.size() - n); }
    void push_stack() { stack_.push_back(Operand{}); }
    void push_result_and_track(size_t insn, size_t dst_field, Op op, bool sets_acc);
    bool producer_on_top() const;
    void forget_producer() { producer_ = Producer{}; }
    void generic(Named which, uint32_t idx0, uint32_t idx1, unsigned pops, bool pushes);
    // generic() for an operator with a fixed signature, which gives the pops and the push.
    template <Op O> void generic_fixed(Named which, uint32_t idx0 = 0, uint32_t idx1 = 0) {
        using Fixed = FixedSignature<typename SpecialOp<O>::Signature>;
        generic(which, idx0, idx1, unsigned(Fixed::param_count), Fixed::has_result);
    }
    void end_function();
    void constant(uint64_t bits);
    void select();
    void local_set(uint32_t index);
    void begin_block(FrameKind kind, const BlockSig& sig);

    Control& label(uint32_t depth) { return controls_[controls_.size() - 1 - depth]; }
    uint32_t arity(const Control& c) const {
        return c.kind == FrameKind::Loop ? c.params : c.results;
    }
    bool needs_copies(const Control& c) const;
    void emit_copies(const Control& c);
    void emit_jump(Control& c);
    // Emits a conditional jump on the value on top (already popped into `cond`), fusing it
    // with the compare that produced it when possible. Returns the instruction position;
    // the target field is recorded in `fixup_field`.
    size_t emit_cond_branch(BranchForm form, size_t& fixup_field);
    void emit_return();

    const CompileEnv& env_;
    CompiledFunction& out_;
    uint32_t locals_ = 0; // params + declared locals: where the operand stack begins
    std::vector<Operand> stack_;
    std::vector<Control> controls_;
    Producer producer_;
    bool dead_ = false;
    size_t label_ = 0;            // the last jump target emitted
    size_t last_copy_ = SIZE_MAX; // position of the last single copy
};

} // namespace tycho::wasm::detail
