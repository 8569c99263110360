// The interpreter's linear-memory bounds checks, without the spec testsuite: every load and
// store width at the last valid address, one past it, beyond the end, and with static
// offsets that carry the effective address past 32 bits; through every address form and
// fused instruction the compiler produces (checked in the compiled code); before and after
// memory.grow (in the same call, in a callee, by the embedder, in place and out of a pool
// cell). Each case's outcome comes from a model of the memory kept by the test.
#include "code.h"
#include "compiled_module.h"
#include "op.h"
#include "wasm_test_module.h"

#include <tycho/wasm/engine.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace tycho::wasm;
using namespace tycho::wasm::detail;
using tycho::wasm::test::Code;
using tycho::wasm::test::TestFunction;
using tycho::wasm::test::TestModule;

namespace {

constexpr uint64_t kPage = 65536;

std::string hex(uint64_t v) {
    char text[24];
    std::snprintf(text, sizeof text, "%#llx", static_cast<unsigned long long>(v));
    return text;
}

struct Access {
    Op op;
    uint8_t opcode;
    uint32_t width; // bytes
    ValType type;   // of the loaded or stored value
    bool sign_extends = false;
};

constexpr Access kLoads[] = {
    {Op::I32Load, 0x28, 4, ValType::I32},          {Op::I64Load, 0x29, 8, ValType::I64},
    {Op::F32Load, 0x2a, 4, ValType::F32},          {Op::F64Load, 0x2b, 8, ValType::F64},
    {Op::I32Load8S, 0x2c, 1, ValType::I32, true},  {Op::I32Load8U, 0x2d, 1, ValType::I32},
    {Op::I32Load16S, 0x2e, 2, ValType::I32, true}, {Op::I32Load16U, 0x2f, 2, ValType::I32},
    {Op::I64Load8S, 0x30, 1, ValType::I64, true},  {Op::I64Load8U, 0x31, 1, ValType::I64},
    {Op::I64Load16S, 0x32, 2, ValType::I64, true}, {Op::I64Load16U, 0x33, 2, ValType::I64},
    {Op::I64Load32S, 0x34, 4, ValType::I64, true}, {Op::I64Load32U, 0x35, 4, ValType::I64},
};

constexpr Access kStores[] = {
    {Op::I32Store, 0x36, 4, ValType::I32},   {Op::I64Store, 0x37, 8, ValType::I64},
    {Op::F32Store, 0x38, 4, ValType::F32},   {Op::F64Store, 0x39, 8, ValType::F64},
    {Op::I32Store8, 0x3a, 1, ValType::I32},  {Op::I32Store16, 0x3b, 2, ValType::I32},
    {Op::I64Store8, 0x3c, 1, ValType::I64},  {Op::I64Store16, 0x3d, 2, ValType::I64},
    {Op::I64Store32, 0x3e, 4, ValType::I64},
};

// The last 16 bytes of page 0; the rest of memory is zero. The top byte has its sign bit
// set, so that sign extension at the last address shows, and every f32 or f64 read from
// here is a normal number (so float additions below are exact and portable).
constexpr uint8_t kEndData[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                  0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x80, 0xbf};

// ---- how the address is computed --------------------------------------------------------

// The access function's params are (i32 address, T value); local 2 is a scratch i32.
enum class AddressForm : uint8_t {
    Local,              // local.get 0: the address comes from the local's slot
    LocalPlusConst,     // local + c stays virtual and folds into the access
    Computed,           // the previous instruction's result: the accumulator
    ComputedPlusConst,  // an add with an immediate on the accumulator, folded into the access
    StackSlotPlusConst, // an add with an immediate on a stack slot, folded into the access
};

constexpr uint32_t kAddend = 0x7f00; // the constant of the "+ const" forms

constexpr bool adds_const(AddressForm f) {
    return f == AddressForm::LocalPlusConst || f == AddressForm::ComputedPlusConst ||
           f == AddressForm::StackSlotPlusConst;
}

const char* describe(AddressForm f) {
    switch (f) {
    case AddressForm::Local: return "local";
    case AddressForm::LocalPlusConst: return "local + const";
    case AddressForm::Computed: return "computed";
    case AddressForm::ComputedPlusConst: return "computed + const";
    case AddressForm::StackSlotPlusConst: return "stack slot + const";
    }
    return "?";
}

constexpr uint8_t kI32Add = 0x6a, kI32Or = 0x72;

Code address_code(AddressForm f) {
    Code c;
    switch (f) {
    case AddressForm::Local: c.local_get(0); break;
    case AddressForm::LocalPlusConst: c.local_get(0).i32_const(kAddend).op(kI32Add); break;
    case AddressForm::Computed: c.local_get(0).i32_const(0).op(kI32Or); break;
    case AddressForm::ComputedPlusConst:
        c.local_get(0).i32_const(0).op(kI32Or).i32_const(kAddend).op(kI32Add);
        break;
    case AddressForm::StackSlotPlusConst:
        // The local.set in between takes the accumulator away from the `or` result.
        c.local_get(0).i32_const(0).op(kI32Or).i32_const(7).local_set(2);
        c.i32_const(kAddend).op(kI32Add);
        break;
    }
    return c;
}

// ---- what the access does with the value -------------------------------------------------

enum class Use : uint8_t {
    Load,          // addr; load
    FusedImm,      // addr; load; const 1; add            -> one instruction (MemImm)
    FusedRight,    // local.get 1; addr; load; add         -> one instruction (RegMem)
    FusedLeft,     // addr; load; local.get 1; add         -> one instruction (RegMem), integers
    StoreLocal,    // addr; local.get 1; store             -> value from a slot
    StoreConst,    // addr; const V; store                 -> value as an immediate
    StoreComputed, // addr; local.get 1; const 0; xor/add; store -> value in the accumulator
};

constexpr bool is_store(Use u) {
    return u == Use::StoreLocal || u == Use::StoreConst || u == Use::StoreComputed;
}

const char* describe(Use u) {
    switch (u) {
    case Use::Load: return "load";
    case Use::FusedImm: return "load fused with add-immediate";
    case Use::FusedRight: return "load fused as the right operand of add";
    case Use::FusedLeft: return "load fused as the left operand of add";
    case Use::StoreLocal: return "store of a local";
    case Use::StoreConst: return "store of a constant";
    case Use::StoreComputed: return "store of a computed value";
    }
    return "?";
}

struct TypeOps {
    uint8_t add;
    uint8_t identity_op; // x op 0 == x: xor for integers, add for floats
    Op add_op;
};

TypeOps ops_of(ValType t) {
    switch (t) {
    case ValType::I64: return {0x7c, 0x85, Op::I64Add};
    case ValType::F32: return {0x92, 0x92, Op::F32Add};
    case ValType::F64: return {0xa0, 0xa0, Op::F64Add};
    default: return {0x6a, 0x73, Op::I32Add};
    }
}

Code const_code(ValType t, uint64_t bits) {
    Code c;
    switch (t) {
    case ValType::I64: c.i64_const(int64_t(bits)); break;
    case ValType::F32: c.f32_const_bits(uint32_t(bits)); break;
    case ValType::F64: c.f64_const_bits(bits); break;
    default: c.i32_const(int32_t(uint32_t(bits))); break;
    }
    return c;
}

Value value_of(ValType t, uint64_t bits) {
    switch (t) {
    case ValType::I64: return Value::i64(int64_t(bits));
    case ValType::F32: return Value::f32_bits(uint32_t(bits));
    case ValType::F64: return Value::f64_bits(bits);
    default: return Value::i32(int32_t(uint32_t(bits)));
    }
}

// The bit pattern of 1 (FusedImm) and 2 (the other operand of FusedLeft/Right) per type.
uint64_t number_bits(ValType t, int n) {
    switch (t) {
    case ValType::F32: {
        float f = float(n);
        uint32_t b;
        std::memcpy(&b, &f, 4);
        return b;
    }
    case ValType::F64: {
        double d = double(n);
        uint64_t b;
        std::memcpy(&b, &d, 8);
        return b;
    }
    default: return uint64_t(n);
    }
}

// What stores write (truncated to the access width).
uint64_t store_bits(ValType t) {
    switch (t) {
    case ValType::I64: return 0x0123456789abcdefull;
    case ValType::F32: return 0x40490fdb;            // pi
    case ValType::F64: return 0x400921fb54442d18ull; // pi
    default: return 0x89abcdef;
    }
}

// a + b as Wasm computes it, on bit patterns of type t.
uint64_t add_bits(ValType t, uint64_t a, uint64_t b) {
    switch (t) {
    case ValType::I32: return uint32_t(a + b);
    case ValType::I64: return a + b;
    case ValType::F32: {
        float x, y;
        uint32_t ua = uint32_t(a), ub = uint32_t(b);
        std::memcpy(&x, &ua, 4);
        std::memcpy(&y, &ub, 4);
        float r = x + y;
        uint32_t u;
        std::memcpy(&u, &r, 4);
        return u;
    }
    case ValType::F64: {
        double x, y;
        std::memcpy(&x, &a, 8);
        std::memcpy(&y, &b, 8);
        double r = x + y;
        uint64_t u;
        std::memcpy(&u, &r, 8);
        return u;
    }
    default: return 0;
    }
}

Code access_code(const Access& a, AddressForm form, Use use, uint32_t offset) {
    const uint32_t align = uint32_t(std::countr_zero(a.width));
    const TypeOps ops = ops_of(a.type);
    Code c;
    switch (use) {
    case Use::Load: c.append(address_code(form)).memory_access(a.opcode, align, offset); break;
    case Use::FusedImm:
        c.append(address_code(form)).memory_access(a.opcode, align, offset);
        c.append(const_code(a.type, number_bits(a.type, 1))).op(ops.add);
        break;
    case Use::FusedRight:
        c.local_get(1).append(address_code(form)).memory_access(a.opcode, align, offset);
        c.op(ops.add);
        break;
    case Use::FusedLeft:
        c.append(address_code(form)).memory_access(a.opcode, align, offset);
        c.local_get(1).op(ops.add);
        break;
    case Use::StoreLocal:
        c.append(address_code(form)).local_get(1).memory_access(a.opcode, align, offset);
        break;
    case Use::StoreConst:
        c.append(address_code(form)).append(const_code(a.type, store_bits(a.type)));
        c.memory_access(a.opcode, align, offset);
        break;
    case Use::StoreComputed:
        c.append(address_code(form)).local_get(1).append(const_code(a.type, 0));
        c.op(ops.identity_op).memory_access(a.opcode, align, offset);
        break;
    }
    return c;
}

// ---- memory growth around the access -----------------------------------------------------

enum class GrowWhere : uint8_t { Nowhere, SameCall, Callee, Embedder };

struct Scenario {
    const char* name;
    GrowWhere where;
    uint32_t pages = 0; // grown by
    bool pooled = false;
};

// 20 pages carry a memory out of its 1 MiB pool cell, so it moves.
const Scenario kScenarios[] = {
    {"no growth", GrowWhere::Nowhere},
    {"grown in the same call", GrowWhere::SameCall, 1},
    {"grown in a callee", GrowWhere::Callee, 1},
    {"grown by the embedder", GrowWhere::Embedder, 1},
    {"grown out of its pool cell in the same call", GrowWhere::SameCall, 20, true},
    {"grown out of its pool cell in a callee", GrowWhere::Callee, 20, true},
};

// Function 0 grows the memory; function 1, "access", runs the access under test, after
// growing the memory first when the scenario says so.
TestModule make_module(const Access& a, AddressForm form, Use use, uint32_t offset,
                       const Scenario& s) {
    TestModule m;
    m.min_pages = 1;
    m.max_pages = 1 + s.pages;
    m.data_offset = uint32_t(kPage - sizeof kEndData);
    m.data.assign(std::begin(kEndData), std::end(kEndData));

    TestFunction grow{"grow", {ValType::I32}, {ValType::I32}, 0, {}};
    grow.body.local_get(0).memory_grow();
    m.functions.push_back(std::move(grow));

    TestFunction access{"access", {ValType::I32, a.type}, {}, 1, {}};
    if (!is_store(use)) access.results = {a.type};
    if (s.where == GrowWhere::SameCall)
        access.body.i32_const(int32_t(s.pages)).memory_grow().drop();
    if (s.where == GrowWhere::Callee) access.body.i32_const(int32_t(s.pages)).call(0).drop();
    access.body.append(access_code(a, form, use, offset));
    m.functions.push_back(std::move(access));
    return m;
}

// ---- the instructions the compiler chose --------------------------------------------------

bool uses_handler(const Module& m, uint32_t defined_function, Handler h) {
    const auto& code = m.compiled().functions.at(defined_function).code;
    const auto word = reinterpret_cast<uint64_t>(h);
    return std::find(code.begin(), code.end(), word) != code.end();
}

// Checks that the access compiled to the form the case is meant to exercise, so that a
// change in the compiler cannot quietly leave a path untested. Returns what is wrong.
std::string check_compiled_form(const Module& m, const Access& a, AddressForm form, Use use) {
    constexpr uint32_t kAccessFunction = 1;
    auto has = [&](Handler h) { return uses_handler(m, kAccessFunction, h); };
    const bool address_in_acc =
        form == AddressForm::Computed || form == AddressForm::ComputedPlusConst;
    std::string wrong;
    switch (use) {
    case Use::Load:
        if (!has(memory_handler(a.op, address_in_acc ? MemorySource::Acc : MemorySource::Slot)))
            wrong += "no load with the address from the expected place; ";
        break;
    case Use::FusedImm:
    case Use::FusedRight:
    case Use::FusedLeft: {
        const auto fused = use == Use::FusedImm ? NumericForm::MemImm : NumericForm::RegMem;
        if (!has(numeric_handler(ops_of(a.type).add_op, fused))) wrong += "no fused add; ";
        if (has(memory_handler(a.op, MemorySource::Slot)) ||
            has(memory_handler(a.op, MemorySource::Acc)))
            wrong += "a separate load; ";
        break;
    }
    case Use::StoreLocal:
    case Use::StoreConst:
    case Use::StoreComputed: {
        const auto source = use == Use::StoreConst      ? MemorySource::Imm
                            : use == Use::StoreComputed ? MemorySource::Acc
                                                        : MemorySource::Slot;
        if (!has(memory_handler(a.op, source))) wrong += "no store of the value from there; ";
        break;
    }
    }
    // Where the compiler folds the address addition into the access, no add remains. (A
    // store's address is not on top of the stack, so only local + const folds there.)
    const bool folds = form == AddressForm::LocalPlusConst || (adds_const(form) && !is_store(use));
    if (folds && (has(numeric_handler(Op::I32Add, NumericForm::RegImm)) ||
                  has(numeric_handler(Op::I32Add, NumericForm::AccImm))))
        wrong += "the address addition was not folded into the access; ";
    return wrong;
}

// ---- the cases -----------------------------------------------------------------------------

struct Case {
    uint32_t address;   // the i32 argument
    uint64_t effective; // (address + addend) mod 2^32, plus the static offset, unwrapped
};

// Addresses around the end of a memory of `size` bytes (and of its first page): the last
// valid one, one past, the end, the top of the address space, and those whose sum with the
// static offset wraps 32 bits exactly to 0 or to the last valid address (a 32-bit
// computation would accept them). With an addend, the small ones need the address + addend
// to wrap, as i32.add does.
std::vector<Case> cases_for(uint64_t size, uint32_t offset, uint32_t addend, uint32_t width) {
    constexpr uint64_t k4G = uint64_t(1) << 32;
    const uint64_t last = size - width;
    std::vector<uint64_t> sums = {0, 8, k4G - 1};
    auto add_if = [&](bool ok, uint64_t v) {
        if (ok && v < k4G) sums.push_back(v);
    };
    add_if(offset <= last, last - offset);
    add_if(offset <= last + 1, last + 1 - offset);
    add_if(offset <= size, size - offset);
    add_if(offset > 0, k4G - offset);
    add_if(offset > last, k4G + last - offset);
    // The end of page 0, inside once the memory has grown.
    add_if(offset <= kPage - width + 1, kPage - width + 1 - offset);
    add_if(offset <= kPage, kPage - offset);
    std::vector<Case> cases;
    for (uint64_t sum : sums)
        cases.push_back({uint32_t(sum - addend), sum + offset});
    return cases;
}

uint64_t read_le(const std::vector<uint8_t>& bytes, uint64_t at, uint32_t width) {
    uint64_t v = 0;
    for (uint32_t i = 0; i < width; ++i)
        v |= uint64_t(bytes[at + i]) << (8 * i);
    return v;
}

// What the load reads from `bytes` at `ea`, as the bits of its result.
uint64_t load_bits(const Access& a, const std::vector<uint8_t>& bytes, uint64_t ea) {
    uint64_t raw = read_le(bytes, ea, a.width);
    if (a.sign_extends) {
        const int shift = 64 - 8 * int(a.width);
        raw = uint64_t(int64_t(raw << shift) >> shift);
    }
    return a.type == ValType::I32 || a.type == ValType::F32 ? uint32_t(raw) : raw;
}

uint64_t result_bits(const Value& v) {
    return v.type == ValType::I32 || v.type == ValType::F32 ? uint32_t(v.bits) : v.bits;
}

class MemoryBounds : public ::testing::Test {
  protected:
    // Compiles the variant, checks its compiled form and runs every case on a fresh
    // instance. Stops at the first wrong case of a variant (the others would say the same).
    void run_variant(const Access& a, AddressForm form, Use use, uint32_t offset,
                     const Scenario& s) {
        const std::string variant = std::string(info(a.op).text) + " (" + describe(use) +
                                    "), address " + describe(form) + ", offset " + hex(offset) +
                                    ", " + s.name;
        SCOPED_TRACE(variant);
        auto compiled = Module::compile(make_module(a, form, use, offset, s).encode());
        ASSERT_TRUE(compiled) << compiled.error().to_string();
        const std::shared_ptr<const Module>& module = compiled.value();
        const std::string wrong_form = check_compiled_form(*module, a, form, use);
        ASSERT_EQ(wrong_form, "");

        const uint64_t size = (1 + s.pages) * kPage;
        InstantiateOptions options;
        if (s.pooled) options.memory_pool = pool_;
        const uint32_t addend = adds_const(form) ? kAddend : 0;
        for (const Case& c : cases_for(size, offset, addend, a.width)) {
            const std::string where = "address " + hex(c.address) + ", effective address " +
                                      hex(c.effective) + ", memory size " + hex(size);
            SCOPED_TRACE(where);
            auto made = linker_.instantiate(*context_, module, options);
            ASSERT_TRUE(made) << made.error().to_string();
            Instance& instance = *made.value();
            if (s.where == GrowWhere::Embedder) ASSERT_EQ(instance.memory()->grow(s.pages), 1);

            std::vector<uint8_t> model(size, 0);
            std::memcpy(&model[kPage - sizeof kEndData], kEndData, sizeof kEndData);
            const uint64_t other = number_bits(a.type, 2);
            const uint64_t argument = is_store(use) ? store_bits(a.type) : other;
            const std::vector<Value> args = {Value::i32(int32_t(c.address)),
                                             value_of(a.type, argument)};
            const uint8_t* base_before = instance.memory()->data();
            auto result = instance.exported_function("access")->call(*context_, args);

            const bool in_bounds = c.effective + a.width <= size;
            ASSERT_EQ(instance.memory()->size(), size) << "the memory did not grow";
            if (s.pooled) ASSERT_NE(instance.memory()->data(), base_before) << "it did not move";
            if (!in_bounds) {
                ASSERT_FALSE(result) << "no trap";
                ASSERT_EQ(result.error().code, TrapCode::OutOfBoundsMemoryAccess)
                    << result.error().message;
            } else {
                ASSERT_TRUE(result) << "trapped: " << result.error().message;
                if (is_store(use)) {
                    const uint64_t bits = store_bits(a.type);
                    for (uint32_t i = 0; i < a.width; ++i)
                        model[c.effective + i] = uint8_t(bits >> (8 * i));
                } else {
                    ASSERT_EQ(result.value().size(), 1u);
                    uint64_t expected = load_bits(a, model, c.effective);
                    if (use == Use::FusedImm)
                        expected = add_bits(a.type, expected, number_bits(a.type, 1));
                    if (use == Use::FusedLeft || use == Use::FusedRight)
                        expected = add_bits(a.type, expected, other);
                    ASSERT_EQ(result_bits(result.value()[0]), expected);
                }
            }
            // Nothing else written, and nothing at all by an access that trapped.
            if (is_store(use))
                ASSERT_EQ(std::memcmp(instance.memory()->data(), model.data(), size), 0)
                    << "memory differs from the model";
        }
    }

