#include "module_generator.h"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace tycho::fuzz {

using wasm::ValType;

uint32_t FuzzInput::u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= uint32_t(byte()) << (8 * i);
    return v;
}

uint64_t FuzzInput::u64() {
    return u32() | (uint64_t(u32()) << 32);
}

uint32_t FuzzInput::below(uint32_t bound) {
    // One byte for small bounds keeps inputs short and mutations local.
    const uint32_t raw = bound <= 256 ? byte() : u32();
    return raw % bound;
}

namespace {

constexpr std::array<ValType, 4> kNumTypes = {ValType::I32, ValType::I64, ValType::F32,
                                              ValType::F64};

int type_slot(ValType t) {
    switch (t) {
    case ValType::I32: return 0;
    case ValType::I64: return 1;
    case ValType::F32: return 2;
    default: return 3;
    }
}
bool is_float(ValType t) {
    return t == ValType::F32 || t == ValType::F64;
}

// ---------------------------------------------------------------------------------------------
// Operator tables, expanded from the engine's opcode list

template <class T> constexpr ValType wasm_type_of() {
    if constexpr (std::is_same_v<T, uint32_t>)
        return ValType::I32;
    else if constexpr (std::is_same_v<T, uint64_t>)
        return ValType::I64;
    else if constexpr (std::is_same_v<T, float>)
        return ValType::F32;
    else if constexpr (std::is_same_v<T, double>)
        return ValType::F64;
    else
        return ValType::V128; // the missing operand of a unary operator; never read
}

struct NumericOp {
    uint8_t prefix;
    uint8_t code;
    std::string_view text;
    ValType result;
    ValType a;
    ValType b;
    bool binary;
};

constexpr NumericOp kNumericOps[] = {
#define TYCHO_NUMERIC(Name, prefix, code, text, R, A, B, Traps)                                    \
    {prefix,                                                                                       \
     code,                                                                                         \
     text,                                                                                         \
     wasm_type_of<R>(),                                                                            \
     wasm_type_of<A>(),                                                                            \
     wasm_type_of<B>(),                                                                            \
     !std::is_void_v<B>},
#include "opcodes.def"
};

struct MemoryOp {
    uint8_t code;
    ValType type;  // loaded or stored value
    uint8_t align; // natural alignment, log2
    bool is_float; // the bytes are a float's, so NaN bits reach memory
};

constexpr MemoryOp kLoads[] = {
#define TYCHO_LOAD(Name, code, text, R, Stored, align)                                             \
    {code, wasm_type_of<R>(), align, std::is_floating_point_v<Stored>},
#include "opcodes.def"
};

constexpr MemoryOp kStores[] = {
#define TYCHO_STORE(Name, code, text, A, Stored, align)                                            \
    {code, wasm_type_of<A>(), align, std::is_floating_point_v<Stored>},
#include "opcodes.def"
};

// Float results whose bits the spec fixes even for NaN operands: these operators touch the
// sign bit only (or reinterpret an integer), so they are not "arithmetic".
bool keeps_nan_bits(const NumericOp& op) {
    return op.text.ends_with(".abs") || op.text.ends_with(".neg") ||
           op.text.ends_with(".copysign") || op.text.starts_with("f32.reinterpret") ||
           op.text.starts_with("f64.reinterpret");
}
// Operators that turn a float's bits into an integer (or another float's sign).
bool exposes_nan_bits(const NumericOp& op) {
    return op.text.starts_with("i32.reinterpret") || op.text.starts_with("i64.reinterpret");
}

namespace opcode {
constexpr uint8_t Unreachable = 0x00, Nop = 0x01, Block = 0x02, Loop = 0x03, If = 0x04, Else = 0x05,
                  End = 0x0B, Br = 0x0C, BrIf = 0x0D, BrTable = 0x0E, Return = 0x0F, Call = 0x10,
                  CallIndirect = 0x11, Drop = 0x1A, Select = 0x1B, SelectTyped = 0x1C,
                  LocalGet = 0x20, LocalSet = 0x21, LocalTee = 0x22, GlobalGet = 0x23,
                  GlobalSet = 0x24, MemorySize = 0x3F, MemoryGrow = 0x40, I32Const = 0x41,
                  I64Const = 0x42, F32Const = 0x43, F64Const = 0x44, I32Sub = 0x6B, I32And = 0x71,
                  F32Eq = 0x5B, F64Eq = 0x61, Prefix = 0xFC, MemoryCopy = 0x0A, MemoryFill = 0x0B,
                  BlockTypeEmpty = 0x40;
}

// ---------------------------------------------------------------------------------------------
// Interesting values

template <class F> uint64_t bits_of(F value) {
    if constexpr (sizeof(F) == 4)
        return std::bit_cast<uint32_t>(value);
    else
        return std::bit_cast<uint64_t>(value);
}

constexpr uint32_t kF32CanonicalNan = 0x7FC00000;
constexpr uint64_t kF64CanonicalNan = 0x7FF8000000000000;

const std::vector<uint64_t>& interesting_list(ValType type) {
    using f32 = std::numeric_limits<float>;
    using f64 = std::numeric_limits<double>;
    static const std::vector<uint64_t> i32 = {
        0,       1,          0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 2,         31,
        32,      33,         0x80,       0xFF,       0x7FFF,     0x8000,    0xFFFF,
        0x10000, 0xFFFF0000, 0xFFFFFFFE, 65535,      65536 - 4,  131072 - 8};
    static const std::vector<uint64_t> i64 = {0,
                                              1,
                                              ~uint64_t(0),
                                              uint64_t(1) << 63,
                                              (uint64_t(1) << 63) - 1,
                                              0x80000000,
                                              0xFFFFFFFF,
                                              0x100000000,
                                              0xFFFFFFFF80000000,
                                              63,
                                              64,
                                              65,
                                              2};
    static const std::vector<uint64_t> f32s = {bits_of(0.0f),
                                               bits_of(-0.0f),
                                               bits_of(1.0f),
                                               bits_of(-1.0f),
                                               bits_of(f32::infinity()),
                                               bits_of(-f32::infinity()),
                                               kF32CanonicalNan,
                                               0xFFC00000,
                                               0x7FC12345,
                                               0xFFD00001,
                                               0x7F800001,
                                               0x7FA00000,
                                               0xFF800001,
                                               bits_of(f32::denorm_min()),
                                               bits_of(f32::min()),
                                               bits_of(f32::max()),
                                               bits_of(-f32::max()),
                                               bits_of(2147483648.0f),
                                               bits_of(-2147483648.0f),
                                               bits_of(2147483520.0f),
                                               bits_of(-2147483904.0f),
                                               bits_of(4294967296.0f),
                                               bits_of(4294967040.0f),
                                               bits_of(9223372036854775808.0f),
                                               bits_of(-9223372036854775808.0f),
                                               bits_of(9223371487098961920.0f),
                                               bits_of(18446744073709551616.0f),
                                               bits_of(0.5f),
                                               bits_of(-0.5f),
                                               bits_of(1.5f),
                                               bits_of(2.5f),
                                               bits_of(-0.99999994f),
                                               bits_of(8388609.0f)};
    static const std::vector<uint64_t> f64s = {bits_of(0.0),
                                               bits_of(-0.0),
                                               bits_of(1.0),
                                               bits_of(-1.0),
                                               bits_of(f64::infinity()),
                                               bits_of(-f64::infinity()),
                                               kF64CanonicalNan,
                                               0xFFF8000000000000,
                                               0x7FF8000000012345,
                                               0xFFF4000000000001,
                                               0x7FF0000000000001,
                                               0x7FF4000000000000,
                                               bits_of(f64::denorm_min()),
                                               bits_of(f64::min()),
                                               bits_of(f64::max()),
                                               bits_of(-f64::max()),
                                               bits_of(2147483647.0),
                                               bits_of(2147483647.9),
                                               bits_of(2147483648.0),
                                               bits_of(-2147483648.0),
                                               bits_of(-2147483648.9),
                                               bits_of(-2147483649.0),
                                               bits_of(4294967295.9),
                                               bits_of(4294967296.0),
                                               bits_of(9223372036854775808.0),
                                               bits_of(-9223372036854775808.0),
                                               bits_of(9223372036854774784.0),
                                               bits_of(-9223372036854777856.0),
                                               bits_of(18446744073709551616.0),
                                               bits_of(18446744073709549568.0),
                                               bits_of(0.5),
                                               bits_of(-0.5),
                                               bits_of(1.5),
                                               bits_of(2.5),
                                               bits_of(-0.9999999999999999),
                                               bits_of(4503599627370497.0),
                                               bits_of(double(f32::max()) * 2)};
    switch (type) {
    case ValType::I32: return i32;
    case ValType::I64: return i64;
    case ValType::F32: return f32s;
    default: return f64s;
    }
}

} // namespace

