// The one function-body decoder: reads every instruction with its immediates, applies the
// Wasm 2.0 validation algorithm (operand stack with polymorphic unreachable code, control
// frames, multi-value block types), and reports each validated instruction to an
// Interface. The interpreter's compiler is one Interface; later tiers will be others.
//
// An Interface provides begin_function(type, locals), numeric(op), load(op, offset),
// store(op, offset), and visit(OpTag<Op::X>, const imm::Y&) for each special operator X of
// opcodes.def with its immediate Y (body_interface.inc declares them all). A visit comes
// after the operator has been validated and the decoder's stacks updated; the function's
// own `end` is visit(OpTag<Op::End>, imm) with imm.function set.
#pragma once

#include "byte_reader.h"
#include "op.h"

#include <tycho/wasm/module_info.h>

#include <algorithm>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace tycho::wasm {

// Context the decoder needs beyond the module itself.
struct BodyContext {
    const ModuleInfo& module;
    const std::vector<bool>& declared_refs; // C.refs: functions usable by ref.func
};

template <class Interface> class FunctionBodyDecoder {
  public:
    FunctionBodyDecoder(const BodyContext& ctx, uint32_t func_index, Interface& iface)
        : ctx_(ctx), m_(ctx.module), func_index_(func_index), iface_(iface),
          body_(m_.bodies[func_index - m_.num_imported_funcs]),
          reader_(m_.bytes.data() + body_.code_offset, body_.code_end - body_.code_offset,
                  body_.code_offset) {}

    Result<void> decode() {
        const FuncType& type = m_.func_type(func_index_);
        locals_ = type.params;
        locals_.reserve(type.params.size() + body_.num_locals);
        for (const LocalGroup& g : body_.locals)
            locals_.insert(locals_.end(), g.count, g.type);
        iface_.begin_function(type, locals_);
        push_frame(FrameKind::Function, BlockSig{{}, type.results});
        while (!controls_.empty()) {
            if (!step()) return reader_.error();
        }
        if (!reader_.at_end())
            return Error{"operators remaining after end of function", reader_.offset()};
        return {};
    }

  private:
    static constexpr ValType kUnknown = ValType(0); // bottom type of the polymorphic stack

    struct Frame {
        FrameKind kind;
        BlockSig sig;
        uint32_t height; // operand stack height below the frame's params
        bool unreachable;
    };

    // ---- errors -------------------------------------------------------------------------
    bool fail(std::string msg) { return reader_.fail_at(op_offset_, std::move(msg)); }

    // ---- operand stack ------------------------------------------------------------------
    void push(ValType t) {
        stack_.push_back(t);
        if (stack_.size() > max_height_) max_height_ = uint32_t(stack_.size());
    }
    void push_all(std::span<const ValType> ts) {
        for (ValType t : ts)
            push(t);
    }
    bool pop_any(ValType& out) {
        Frame& f = controls_.back();
        if (stack_.size() == f.height) {
            if (f.unreachable) {
                out = kUnknown;
                return true;
            }
            return fail("type mismatch: operand stack underflow");
        }
        out = stack_.back();
        stack_.pop_back();
        return true;
    }
    bool pop(ValType expect) {
        ValType got;
        if (!pop_any(got)) return false;
        if (got != expect && got != kUnknown && expect != kUnknown)
            return fail(std::string("type mismatch: expected ") + to_string(expect) + ", got " +
                        to_string(got));
        return true;
    }
    bool pop_all(std::span<const ValType> ts) {
        for (size_t i = ts.size(); i-- > 0;)
            if (!pop(ts[i])) return false;
        return true;
    }
    // Checks that the top of the stack matches `ts` without popping (for br_if/br_table).
    bool peek_all(std::span<const ValType> ts) {
        const Frame& f = controls_.back();
        for (size_t i = 0; i < ts.size(); ++i) {
            size_t from_top = ts.size() - 1 - i;
            size_t avail = stack_.size() - f.height;
            if (from_top >= avail) {
                if (!f.unreachable) return fail("type mismatch: operand stack underflow");
                continue;
            }
            ValType got = stack_[stack_.size() - 1 - from_top];
            if (got != ts[i] && got != kUnknown) return fail("type mismatch in branch operands");
        }
        return true;
    }

    // ---- control stack ------------------------------------------------------------------
    void push_frame(FrameKind kind, BlockSig sig) {
        controls_.push_back(Frame{kind, sig, uint32_t(stack_.size()), false});
        push_all(sig.params);
    }
    void set_unreachable() {
        Frame& f = controls_.back();
        stack_.resize(f.height);
        f.unreachable = true;
    }
    static std::span<const ValType> label_types(const Frame& f) {
        return f.kind == FrameKind::Loop ? f.sig.params : f.sig.results;
    }
    // The frame `depth` labels out, which read(imm::Label) has checked exists.
    const Frame& label(uint32_t depth) const { return controls_[controls_.size() - 1 - depth]; }
    bool frame_at(uint32_t depth, const Frame*& out) {
        if (depth >= controls_.size()) return fail("unknown label");
        out = &controls_[controls_.size() - 1 - depth];
        return true;
    }

    // ---- immediates ---------------------------------------------------------------------
    bool read_block_sig(BlockSig& sig) {
        const uint8_t* p = reader_.position();
        if (reader_.remaining() == 0) return reader_.fail("unexpected end");
        const uint8_t b = *p;
        if (b == 0x40) {
            reader_.skip(1);
            sig = {};
            return true;
        }
        if (b == 0x7F || b == 0x7E || b == 0x7D || b == 0x7C || b == 0x70 || b == 0x6F) {
            reader_.skip(1);
            sig = BlockSig{{}, std::span<const ValType>(&kSingle[index_of_single(b)], 1)};
            return true;
        }
        int64_t idx;
        if (!reader_.s33(idx)) return false;
        if (idx < 0) return fail("malformed block type");
        if (uint64_t(idx) >= m_.types.size()) return fail("unknown type");
        const FuncType& ft = m_.types[size_t(idx)];
        sig = BlockSig{ft.params, ft.results};
        return true;
    }
    static constexpr ValType kSingle[6] = {ValType::I32, ValType::I64,     ValType::F32,
                                           ValType::F64, ValType::FuncRef, ValType::ExternRef};
    static size_t index_of_single(uint8_t b) {
        switch (b) {
        case 0x7F: return 0;
        case 0x7E: return 1;
        case 0x7D: return 2;
        case 0x7C: return 3;
        case 0x70: return 4;
        default: return 5;
        }
    }
    bool read_ref_type(ValType& t) {
        uint8_t b;
        if (!reader_.u8(b)) return false;
        if (b != 0x70 && b != 0x6F) return fail("malformed reference type");
        t = ValType(b);
        return true;
    }
    bool read_val_type(ValType& t) {
        uint8_t b;
        if (!reader_.u8(b)) return false;
        switch (b) {
        case 0x7F:
        case 0x7E:
        case 0x7D:
        case 0x7C:
        case 0x70:
        case 0x6F: t = ValType(b); return true;
        default: return fail("malformed value type");
        }
    }
    bool zero_byte() {
        uint8_t b;
        if (!reader_.u8(b)) return false;
        if (b != 0) return fail("zero byte expected");
        return true;
    }
    bool local_type(uint32_t idx, ValType& t) {
        if (idx >= locals_.size()) return fail("unknown local");
        t = locals_[idx];
        return true;
    }
    bool require_memory() {
        if (m_.memories.empty()) return fail("unknown memory 0");
        return true;
    }
    bool table_type(uint32_t idx, ValType& t) {
        if (idx >= m_.tables.size()) return fail("unknown table " + std::to_string(idx));
        t = m_.tables[idx].element;
        return true;
    }
    bool elem_type(uint32_t idx, ValType& t) {
        if (idx >= m_.elements.size()) return fail("unknown elem segment " + std::to_string(idx));
        t = m_.elements[idx].type;
        return true;
    }
    bool data_index(uint32_t idx) {
        if (!m_.data_count) return fail("data count section required");
        if (idx >= *m_.data_count) return fail("unknown data segment " + std::to_string(idx));
        return true;
    }

    // ---- one instruction ----------------------------------------------------------------
    bool step() {
        op_offset_ = reader_.offset();
        uint8_t byte;
        if (!reader_.u8(byte)) return false;
        int16_t id;
        if (byte == 0xFC) {
            uint32_t sub;
            if (!reader_.u32(sub)) return false;
            id = sub < 32 ? kOpcodeMap.fc[sub] : int16_t(-1);
        } else {
            id = kOpcodeMap.plain[byte];
        }
        if (id < 0) return fail("illegal opcode");
        const Op op = Op(id);
        const OpInfo& oi = info(op);
        if (oi.operands == 1) {
            if (!pop(oi.a)) return false;
            push(oi.result);
            iface_.numeric(op);
            return true;
        }
        if (oi.operands == 2) {
            if (!pop(oi.b) || !pop(oi.a)) return false;
            push(oi.result);
            iface_.numeric(op);
            return true;
        }
        if (oi.is_load || oi.is_store) return memory_access(op, oi);
        return special(op);
    }

    bool memory_access(Op op, const OpInfo& oi) {
        uint32_t align, offset;
        if (!reader_.u32(align) || !reader_.u32(offset)) return false;
        if (!require_memory()) return false;
        if (align > oi.natural_align) return fail("alignment must not be larger than natural");
        if (oi.is_load) {
            if (!pop(ValType::I32)) return false;
            push(oi.result);
            iface_.load(op, offset);
        } else {
            if (!pop(oi.b) || !pop(ValType::I32)) return false;
            iface_.store(op, offset);
        }
        return true;
    }

    // ---- special operators: immediates, typing rules, and the visit -----------------------
    // Each special operator is read, typed and visited by the same three steps, expanded
    // from opcodes.def: its immediate is read and checked by the reader of its kind, its
    // signature is applied (generically when it is fixed, by its rule otherwise), then the
    // Interface visits it with the immediate.
    bool special(Op op) {
        switch (op) {
#define TYCHO_SPECIAL(Name, prefix, code, text, Imm, Sig)                                          \
    case Op::Name: return special(OpTag<Op::Name>{});
#include "opcodes.def"
        default: return fail("illegal opcode");
        }
    }

    template <Op O> bool special(OpTag<O> tag) {
        ImmediateOf<O> imm{};
        if (!read(imm)) return false;
        using Signature = typename SpecialOp<O>::Signature;
        if constexpr (std::is_same_v<Signature, sig::Custom>) {
            if (!rule(tag, imm)) return false;
        } else {
            using Fixed = FixedSignature<Signature>;
            if (!pop_all(std::span(Fixed::params, Fixed::param_count))) return false;
            if constexpr (Fixed::has_result) push(Fixed::result());
        }
        iface_.visit(tag, imm);
        return true;
    }

    // Immediate readers, one per kind; each checks what it names against the module.
    bool read(imm::None&) { return true; }
    bool read(imm::BlockType& i) { return read_block_sig(i.sig); }
    bool read(imm::Else&) { return true; }
    bool read(imm::End&) { return true; }
    bool read(imm::Label& i) {
        const Frame* target;
        return reader_.u32(i.depth) && frame_at(i.depth, target);
    }
    bool read(imm::LabelTable& i) {
        uint32_t count;
        if (!reader_.u32(count)) return false;
        if (count > reader_.remaining()) return reader_.fail("unexpected end");
        targets_.clear();
        targets_.reserve(size_t(count) + 1);
        for (uint32_t n = 0; n <= count; ++n) {
            uint32_t d;
            if (!reader_.u32(d)) return false;
            targets_.push_back(d);
        }
        i.depths = targets_;
        return true;
    }
    bool read(imm::Func& i) {
        if (!reader_.u32(i.index)) return false;
        if (i.index >= m_.func_types.size())
            return fail("unknown function " + std::to_string(i.index));
        i.type = &m_.func_type(i.index);
        return true;
    }
    bool read(imm::CallIndirect& i) {
        if (!reader_.u32(i.type_index) || !reader_.u32(i.table)) return false;
        ValType element;
        if (!table_type(i.table, element)) return false;
        if (i.type_index >= m_.types.size()) return fail("unknown type");
        if (element != ValType::FuncRef)
            return fail("type mismatch: call_indirect on a non-funcref table");
        i.type = &m_.types[i.type_index];
        return true;
    }
    bool read(imm::SelectType& i) {
        uint32_t n;
        if (!reader_.u32(n)) return false;
        if (n != 1) return fail("invalid result arity");
        return read_val_type(i.type);
    }
    bool read(imm::Local& i) { return reader_.u32(i.index) && local_type(i.index, i.type); }
    bool read(imm::Global& i) {
        if (!reader_.u32(i.index)) return false;
        if (i.index >= m_.globals.size()) return fail("unknown global " + std::to_string(i.index));
        i.type = m_.globals[i.index];
        return true;
    }
    bool read(imm::Table& i) { return reader_.u32(i.index) && table_type(i.index, i.element); }
    bool read(imm::Memory&) { return zero_byte() && require_memory(); }
    bool read(imm::MemoryPair&) { return zero_byte() && zero_byte() && require_memory(); }
    bool read(imm::I32& i) {
        int32_t v;
        if (!reader_.s32(v)) return false;
        i.value = uint32_t(v);
        return true;
    }
    bool read(imm::I64& i) {
        int64_t v;
        if (!reader_.s64(v)) return false;
        i.value = uint64_t(v);
        return true;
    }
    bool read(imm::F32& i) { return reader_.fixed(i.bits); }
    bool read(imm::F64& i) { return reader_.fixed(i.bits); }
    bool read(imm::RefType& i) { return read_ref_type(i.type); }
    bool read(imm::Data& i) { return reader_.u32(i.segment) && data_index(i.segment); }
    bool read(imm::MemoryInit& i) {
        return reader_.u32(i.segment) && zero_byte() && require_memory() && data_index(i.segment);
    }
    bool read(imm::Elem& i) {
        ValType element;
        return reader_.u32(i.segment) && elem_type(i.segment, element);
    }
    bool read(imm::TableInit& i) {
        ValType element, table;
        if (!reader_.u32(i.segment) || !reader_.u32(i.table)) return false;
        if (!table_type(i.table, table) || !elem_type(i.segment, element)) return false;
        if (element != table) return fail("type mismatch: table.init element type");
        return true;
    }
    bool read(imm::TablePair& i) {
        ValType dst, src;
        if (!reader_.u32(i.dst) || !reader_.u32(i.src)) return false;
        if (!table_type(i.dst, dst) || !table_type(i.src, src)) return false;
        if (dst != src) return fail("type mismatch: table.copy element types");
        return true;
    }

    // Typing rules of the operators whose signature is sig::Custom.
    bool rule(OpTag<Op::Unreachable>, imm::None&) {
        set_unreachable();
        return true;
    }
    bool begin_frame(FrameKind kind, const BlockSig& sig) {
        if (!pop_all(sig.params)) return false;
        push_frame(kind, sig);
        return true;
    }
    bool rule(OpTag<Op::Block>, imm::BlockType& i) { return begin_frame(FrameKind::Block, i.sig); }
    bool rule(OpTag<Op::Loop>, imm::BlockType& i) { return begin_frame(FrameKind::Loop, i.sig); }
    bool rule(OpTag<Op::If>, imm::BlockType& i) {
        return pop(ValType::I32) && begin_frame(FrameKind::If, i.sig);
    }
    bool rule(OpTag<Op::Else>, imm::Else& i) {
        Frame& f = controls_.back();
        if (f.kind != FrameKind::If) return fail("else without matching if");
        if (!pop_all(f.sig.results)) return false;
        if (stack_.size() != f.height)
            return fail("type mismatch: values remaining on stack before else");
        f.kind = FrameKind::Else;
        f.unreachable = false;
        push_all(f.sig.params);
        i.sig = f.sig;
        return true;
    }
    bool rule(OpTag<Op::End>, imm::End& i) {
        Frame f = controls_.back();
        if (!pop_all(f.sig.results)) return false;
        if (stack_.size() != f.height)
            return fail("type mismatch: values remaining on stack at end of block");
        // An `if` without `else` passes its params through as its results.
        if (f.kind == FrameKind::If && !std::equal(f.sig.params.begin(), f.sig.params.end(),
                                                   f.sig.results.begin(), f.sig.results.end()))
            return fail("type mismatch: if without else must have matching param and result types");
        controls_.pop_back();
        push_all(f.sig.results);
        i.kind = f.kind;
        i.function = controls_.empty();
        return true;
    }
    bool rule(OpTag<Op::Br>, imm::Label& i) {
        if (!pop_all(label_types(label(i.depth)))) return false;
        set_unreachable();
        return true;
    }
    bool rule(OpTag<Op::BrIf>, imm::Label& i) {
        if (!pop(ValType::I32)) return false;
        // [t* i32] -> [t*]: in unreachable code this makes the label types concrete.
        const std::span<const ValType> types = label_types(label(i.depth));
        if (!pop_all(types)) return false;
        push_all(types);
        return true;
    }
    bool rule(OpTag<Op::BrTable>, imm::LabelTable& i) {
        if (!pop(ValType::I32)) return false;
        const Frame* fallback;
        if (!frame_at(i.depths.back(), fallback)) return false;
        const size_t arity = label_types(*fallback).size();
        for (uint32_t d : i.depths) {
            const Frame* t;
            if (!frame_at(d, t)) return false;
            if (label_types(*t).size() != arity) return fail("type mismatch: br_table arity");
            if (!peek_all(label_types(*t))) return false;
        }
        set_unreachable();
        return true;
    }
    bool rule(OpTag<Op::Return>, imm::None&) {
        if (!pop_all(controls_.front().sig.results)) return false;
        set_unreachable();
        return true;
    }
    bool rule(OpTag<Op::Call>, imm::Func& i) {
        if (!pop_all(i.type->params)) return false;
        push_all(i.type->results);
        return true;
    }
    bool rule(OpTag<Op::CallIndirect>, imm::CallIndirect& i) {
        if (!pop(ValType::I32) || !pop_all(i.type->params)) return false;
        push_all(i.type->results);
        return true;
    }
    bool rule(OpTag<Op::Drop>, imm::None&) {
        ValType t;
        return pop_any(t);
    }
    bool rule(OpTag<Op::Select>, imm::None&) {
        ValType b, a;
        if (!pop(ValType::I32) || !pop_any(b) || !pop_any(a)) return false;
        if ((a != kUnknown && !is_num(a)) || (b != kUnknown && !is_num(b)))
            return fail("type mismatch: select needs numeric operands");
        if (a != b && a != kUnknown && b != kUnknown) return fail("type mismatch in select");
        push(a == kUnknown ? b : a);
        return true;
    }
    bool rule(OpTag<Op::SelectTyped>, imm::SelectType& i) {
        ValType b, a;
        if (!pop(ValType::I32) || !pop_any(b) || !pop_any(a)) return false;
        if ((a != i.type && a != kUnknown) || (b != i.type && b != kUnknown))
            return fail("type mismatch in select");
        push(i.type);
        return true;
    }
    bool rule(OpTag<Op::LocalGet>, imm::Local& i) {
        push(i.type);
        return true;
    }
    bool rule(OpTag<Op::LocalSet>, imm::Local& i) { return pop(i.type); }
    bool rule(OpTag<Op::LocalTee>, imm::Local& i) {
        if (!pop(i.type)) return false;
        push(i.type);
        return true;
    }
    bool rule(OpTag<Op::GlobalGet>, imm::Global& i) {
        push(i.type.type);
        return true;
    }
    bool rule(OpTag<Op::GlobalSet>, imm::Global& i) {
        if (!i.type.is_mutable) return fail("global is immutable");
        return pop(i.type.type);
    }
    bool rule(OpTag<Op::TableGet>, imm::Table& i) {
        if (!pop(ValType::I32)) return false;
        push(i.element);
        return true;
    }
    bool rule(OpTag<Op::TableSet>, imm::Table& i) { return pop(i.element) && pop(ValType::I32); }
    bool rule(OpTag<Op::RefNull>, imm::RefType& i) {
        push(i.type);
        return true;
    }
    bool rule(OpTag<Op::RefIsNull>, imm::None&) {
        ValType t;
        if (!pop_any(t)) return false;
        if (t != kUnknown && !is_ref(t))
            return fail("type mismatch: ref.is_null needs a reference");
        push(ValType::I32);
        return true;
    }
    bool rule(OpTag<Op::RefFunc>, imm::Func& i) {
        if (i.index >= ctx_.declared_refs.size() || !ctx_.declared_refs[i.index])
            return fail("undeclared function reference");
        push(ValType::FuncRef);
        return true;
    }
    bool rule(OpTag<Op::TableGrow>, imm::Table& i) {
        if (!pop(ValType::I32) || !pop(i.element)) return false;
        push(ValType::I32);
        return true;
    }
    bool rule(OpTag<Op::TableFill>, imm::Table& i) {
        return pop(ValType::I32) && pop(i.element) && pop(ValType::I32);
    }

  public:
    uint32_t max_height() const { return max_height_; }

  private:
    const BodyContext& ctx_;
    const ModuleInfo& m_;
    uint32_t func_index_;
    Interface& iface_;
    const FunctionBody& body_;
    ByteReader reader_;
    size_t op_offset_ = 0;
    std::vector<ValType> locals_;
    std::vector<ValType> stack_;
    std::vector<Frame> controls_;
    std::vector<uint32_t> targets_;
    uint32_t max_height_ = 0;
};

} // namespace tycho::wasm