    std::unique_ptr<ExecutionContext> context_ = ExecutionContext::create();
    Linker linker_;
    std::shared_ptr<MemoryPool> pool_ = MemoryPool::create();
};

constexpr uint32_t kOffsets[] = {0, 0x100, 0xffffffff};

TEST_F(MemoryBounds, LoadsOfEveryWidth) {
    for (const Scenario& s : kScenarios)
        for (const Access& a : kLoads)
            for (AddressForm form :
                 {AddressForm::Local, AddressForm::LocalPlusConst, AddressForm::Computed,
                  AddressForm::ComputedPlusConst, AddressForm::StackSlotPlusConst})
                for (uint32_t offset : kOffsets) {
                    run_variant(a, form, Use::Load, offset, s);
                    if (HasFatalFailure()) return;
                }
}

TEST_F(MemoryBounds, StoresOfEveryWidth) {
    for (const Scenario& s : kScenarios)
        for (const Access& a : kStores)
            for (Use use : {Use::StoreLocal, Use::StoreConst, Use::StoreComputed})
                for (AddressForm form :
                     {AddressForm::Local, AddressForm::LocalPlusConst, AddressForm::Computed})
                    for (uint32_t offset : kOffsets) {
                        run_variant(a, form, use, offset, s);
                        if (HasFatalFailure()) return;
                    }
}

TEST_F(MemoryBounds, LoadsFusedIntoArithmetic) {
    for (const Scenario& s : kScenarios)
        for (const Access& a : kLoads) {
            if (a.width != 4 && a.width != 8) continue; // only full-width loads fuse
            if (a.sign_extends || (a.width == 4 && a.type == ValType::I64)) continue;
            for (Use use : {Use::FusedImm, Use::FusedRight, Use::FusedLeft}) {
                // A load on the left fuses only into operations that may swap their
                // operands: float additions may not (NaN payloads), so there is no such path.
                const bool is_float = a.type == ValType::F32 || a.type == ValType::F64;
                if (use == Use::FusedLeft && is_float) continue;
                for (AddressForm form : {AddressForm::Local, AddressForm::LocalPlusConst,
                                         AddressForm::StackSlotPlusConst})
                    for (uint32_t offset : kOffsets) {
                        run_variant(a, form, use, offset, s);
                        if (HasFatalFailure()) return;
                    }
            }
        }
}

// ---- bulk memory operations ---------------------------------------------------------------

enum class Bulk : uint8_t { Fill, Copy, Init };

struct BulkCase {
    uint64_t d, s, n; // for fill, s is the value
};

constexpr uint8_t kSegment[8] = {1, 2, 3, 4, 5, 6, 7, 8};
constexpr uint64_t kTop = 0xffffffff;

// Operands around the end of a memory of `size` bytes, and around the end of page 0 (out
// of bounds before the memory grows, inside after).
std::vector<BulkCase> bulk_cases(Bulk op, uint64_t size) {
    const uint64_t S = size, P = kPage;
    switch (op) {
    case Bulk::Fill:
        return {{S - 1, 0xaa, 1}, {S, 0xaa, 0}, {S + 1, 0xaa, 0}, {S - 4, 0xaa, 5},
                {0, 0xab, S},     {1, 0xab, S}, {S - 8, 0xac, 8}, {kTop, 0xad, 2},
                {2, 0xae, kTop},  {P, 0xaf, 1}, {P - 1, 0xa0, 2}, {P, 0xa1, 0}};
    case Bulk::Copy:
        return {{S - 4, 0, 4},      {0, S - 4, 4},
                {S - 3, 0, 4},      {0, S - 3, 4},
                {S, 0, 0},          {0, S, 0},
                {S + 1, 0, 0},      {0, S + 1, 0},
                {S - 8, S - 10, 8}, {S - 10, S - 8, 8},
                {kTop, 0, 2},       {0, kTop, 2},
                {S / 2, 0, S / 2},  {S / 2 + 1, 0, S / 2},
                {P, 0, 1},          {0, P, 1}};
    case Bulk::Init:
        return {{S - 8, 0, 8}, {S - 7, 0, 8}, {S, 8, 0},    {S + 1, 0, 0}, {0, 9, 0},    {0, 8, 0},
                {0, 4, 5},     {S - 4, 4, 4}, {kTop, 0, 2}, {P, 0, 1},     {P - 4, 0, 8}};
    }
    return {};
}

// What the operation does to `model` (a memory of model.size() bytes); false when it traps,
// in which case it writes nothing.
bool apply(Bulk op, const BulkCase& c, std::vector<uint8_t>& model, uint64_t segment_size) {
    const uint64_t size = model.size();
    auto fits = [](uint64_t at, uint64_t n, uint64_t limit) { return at + n <= limit; };
    switch (op) {
    case Bulk::Fill:
        if (!fits(c.d, c.n, size)) return false;
        std::memset(model.data() + c.d, int(c.s & 0xff), c.n);
        return true;
    case Bulk::Copy:
        if (!fits(c.d, c.n, size) || !fits(c.s, c.n, size)) return false;
        std::memmove(model.data() + c.d, model.data() + c.s, c.n);
        return true;
    case Bulk::Init:
        if (!fits(c.d, c.n, size) || !fits(c.s, c.n, segment_size)) return false;
        std::memcpy(model.data() + c.d, kSegment + c.s, c.n);
        return true;
    }
    return false;
}

const char* bulk_name(Bulk op) {
    switch (op) {
    case Bulk::Fill: return "fill";
    case Bulk::Copy: return "copy";
    case Bulk::Init: return "init";
    }
    return "?";
}

class BulkMemoryBounds : public ::testing::Test {
  protected:
    void SetUp() override {
        std::ifstream in(std::string(TYCHO_WASM_TESTDATA) + "/memory_bulk_bounds.wasm",
                         std::ios::binary);
        const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                         std::istreambuf_iterator<char>()};
        auto m = Module::compile(bytes);
        ASSERT_TRUE(m) << m.error().to_string();
        module_ = m.value();
    }