uint64_t interesting_bits(FuzzInput& input, ValType type) {
    const auto& list = interesting_list(type);
    const uint32_t pick = input.below(uint32_t(list.size()) + 3);
    if (pick < list.size()) return list[pick];
    // Otherwise arbitrary bits: small numbers, or anything at all.
    const uint64_t any = pick == list.size() ? input.below(256) : input.u64();
    return (type == ValType::I32 || type == ValType::F32) ? uint32_t(any) : any;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Binary encoding

class Writer {
  public:
    void byte(uint8_t b) { out_.push_back(b); }
    void uleb(uint64_t v) {
        do {
            uint8_t b = v & 0x7F;
            v >>= 7;
            byte(v ? b | 0x80 : b);
        } while (v);
    }
    void sleb(int64_t v) {
        for (;;) {
            uint8_t b = v & 0x7F;
            v >>= 7; // arithmetic shift
            const bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
            byte(done ? b : b | 0x80);
            if (done) return;
        }
    }
    void little_endian(uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i)
            byte(uint8_t(v >> (8 * i)));
    }
    void append(const std::vector<uint8_t>& bytes) {
        out_.insert(out_.end(), bytes.begin(), bytes.end());
    }
    void name(std::string_view s) {
        uleb(s.size());
        out_.insert(out_.end(), s.begin(), s.end());
    }
    void type(ValType t) { byte(uint8_t(t)); }
    void section(uint8_t id, const Writer& content) {
        byte(id);
        uleb(content.out_.size());
        append(content.out_);
    }
    const std::vector<uint8_t>& bytes() const { return out_; }
    std::vector<uint8_t> take() { return std::move(out_); }

  private:
    std::vector<uint8_t> out_;
};

