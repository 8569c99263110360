// The one function-body decoder: reads every instruction with its immediates, applies the
// Wasm 2.0 validation algorithm (operand stack with polymorphic unreachable code, control
// frames, multi-value block types), and reports each validated instruction to an
// Interface. The interpreter's compiler is one Interface; later tiers will be others.
#pragma once

#include "byte_reader.h"
#include "op.h"

#include <tycho/wasm/module_info.h>

#include <algorithm>
#include <span>
#include <string>
#include <vector>

namespace tycho::wasm {

// Parameter and result types of a block, loop, if or function.
struct BlockSig {
    std::span<const ValType> params;
    std::span<const ValType> results;
};

enum class FrameKind : uint8_t { Function, Block, Loop, If, Else };

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

    bool end_frame() {
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
        if (controls_.empty())
            iface_.end_function();
        else
            iface_.end(f.kind);
        return true;
    }

    bool special(Op op) {
        switch (op) {
        case Op::Unreachable:
            iface_.unreachable();
            set_unreachable();
            return true;
        case Op::Nop: return true;
        case Op::Block:
        case Op::Loop:
        case Op::If: {
            BlockSig sig;
            if (!read_block_sig(sig)) return false;
            if (op == Op::If && !pop(ValType::I32)) return false;
            if (!pop_all(sig.params)) return false;
            const FrameKind kind = op == Op::Block  ? FrameKind::Block
                                   : op == Op::Loop ? FrameKind::Loop
                                                    : FrameKind::If;
            push_frame(kind, sig);
            iface_.begin_block(kind, sig);
            return true;
        }
        case Op::Else: {
            Frame& f = controls_.back();
            if (f.kind != FrameKind::If) return fail("else without matching if");
            if (!pop_all(f.sig.results)) return false;
            if (stack_.size() != f.height)
                return fail("type mismatch: values remaining on stack before else");
            f.kind = FrameKind::Else;
            f.unreachable = false;
            push_all(f.sig.params);
            iface_.else_();
            return true;
        }
        case Op::End: return end_frame();
        case Op::Br: {
            uint32_t depth;
            const Frame* target;
            if (!reader_.u32(depth) || !frame_at(depth, target)) return false;
            if (!pop_all(label_types(*target))) return false;
            iface_.br(depth);
            set_unreachable();
            return true;
        }
        case Op::BrIf: {
            uint32_t depth;
            const Frame* target;
            if (!reader_.u32(depth) || !frame_at(depth, target)) return false;
            if (!pop(ValType::I32)) return false;
            // [t* i32] -> [t*]: in unreachable code this makes the label types concrete.
            const std::span<const ValType> types = label_types(*target);
            if (!pop_all(types)) return false;
            push_all(types);
            iface_.br_if(depth);
            return true;
        }
        case Op::BrTable: {
            uint32_t count;
            if (!reader_.u32(count)) return false;
            if (count > reader_.remaining()) return reader_.fail("unexpected end");
            targets_.clear();
            targets_.reserve(size_t(count) + 1);
            for (uint32_t i = 0; i <= count; ++i) {
                uint32_t d;
                if (!reader_.u32(d)) return false;
                targets_.push_back(d);
            }
            if (!pop(ValType::I32)) return false;
            const Frame* def;
            if (!frame_at(targets_.back(), def)) return false;
            const size_t arity = label_types(*def).size();
            for (uint32_t d : targets_) {
                const Frame* t;
                if (!frame_at(d, t)) return false;
                if (label_types(*t).size() != arity) return fail("type mismatch: br_table arity");
                if (!peek_all(label_types(*t))) return false;
            }
            iface_.br_table(targets_);
            set_unreachable();
            return true;
        }
        case Op::Return: {
            if (!pop_all(controls_.front().sig.results)) return false;
            iface_.return_();
            set_unreachable();
            return true;
        }
        case Op::Call: {
            uint32_t f;
            if (!reader_.u32(f)) return false;
            if (f >= m_.func_types.size()) return fail("unknown function " + std::to_string(f));
            const FuncType& ft = m_.func_type(f);
            if (!pop_all(ft.params)) return false;
            push_all(ft.results);
            iface_.call(f, ft);
            return true;
        }
        case Op::CallIndirect: {
            uint32_t type_index, table;
            if (!reader_.u32(type_index) || !reader_.u32(table)) return false;
            ValType et;
            if (!table_type(table, et)) return false;
            if (type_index >= m_.types.size()) return fail("unknown type");
            if (et != ValType::FuncRef)
                return fail("type mismatch: call_indirect on a non-funcref table");
            const FuncType& ft = m_.types[type_index];
            if (!pop(ValType::I32) || !pop_all(ft.params)) return false;
            push_all(ft.results);
            iface_.call_indirect(table, type_index, ft);
            return true;
        }
        case Op::Drop: {
            ValType t;
            if (!pop_any(t)) return false;
            iface_.drop();
            return true;
        }
        case Op::Select:
        case Op::SelectTyped: {
            ValType t = kUnknown;
            if (op == Op::SelectTyped) {
                uint32_t n;
                if (!reader_.u32(n)) return false;
                if (n != 1) return fail("invalid result arity");
                if (!read_val_type(t)) return false;
            }
            if (!pop(ValType::I32)) return false;
            ValType b, a;
            if (!pop_any(b) || !pop_any(a)) return false;
            if (op == Op::Select) {
                if ((a != kUnknown && !is_num(a)) || (b != kUnknown && !is_num(b)))
                    return fail("type mismatch: select needs numeric operands");
                if (a != b && a != kUnknown && b != kUnknown)
                    return fail("type mismatch in select");
                t = a == kUnknown ? b : a;
            } else {
                if ((a != t && a != kUnknown) || (b != t && b != kUnknown))
                    return fail("type mismatch in select");
            }
            push(t);
            iface_.select();
            return true;
        }
        case Op::LocalGet:
        case Op::LocalSet:
        case Op::LocalTee: {
            uint32_t idx;
            ValType t;
            if (!reader_.u32(idx) || !local_type(idx, t)) return false;
            if (op == Op::LocalGet) {
                push(t);
                iface_.local_get(idx);
            } else if (op == Op::LocalSet) {
                if (!pop(t)) return false;
                iface_.local_set(idx);
            } else {
                if (!pop(t)) return false;
                push(t);
                iface_.local_tee(idx);
            }
            return true;
        }
        case Op::GlobalGet:
        case Op::GlobalSet: {
            uint32_t idx;
            if (!reader_.u32(idx)) return false;
            if (idx >= m_.globals.size()) return fail("unknown global " + std::to_string(idx));
            const GlobalType& g = m_.globals[idx];
            if (op == Op::GlobalGet) {
                push(g.type);
                iface_.global_get(idx);
            } else {
                if (!g.is_mutable) return fail("global is immutable");
                if (!pop(g.type)) return false;
                iface_.global_set(idx);
            }
            return true;
        }
        case Op::TableGet:
        case Op::TableSet: {
            uint32_t t;
            ValType et;
            if (!reader_.u32(t) || !table_type(t, et)) return false;
            if (op == Op::TableGet) {
                if (!pop(ValType::I32)) return false;
                push(et);
                iface_.table_get(t);
            } else {
                if (!pop(et) || !pop(ValType::I32)) return false;
                iface_.table_set(t);
            }
            return true;
        }
        case Op::MemorySize:
        case Op::MemoryGrow: {
            if (!zero_byte() || !require_memory()) return false;
            if (op == Op::MemoryGrow && !pop(ValType::I32)) return false;
            push(ValType::I32);
            if (op == Op::MemorySize)
                iface_.memory_size();
            else
                iface_.memory_grow();
            return true;
        }
        case Op::I32Const: {
            int32_t v;
            if (!reader_.s32(v)) return false;
            push(ValType::I32);
            iface_.constant(ValType::I32, uint32_t(v));
            return true;
        }
        case Op::I64Const: {
            int64_t v;
            if (!reader_.s64(v)) return false;
            push(ValType::I64);
            iface_.constant(ValType::I64, uint64_t(v));
            return true;
        }
        case Op::F32Const: {
            uint32_t v;
            if (!reader_.fixed(v)) return false;
            push(ValType::F32);
            iface_.constant(ValType::F32, v);
            return true;
        }
        case Op::F64Const: {
            uint64_t v;
            if (!reader_.fixed(v)) return false;
            push(ValType::F64);
            iface_.constant(ValType::F64, v);
            return true;
        }
        case Op::RefNull: {
            ValType t;
            if (!read_ref_type(t)) return false;
            push(t);
            iface_.constant(t, 0);
            return true;
        }
        case Op::RefIsNull: {
            ValType t;
            if (!pop_any(t)) return false;
            if (t != kUnknown && !is_ref(t))
                return fail("type mismatch: ref.is_null needs a reference");
            push(ValType::I32);
            iface_.ref_is_null();
            return true;
        }
        case Op::RefFunc: {
            uint32_t f;
            if (!reader_.u32(f)) return false;
            if (f >= m_.func_types.size()) return fail("unknown function " + std::to_string(f));
            if (f >= ctx_.declared_refs.size() || !ctx_.declared_refs[f])
                return fail("undeclared function reference");
            push(ValType::FuncRef);
            iface_.ref_func(f);
            return true;
        }
        case Op::MemoryInit: {
            uint32_t seg;
            if (!reader_.u32(seg) || !zero_byte() || !require_memory() || !data_index(seg))
                return false;
            if (!pop(ValType::I32) || !pop(ValType::I32) || !pop(ValType::I32)) return false;
            iface_.memory_init(seg);
            return true;
        }
        case Op::DataDrop: {
            uint32_t seg;
            if (!reader_.u32(seg) || !data_index(seg)) return false;
            iface_.data_drop(seg);
            return true;
        }
        case Op::MemoryCopy:
        case Op::MemoryFill: {
            if (!zero_byte()) return false;
            if (op == Op::MemoryCopy && !zero_byte()) return false;
            if (!require_memory()) return false;
            if (!pop(ValType::I32) || !pop(ValType::I32) || !pop(ValType::I32)) return false;
            if (op == Op::MemoryCopy)
                iface_.memory_copy();
            else
                iface_.memory_fill();
            return true;
        }
        case Op::TableInit: {
            uint32_t seg, table;
            ValType et, tt;
            if (!reader_.u32(seg) || !reader_.u32(table)) return false;
            if (!table_type(table, tt) || !elem_type(seg, et)) return false;
            if (et != tt) return fail("type mismatch: table.init element type");
            if (!pop(ValType::I32) || !pop(ValType::I32) || !pop(ValType::I32)) return false;
            iface_.table_init(seg, table);
            return true;
        }
        case Op::ElemDrop: {
            uint32_t seg;
            ValType et;
            if (!reader_.u32(seg) || !elem_type(seg, et)) return false;
            iface_.elem_drop(seg);
            return true;
        }
        case Op::TableCopy: {
            uint32_t dst, src;
            ValType dt, st;
            if (!reader_.u32(dst) || !reader_.u32(src)) return false;
            if (!table_type(dst, dt) || !table_type(src, st)) return false;
            if (dt != st) return fail("type mismatch: table.copy element types");
            if (!pop(ValType::I32) || !pop(ValType::I32) || !pop(ValType::I32)) return false;
            iface_.table_copy(dst, src);
            return true;
        }
        case Op::TableGrow:
        case Op::TableSize:
        case Op::TableFill: {
            uint32_t t;
            ValType et;
            if (!reader_.u32(t) || !table_type(t, et)) return false;
            if (op == Op::TableGrow) {
                if (!pop(ValType::I32) || !pop(et)) return false;
                push(ValType::I32);
                iface_.table_grow(t);
            } else if (op == Op::TableSize) {
                push(ValType::I32);
                iface_.table_size(t);
            } else {
                if (!pop(ValType::I32) || !pop(et) || !pop(ValType::I32)) return false;
                iface_.table_fill(t);
            }
            return true;
        }
        default: return fail("illegal opcode");
        }
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