    // Runs every case of `op` on a fresh instance whose first page holds a pattern; with
    // `grow`, the exported function grows the memory by a page first. `dropped`: the data
    // segment is dropped before the call.
    void run(Bulk op, bool grow, bool dropped) {
        const uint64_t size = (grow ? 2 : 1) * kPage;
        const std::string name = std::string(grow ? "grow_then_" : "") + bulk_name(op);
        for (const BulkCase& c : bulk_cases(op, size)) {
            SCOPED_TRACE(name + "(" + hex(c.d) + ", " + hex(c.s) + ", " + hex(c.n) + ")" +
                         (dropped ? " after data.drop" : "") + ", memory size " + hex(size));
            ASSERT_TRUE(c.d <= kTop && c.s <= kTop && c.n <= kTop);
            auto made = Linker().instantiate(*context_, module_);
            ASSERT_TRUE(made) << made.error().to_string();
            Instance& instance = *made.value();
            uint8_t* memory = instance.memory()->data();
            for (uint64_t i = 0; i < kPage; ++i)
                memory[i] = uint8_t(i * 7 + 1);
            std::vector<uint8_t> model(size, 0);
            std::memcpy(model.data(), memory, kPage);
            if (dropped) ASSERT_TRUE(instance.exported_function("drop")->call(*context_, {}));

            const std::vector<Value> args = {Value::i32(int32_t(uint32_t(c.d))),
                                             Value::i32(int32_t(uint32_t(c.s))),
                                             Value::i32(int32_t(uint32_t(c.n)))};
            auto result = instance.exported_function(name)->call(*context_, args);
            const bool in_bounds = apply(op, c, model, dropped ? 0 : sizeof kSegment);
            ASSERT_EQ(instance.memory()->size(), size);
            if (in_bounds) {
                ASSERT_TRUE(result) << "trapped: " << result.error().message;
            } else {
                ASSERT_FALSE(result) << "no trap";
                ASSERT_EQ(result.error().code, TrapCode::OutOfBoundsMemoryAccess);
            }
            ASSERT_EQ(std::memcmp(instance.memory()->data(), model.data(), size), 0)
                << "memory differs from the model";
        }
    }

    std::unique_ptr<ExecutionContext> context_ = ExecutionContext::create();
    std::shared_ptr<const Module> module_;
};

TEST_F(BulkMemoryBounds, FillAtTheEnd) {
    run(Bulk::Fill, false, false);
}
TEST_F(BulkMemoryBounds, FillAfterGrowing) {
    run(Bulk::Fill, true, false);
}
TEST_F(BulkMemoryBounds, CopyAtTheEnd) {
    run(Bulk::Copy, false, false);
}
TEST_F(BulkMemoryBounds, CopyAfterGrowing) {
    run(Bulk::Copy, true, false);
}
TEST_F(BulkMemoryBounds, InitAtTheEnd) {
    run(Bulk::Init, false, false);
}
TEST_F(BulkMemoryBounds, InitAfterGrowing) {
    run(Bulk::Init, true, false);
}
TEST_F(BulkMemoryBounds, InitOfADroppedSegment) {
    run(Bulk::Init, false, true);
    run(Bulk::Init, true, true);
}

} // namespace