void write_const(Writer& w, ValType t, uint64_t bits) {
    switch (t) {
    case ValType::I32:
        w.byte(opcode::I32Const);
        w.sleb(int32_t(uint32_t(bits)));
        break;
    case ValType::I64:
        w.byte(opcode::I64Const);
        w.sleb(int64_t(bits));
        break;
    case ValType::F32:
        w.byte(opcode::F32Const);
        w.little_endian(bits, 4);
        break;
    default:
        w.byte(opcode::F64Const);
        w.little_endian(bits, 8);
        break;
    }
}

// ---------------------------------------------------------------------------------------------
// The module's shape, decided before any body is generated

struct Sig {
    std::vector<ValType> params;
    std::vector<ValType> results;
    bool operator==(const Sig&) const = default;
};

struct ModuleShape {
    std::vector<Sig> types;
    std::vector<uint32_t> func_types; // type index of each function
    std::vector<ValType> global_types;
    std::vector<bool> global_mutable;
    std::vector<uint32_t> elements; // function index in table slot i, from slot 0
    uint32_t table_size = 0;
    uint32_t memory_pages = 1;

    uint32_t type_index(const Sig& sig) {
        auto it = std::find(types.begin(), types.end(), sig);
        if (it != types.end()) return uint32_t(it - types.begin());
        types.push_back(sig);
        return uint32_t(types.size() - 1);
    }
    const Sig& func_sig(uint32_t func) const { return types[func_types[func]]; }
};

std::vector<ValType> random_types(FuzzInput& in, uint32_t max_count) {
    std::vector<ValType> out(in.below(max_count + 1));
    for (ValType& t : out)
        t = kNumTypes[in.below(4)];
    return out;
}

bool contains(const std::vector<ValType>& types, ValType t) {
    return std::find(types.begin(), types.end(), t) != types.end();
}

// ---------------------------------------------------------------------------------------------
// Function bodies
//
// Expressions are generated as trees: expr(t) emits code that pushes exactly one value of
// type t, values(ts) one value per type, statements leave the stack as they found it. A
// control stack of labels (what a branch to each carries) makes every branch well typed.
// Code after an unconditional branch is generated the same way; the validator accepts it
// since the stack is polymorphic there.

constexpr int kMaxExprDepth = 6;
constexpr size_t kMaxLabels = 7;
constexpr int kMaxLoops = 3;

class FunctionGenerator {
  public:
    FunctionGenerator(FuzzInput& in, const ModuleShape& shape, uint32_t self)
        : in_(in), shape_(shape), self_(self), sig_(shape.func_sig(self)) {
        fuel_ = 8 + int(in_.below(160));
    }

    std::vector<uint8_t> generate() {
        declare_locals();
        labels_.push_back(sig_.results); // the function body's own label
        statements(0, 1 + in_.below(8));
        values(sig_.results, 0);
        code_.byte(opcode::End);

        Writer body;
        body.uleb(declared_.size());
        for (ValType t : declared_) {
            body.uleb(1);
            body.type(t);
        }
        body.append(code_.bytes());
        return body.take();
    }

  private:
    // Locals: the parameters, one scratch local per type (only used by flat sequences that
    // nothing is generated into), one counter per loop nesting level (written only by the
    // loop's own code, so loops end), then ordinary locals, at least one per type.
    void declare_locals() {
        locals_ = sig_.params;
        for (uint32_t i = 0; i < locals_.size(); ++i)
            writable_[type_slot(locals_[i])].push_back(i);
        for (ValType t : kNumTypes)
            scratch_[type_slot(t)] = add_local(t);
        for (uint32_t& counter : counters_)
            counter = add_local(ValType::I32);
        std::vector<ValType> extra(kNumTypes.begin(), kNumTypes.end());
        for (ValType t : random_types(in_, 4))
            extra.push_back(t);
        for (ValType t : extra)
            writable_[type_slot(t)].push_back(add_local(t));
    }
    uint32_t add_local(ValType t) {
        locals_.push_back(t);
        declared_.push_back(t);
        return uint32_t(locals_.size() - 1);
    }

    bool out_of_fuel() { return --fuel_ < 0; }

    void op(uint8_t code) { code_.byte(code); }
    void prefixed(uint8_t code) {
        code_.byte(opcode::Prefix);
        code_.uleb(code);
    }
    void local(uint8_t code, uint32_t index) {
        code_.byte(code);
        code_.uleb(index);
    }
    void i32_const(uint32_t v) {
        code_.byte(opcode::I32Const);
        code_.sleb(int32_t(v));
    }

    void constant(ValType t, uint64_t bits) { write_const(code_, t, bits); }

    // Replaces a NaN on top of the stack by the positive canonical NaN, so that the NaN bits
    // an arithmetic operator chose (the spec lets them differ) never reach memory or an
    // integer: tee x; canonical; x; x; eq; select.
    void canonicalize(ValType t) {
        const uint32_t s = scratch_[type_slot(t)];
        local(opcode::LocalTee, s);
        constant(t, t == ValType::F32 ? kF32CanonicalNan : kF64CanonicalNan);
        local(opcode::LocalGet, s);
        local(opcode::LocalGet, s);
        op(t == ValType::F32 ? opcode::F32Eq : opcode::F64Eq);
        op(opcode::Select);
    }

    // Pops one value of type t into something: a drop, an ordinary local or a mutable
    // global (where the comparison sees it).
    void consume(ValType t) {
        switch (in_.below(3)) {
        case 0: op(opcode::Drop); return;
        case 1: {
            const auto& candidates = writable_[type_slot(t)];
            local(opcode::LocalSet, candidates[in_.below(uint32_t(candidates.size()))]);
            return;
        }
        default: local(opcode::GlobalSet, mutable_global(t)); return;
        }
    }
    void consume_all(const std::vector<ValType>& types) {
        for (size_t i = types.size(); i-- > 0;)
            consume(types[i]);
    }
    uint32_t mutable_global(ValType t) {
        std::vector<uint32_t> candidates;
        for (uint32_t g = 0; g < shape_.global_types.size(); ++g)
            if (shape_.global_types[g] == t && shape_.global_mutable[g]) candidates.push_back(g);
        return candidates[in_.below(uint32_t(candidates.size()))];
    }
    uint32_t any_global(ValType t) {
        std::vector<uint32_t> candidates;
        for (uint32_t g = 0; g < shape_.global_types.size(); ++g)
            if (shape_.global_types[g] == t) candidates.push_back(g);
        return candidates[in_.below(uint32_t(candidates.size()))];
    }
    uint32_t any_local(ValType t) {
        std::vector<uint32_t> candidates;
        for (uint32_t l = 0; l < locals_.size(); ++l)
            if (locals_[l] == t) candidates.push_back(l);
        return candidates[in_.below(uint32_t(candidates.size()))];
    }

    // Keeps the value of type t at a random position of `produced` (just pushed) and
    // pops the others: flat, so the scratch local survives.
    void keep_one(const std::vector<ValType>& produced, ValType t) {
        std::vector<size_t> positions;
        for (size_t i = 0; i < produced.size(); ++i)
            if (produced[i] == t) positions.push_back(i);
        const size_t keep = positions[in_.below(uint32_t(positions.size()))];
        for (size_t i = produced.size(); i-- > keep + 1;)
            consume(produced[i]);
        local(opcode::LocalSet, scratch_[type_slot(t)]);
        for (size_t i = keep; i-- > 0;)
            consume(produced[i]);
        local(opcode::LocalGet, scratch_[type_slot(t)]);
    }

    // -----------------------------------------------------------------------------------------
    // Expressions. Each returns whether a float result has bits fixed by the spec, that is,
    // no arithmetic operator chose its NaN (always true for integers).

    bool leaf(ValType t) {
        switch (in_.below(3)) {
        case 0: constant(t, interesting_bits(in_, t)); return true;
        case 1: local(opcode::LocalGet, any_local(t)); return !is_float(t);
        default: local(opcode::GlobalGet, any_global(t)); return !is_float(t);
        }
    }

    bool expr(ValType t, int depth) {
        if (depth > kMaxExprDepth || out_of_fuel()) return leaf(t);
        switch (in_.below(22)) {
        case 0:
        case 1: return leaf(t);
        case 2:
        case 3:
        case 4:
        case 5:
        case 6: return numeric(t, depth);
        case 7:
        case 8: return load(t, depth);
        case 9: return select(t, depth);
        case 10: return control_expr(t, depth, /*single=*/true);
        case 11: return control_expr(t, depth, /*single=*/false);
        case 12: return call_expr(t, depth);
        case 13: return call_indirect_expr(t, depth);
        case 14: {
            const auto& candidates = writable_[type_slot(t)];
            const uint32_t l = candidates[in_.below(uint32_t(candidates.size()))];
            expr(t, depth + 1);
            local(opcode::LocalTee, l);
            return !is_float(t);
        }
        case 15:
            if (t == ValType::I32) return memory_expr(depth);
            return numeric(t, depth);
        case 16:
            if (labels_.size() < kMaxLabels) {
                // A block left early by br_if with a value, or run to its end.
                code_.byte(opcode::Block);
                code_.type(t);
                labels_.push_back({t});
                expr(t, depth + 1);
                expr(ValType::I32, depth + 1);
                local(opcode::BrIf, 0);
                statements(depth + 1, in_.below(2));
                labels_.pop_back();
                op(opcode::End);
                return !is_float(t);
            }
            return leaf(t);
        case 17:
            // Rarely, a value that is never produced: the code diverges here.
            if (in_.chance(25)) {
                diverge(depth);
                return true;
            }
            return leaf(t);
        default: return numeric(t, depth);
        }
    }

    void values(const std::vector<ValType>& types, int depth) {
        for (ValType t : types)
            expr(t, depth + 1);
    }

    bool numeric(ValType t, int depth) {
        std::vector<const NumericOp*> candidates;
        for (const NumericOp& op : kNumericOps)
            if (op.result == t) candidates.push_back(&op);
        const NumericOp& chosen = *candidates[in_.below(uint32_t(candidates.size()))];
        const bool exact_a = expr(chosen.a, depth + 1);
        if (exposes_nan_bits(chosen) && !exact_a) canonicalize(chosen.a);
        bool exact_b = true;
        if (chosen.binary) {
            exact_b = expr(chosen.b, depth + 1);
            // copysign takes the sign bit of b, which is free when b is an arithmetic NaN.
            if (chosen.text.ends_with(".copysign") && !exact_b) {
                canonicalize(chosen.b);
                exact_b = true;
            }
        }
        if (chosen.prefix)
            prefixed(chosen.code);
        else
            op(chosen.code);
        if (!is_float(t)) return true;
        return keeps_nan_bits(chosen) && exact_a && exact_b;
    }

    // Offsets and addresses are mostly in bounds, so that calls get past their first access,
    // with the edges and the far out of bounds now and then.
    void memarg(uint8_t natural_align) {
        code_.uleb(in_.below(natural_align + 1u));
        const uint32_t page_end = shape_.memory_pages * wasm::kPageSize;
        const uint32_t kind = in_.below(32);
        uint32_t offset = 0;
        if (kind < 20)
            offset = 0;
        else if (kind < 28)
            offset = in_.below(64);
        else if (kind == 28)
            offset = in_.below(wasm::kPageSize);
        else if (kind == 29)
            offset = page_end - in_.below(16);
        else if (kind == 30)
            offset = 0xFFFFFFFF - in_.below(16);
        else
            offset = in_.u32();
        code_.uleb(offset);
    }

    void address(int depth) {
        const uint32_t page_end = shape_.memory_pages * wasm::kPageSize;
        const uint32_t kind = in_.below(32);
        if (kind < 14) {
            i32_const(in_.below(256));
        } else if (kind == 14) {
            i32_const(page_end - in_.below(16));
        } else if (kind == 15) {
            i32_const(in_.below(page_end));
        } else if (kind == 16) {
            i32_const(in_.u32());
        } else {
            // A computed address, mostly masked into the first page (or two).
            expr(ValType::I32, depth + 1);
            if (kind < 30) {
                i32_const(kind >= 28 ? 0x1FFFF : 0xFFF);
                op(opcode::I32And);
            }
        }
    }

    void length(int depth) {
        const uint32_t kind = in_.below(16);
        if (kind < 12) {
            i32_const(in_.below(64));
        } else if (kind == 12) {
            i32_const(in_.below(2 * wasm::kPageSize));
        } else if (kind == 13) {
            i32_const(in_.u32());
        } else {
            expr(ValType::I32, depth + 1);
            i32_const(0xFF);
            op(opcode::I32And);
        }
    }

    bool load(ValType t, int depth) {
        std::vector<const MemoryOp*> candidates;
        for (const MemoryOp& load : kLoads)
            if (load.type == t) candidates.push_back(&load);
        const MemoryOp& chosen = *candidates[in_.below(uint32_t(candidates.size()))];
        address(depth);
        op(chosen.code);
        memarg(chosen.align);
        return true; // loads copy bits
    }

    void store(int depth) {
        const MemoryOp& chosen = kStores[in_.below(uint32_t(std::size(kStores)))];
        address(depth);
        const bool exact = expr(chosen.type, depth + 1);
        if (chosen.is_float && !exact) canonicalize(chosen.type);
        op(chosen.code);
        memarg(chosen.align);
    }

    bool select(ValType t, int depth) {
        const bool exact_a = expr(t, depth + 1);
        const bool exact_b = expr(t, depth + 1);
        expr(ValType::I32, depth + 1);
        if (in_.chance(50)) {
            op(opcode::Select);
        } else {
            op(opcode::SelectTyped);
            code_.uleb(1);
            code_.type(t);
        }
        return exact_a && exact_b;
    }

    bool memory_expr(int depth) {
        if (in_.chance(50)) {
            op(opcode::MemorySize);
            code_.byte(0);
            return true;
        }
        if (in_.chance(70))
            i32_const(in_.below(3));
        else
            expr(ValType::I32, depth + 1);
        op(opcode::MemoryGrow);
        code_.byte(0);
        return true;
    }

    // A function to call directly with `t` among its results (or any, for statements).
    // Calls go to higher indices, so they cannot recurse, except now and then.
    std::optional<uint32_t> callee(std::optional<ValType> t) {
        const bool recursion = in_.chance(4);
        std::vector<uint32_t> candidates;
        for (uint32_t f = 0; f < shape_.func_types.size(); ++f) {
            if (!recursion && f <= self_) continue;
            if (t && !contains(shape_.func_sig(f).results, *t)) continue;
            candidates.push_back(f);
        }
        if (candidates.empty()) return std::nullopt;
        return candidates[in_.below(uint32_t(candidates.size()))];
    }

    bool call_expr(ValType t, int depth) {
        const auto f = callee(t);
        if (!f) return numeric(t, depth);
        const Sig& sig = shape_.func_sig(*f);
        values(sig.params, depth);
        local(opcode::Call, *f);
        keep_one(sig.results, t);
        return !is_float(t);
    }

    // A type for call_indirect with `t` among its results (or any, for statements).
    std::optional<uint32_t> indirect_type(std::optional<ValType> t) {
        std::vector<uint32_t> candidates;
        for (uint32_t i = 0; i < shape_.types.size(); ++i)
            if (!t || contains(shape_.types[i].results, *t)) candidates.push_back(i);
        if (candidates.empty()) return std::nullopt;
        return candidates[in_.below(uint32_t(candidates.size()))];
    }

    // The table index of a call_indirect: a slot whose function has the expected type
    // (mostly a higher function, like direct calls), any slot, an empty or missing one, or
    // whatever an expression computes.
    void table_index(uint32_t type, int depth) {
        std::vector<uint32_t> matching;
        std::vector<uint32_t> forward;
        for (uint32_t slot = 0; slot < shape_.elements.size(); ++slot) {
            const uint32_t f = shape_.elements[slot];
            if (shape_.func_types[f] != type) continue;
            matching.push_back(slot);
            if (f > self_) forward.push_back(slot);
        }
        switch (in_.below(8)) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4:
            if (!forward.empty()) {
                i32_const(forward[in_.below(uint32_t(forward.size()))]);
                return;
            }
            [[fallthrough]];
        case 5:
            if (!matching.empty() && in_.chance(20)) {
                i32_const(matching[in_.below(uint32_t(matching.size()))]);
                return;
            }
            [[fallthrough]];
        case 6:
            if (in_.chance(70))
                i32_const(in_.below(shape_.table_size + 1)); // any, or just past
            else
                i32_const(in_.chance(50) ? shape_.table_size + in_.below(4) : in_.u32());
            return;
        default: expr(ValType::I32, depth + 1); return;
        }
    }

    bool call_indirect_expr(ValType t, int depth) {
        const auto type = indirect_type(t);
        if (!type) return numeric(t, depth);
        const Sig& sig = shape_.types[*type];
        values(sig.params, depth);
        table_index(*type, depth);
        local(opcode::CallIndirect, *type);
        code_.byte(0); // table 0
        keep_one(sig.results, t);
        return !is_float(t);
    }

    // -----------------------------------------------------------------------------------------
    // Control

    struct BlockType {
        std::vector<ValType> params;
        std::vector<ValType> results;
        std::optional<uint32_t> index; // a type index, or empty/single value type
    };

    BlockType block_type(std::optional<ValType> must_yield) {
        BlockType bt;
        const uint32_t kind = in_.below(3);
        if (kind == 2) {
            // Any type of the module, for multiple values and parameters.
            std::vector<uint32_t> candidates;
            for (uint32_t i = 0; i < shape_.types.size(); ++i)
                if (!must_yield || contains(shape_.types[i].results, *must_yield))
                    candidates.push_back(i);
            if (!candidates.empty()) {
                const uint32_t i = candidates[in_.below(uint32_t(candidates.size()))];
                bt.index = i;
                bt.params = shape_.types[i].params;
                bt.results = shape_.types[i].results;
                return bt;
            }
        }
        if (must_yield)
            bt.results = {*must_yield};
        else if (kind == 1)
            bt.results = {kNumTypes[in_.below(4)]};
        return bt;
    }

    void write_block_type(const BlockType& bt) {
        if (bt.index)
            code_.sleb(*bt.index);
        else if (bt.results.empty())
            code_.byte(opcode::BlockTypeEmpty);
        else
            code_.type(bt.results[0]);
    }

    // block, loop or if with type `bt`: operands, the construct, its body (and else arm).
    // A loop counts down a counter of its own and branches back while it is non-zero.
    void control(uint8_t kind, const BlockType& bt, int depth) {
        const bool is_loop = kind == opcode::Loop && loops_ < kMaxLoops;
        if (kind == opcode::Loop && !is_loop) kind = opcode::Block;
        values(bt.params, depth);
        // Set after the operands, which may contain loops of this nesting level themselves.
        uint32_t counter = 0;
        if (is_loop) {
            counter = counters_[loops_];
            i32_const(in_.chance(90) ? 1 + in_.below(4) : in_.below(200));
            local(opcode::LocalSet, counter);
        }
        if (kind == opcode::If) expr(ValType::I32, depth + 1);
        op(kind);
        write_block_type(bt);
        labels_.push_back(is_loop ? bt.params : bt.results);
        if (is_loop) ++loops_;
        arm(bt, depth, is_loop ? std::optional<uint32_t>(counter) : std::nullopt);
        if (kind == opcode::If) {
            op(opcode::Else);
            arm(bt, depth, std::nullopt);
        }
        if (is_loop) --loops_;
        labels_.pop_back();
        op(opcode::End);
    }

    void arm(const BlockType& bt, int depth, std::optional<uint32_t> loop_counter) {
        statements(depth + 1, in_.below(5));
        if (loop_counter) {
            local(opcode::LocalGet, *loop_counter);
            i32_const(1);
            op(opcode::I32Sub);
            local(opcode::LocalTee, *loop_counter);
            local(opcode::BrIf, 0);
        }
        consume_all(bt.params);
        values(bt.results, depth);
    }

    uint8_t control_kind() {
        static constexpr uint8_t kinds[] = {opcode::Block, opcode::Loop, opcode::If};
        return kinds[in_.below(3)];
    }

    bool control_expr(ValType t, int depth, bool single) {
        if (labels_.size() >= kMaxLabels) return leaf(t);
        BlockType bt;
        if (single)
            bt.results = {t};
        else
            bt = block_type(t);
        control(control_kind(), bt, depth);
        if (bt.results.size() == 1) return !is_float(t);
        keep_one(bt.results, t);
        return !is_float(t);
    }

    // An unconditional jump: unreachable, return or br to any label.
    void diverge(int depth) {
        switch (in_.below(3)) {
        case 0: op(opcode::Unreachable); return;
        case 1:
            values(sig_.results, depth);
            op(opcode::Return);
            return;
        default: {
            const uint32_t relative = in_.below(uint32_t(labels_.size()));
            const std::vector<ValType> carried = labels_[labels_.size() - 1 - relative];
            values(carried, depth);
            local(opcode::Br, relative);
            return;
        }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Statements

    void statements(int depth, uint32_t count) {
        for (uint32_t i = 0; i < count; ++i)
            statement(depth);
    }

    void statement(int depth) {
        if (depth > kMaxExprDepth || out_of_fuel()) return;
        const ValType t = kNumTypes[in_.below(4)];
        switch (in_.below(22)) {
        case 0:
        case 1: {
            const auto& candidates = writable_[type_slot(t)];
            const uint32_t l = candidates[in_.below(uint32_t(candidates.size()))];
            expr(t, depth + 1);
            local(opcode::LocalSet, l);
            return;
        }
        case 2:
        case 3:
            expr(t, depth + 1);
            local(opcode::GlobalSet, mutable_global(t));
            return;
        case 4:
        case 5:
        case 6: store(depth); return;
        case 7:
            expr(t, depth + 1);
            op(opcode::Drop);
            return;
        case 8:
            if (const auto f = callee(std::nullopt)) {
                const Sig& sig = shape_.func_sig(*f);
                values(sig.params, depth);
                local(opcode::Call, *f);
                consume_all(sig.results);
            }
            return;
        case 9:
            if (const auto type = indirect_type(std::nullopt)) {
                const Sig& sig = shape_.types[*type];
                values(sig.params, depth);
                table_index(*type, depth);
                local(opcode::CallIndirect, *type);
                code_.byte(0);
                consume_all(sig.results);
            }
            return;
        case 10:
        case 11:
        case 12:
            if (labels_.size() < kMaxLabels) {
                const BlockType bt = block_type(std::nullopt);
                control(control_kind(), bt, depth);
                consume_all(bt.results);
            }
            return;
        case 13: {
            const uint32_t relative = in_.below(uint32_t(labels_.size()));
            // A copy: generating the values may grow labels_.
            const std::vector<ValType> carried = labels_[labels_.size() - 1 - relative];
            values(carried, depth);
            expr(ValType::I32, depth + 1);
            local(opcode::BrIf, relative);
            consume_all(carried);
            return;
        }
        case 14: branch_table(depth); return;
        case 15:
            if (in_.chance(30)) diverge(depth);
            return;
        case 16:
            address(depth);
            expr(ValType::I32, depth + 1);
            length(depth);
            prefixed(opcode::MemoryFill);
            code_.byte(0);
            return;
        case 17:
            address(depth);
            address(depth);
            length(depth);
            prefixed(opcode::MemoryCopy);
            code_.byte(0);
            code_.byte(0);
            return;
        case 18:
            memory_expr(depth);
            consume(ValType::I32);
            return;
        case 19: op(opcode::Nop); return;
        default: {
            // local.tee, then keep the value in a global
            const auto& candidates = writable_[type_slot(t)];
            expr(t, depth + 1);
            local(opcode::LocalTee, candidates[in_.below(uint32_t(candidates.size()))]);
            local(opcode::GlobalSet, mutable_global(t));
            return;
        }
        }
    }

    // br_table over labels that carry the same types as the default.
    void branch_table(int depth) {
        const uint32_t fallback = in_.below(uint32_t(labels_.size()));
        const std::vector<ValType> carried = labels_[labels_.size() - 1 - fallback];
        std::vector<uint32_t> same;
        for (uint32_t relative = 0; relative < labels_.size(); ++relative)
            if (labels_[labels_.size() - 1 - relative] == carried) same.push_back(relative);
        values(carried, depth);
        expr(ValType::I32, depth + 1);
        op(opcode::BrTable);
        const uint32_t count = in_.below(5);
        code_.uleb(count);
        for (uint32_t i = 0; i < count; ++i)
            code_.uleb(same[in_.below(uint32_t(same.size()))]);
        code_.uleb(fallback);
    }

    FuzzInput& in_;
    const ModuleShape& shape_;
    const uint32_t self_;
    const Sig& sig_;
    Writer code_;
    int fuel_ = 0;
    std::vector<ValType> locals_;   // parameters, then declared locals
    std::vector<ValType> declared_; // declared locals only
    std::array<std::vector<uint32_t>, 4> writable_;
    std::array<uint32_t, 4> scratch_{};
    std::array<uint32_t, kMaxLoops> counters_{};
    int loops_ = 0;
    std::vector<std::vector<ValType>> labels_; // what a branch carries; innermost last
};

// ---------------------------------------------------------------------------------------------
// The module

ModuleShape decide_shape(FuzzInput& in) {
    ModuleShape shape;
    const uint32_t functions = 1 + in.below(6);
    for (uint32_t f = 0; f < functions; ++f) {
        Sig sig{random_types(in, 4), random_types(in, in.chance(80) ? 1 : 3)};
        shape.func_types.push_back(shape.type_index(sig));
    }
    // More types for block types and call_indirect, with parameters and several results.
    for (uint32_t i = in.below(4); i > 0; --i)
        shape.type_index(Sig{random_types(in, 2), random_types(in, 3)});

    for (uint32_t i = in.below(2 * functions + 1); i > 0; --i)
        shape.elements.push_back(in.below(functions));
    shape.table_size = uint32_t(shape.elements.size()) + in.below(3);
    shape.memory_pages = 1 + in.below(2);

    // A mutable global of every type, so any value can be kept where the comparison sees it.
    for (ValType t : kNumTypes) {
        shape.global_types.push_back(t);
        shape.global_mutable.push_back(true);
    }
    for (uint32_t i = in.below(5); i > 0; --i) {
        shape.global_types.push_back(kNumTypes[in.below(4)]);
        shape.global_mutable.push_back(in.chance(50));
    }
    return shape;
}

// A constant expression (global initializer, segment offset).
void write_constant_expr(Writer& w, ValType t, uint64_t bits) {
    write_const(w, t, bits);
    w.byte(opcode::End);
}

} // namespace

std::vector<uint8_t> generate_module(FuzzInput& in) {
    ModuleShape shape = decide_shape(in);
    // A growable memory or one of fixed size.
    std::optional<uint32_t> memory_max;
    if (in.chance(70)) memory_max = shape.memory_pages + in.below(3);
    std::vector<uint64_t> global_inits;
    global_inits.reserve(shape.global_types.size());
    for (ValType t : shape.global_types)
        global_inits.push_back(interesting_bits(in, t));

    std::vector<std::vector<uint8_t>> bodies;
    bodies.reserve(shape.func_types.size());
    for (uint32_t f = 0; f < shape.func_types.size(); ++f)
        bodies.push_back(FunctionGenerator(in, shape, f).generate());

    Writer module;
    module.little_endian(0x6D736100, 4); // "\0asm"
    module.little_endian(1, 4);

    Writer types;
    types.uleb(shape.types.size());
    for (const Sig& sig : shape.types) {
        types.byte(0x60);
        types.uleb(sig.params.size());
        for (ValType t : sig.params)
            types.type(t);
        types.uleb(sig.results.size());
        for (ValType t : sig.results)
            types.type(t);
    }
    module.section(1, types);

    Writer functions;
    functions.uleb(shape.func_types.size());
    for (uint32_t type : shape.func_types)
        functions.uleb(type);
    module.section(3, functions);

    Writer table;
    table.uleb(1);
    table.type(ValType::FuncRef);
    table.byte(0x00); // no maximum
    table.uleb(shape.table_size);
    module.section(4, table);

    Writer memory;
    memory.uleb(1);
    memory.byte(memory_max ? 0x01 : 0x00);
    memory.uleb(shape.memory_pages);
    if (memory_max) memory.uleb(*memory_max);
    module.section(5, memory);

    Writer globals;
    globals.uleb(shape.global_types.size());
    for (size_t g = 0; g < shape.global_types.size(); ++g) {
        globals.type(shape.global_types[g]);
        globals.byte(shape.global_mutable[g] ? 1 : 0);
        write_constant_expr(globals, shape.global_types[g], global_inits[g]);
    }
    module.section(6, globals);

    Writer exports;
    exports.uleb(shape.func_types.size() + shape.global_types.size() + 1);
    for (uint32_t f = 0; f < shape.func_types.size(); ++f) {
        exports.name("f" + std::to_string(f));
        exports.byte(0x00);
        exports.uleb(f);
    }
    for (uint32_t g = 0; g < shape.global_types.size(); ++g) {
        exports.name("g" + std::to_string(g));
        exports.byte(0x03);
        exports.uleb(g);
    }
    exports.name("memory");
    exports.byte(0x02);
    exports.uleb(0);
    module.section(7, exports);

    Writer elements;
    elements.uleb(1);
    elements.byte(0x00); // active, table 0, function indices
    write_constant_expr(elements, ValType::I32, 0);
    elements.uleb(shape.elements.size());
    for (uint32_t f : shape.elements)
        elements.uleb(f);
    module.section(9, elements);

    Writer code;
    code.uleb(bodies.size());
    for (const auto& body : bodies) {
        code.uleb(body.size());
        code.append(body);
    }
    module.section(10, code);

    // A few bytes of initial memory, so loads see more than zeros.
    Writer data;
    const uint32_t segments = in.below(3);
    data.uleb(segments);
    for (uint32_t i = 0; i < segments; ++i) {
        const uint32_t size = in.below(32);
        data.byte(0x00);
        write_constant_expr(data, ValType::I32,
                            in.chance(70) ? in.below(256)
                                          : in.below(shape.memory_pages * wasm::kPageSize - size));
        data.uleb(size);
        for (uint32_t b = 0; b < size; ++b)
            data.byte(in.byte());
    }
    module.section(11, data);
    return module.take();
}

} // namespace tycho::fuzz
