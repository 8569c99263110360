#include "module_validator.h"

#include "decoder.h"

#include <tycho/wasm/trap_code.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace tycho::wasm {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes str(std::string_view s) {
    Bytes out = {uint8_t(s.size())}; // short names only
    out.insert(out.end(), s.begin(), s.end());
    return out;
}

Bytes section(uint8_t id, const Bytes& content) {
    return cat({{id, uint8_t(content.size())}, content}); // contents below 128 bytes
}

Bytes module(std::initializer_list<Bytes> sections) {
    Bytes out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    for (const Bytes& s : sections)
        out.insert(out.end(), s.begin(), s.end());
    return out;
}

// Two types: 0 = [] -> [], 1 = [i32] -> [i32].
const Bytes kTypes = section(1, {0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7F, 0x01, 0x7F});
// Two functions of types 0 and 1 with trivial bodies (the second's body is not valid, but
// bodies are not this validator's business).
const Bytes kFuncs = section(3, {0x02, 0x00, 0x01});
const Bytes kBodies = section(10, {0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B});
const Bytes kFuncrefTable = section(4, {0x01, 0x70, 0x00, 0x01});
const Bytes kMemory = section(5, {0x01, 0x00, 0x01});

Bytes import(std::string_view name, const Bytes& desc) {
    return cat({str("env"), str(name), desc});
}
// Imported globals: 0 = immutable i32, 1 = mutable i32, 2 = immutable funcref.
const Bytes kGlobalImports = section(2, cat({{0x03},
                                             import("c", {0x03, 0x7F, 0x00}),
                                             import("m", {0x03, 0x7F, 0x01}),
                                             import("r", {0x03, 0x70, 0x00})}));

Result<void> check(const Bytes& b) {
    auto m = decode_module(b);
    if (!m.ok()) return Error{"decode failed: " + m.error().message, m.error().offset};
    return validate_module(*m);
}

std::string error_of(const Bytes& b) {
    auto r = check(b);
    return r.ok() ? "<valid>" : r.error().message;
}

#define EXPECT_VALID(bytes)                                                                        \
    do {                                                                                           \
        auto r_ = check(bytes);                                                                    \
        EXPECT_TRUE(r_.ok()) << r_.error().to_string();                                            \
    } while (0)

#define EXPECT_INVALID(bytes, prefix)                                                              \
    EXPECT_EQ(error_of(bytes).rfind(prefix, 0), 0u) << error_of(bytes)

TEST(ModuleValidator, EmptyAndSimpleModulesAreValid) {
    EXPECT_VALID(module({}));
    EXPECT_VALID(module({kTypes, kFuncs, kFuncrefTable, kMemory, kBodies}));
}

TEST(ModuleValidator, TypeIndices) {
    EXPECT_INVALID(
        module({kTypes, section(3, {0x01, 0x02}), section(10, {0x01, 0x02, 0x00, 0x0B})}),
        "unknown type 2");
    EXPECT_INVALID(module({section(3, {0x01, 0x00}), section(10, {0x01, 0x02, 0x00, 0x0B})}),
                   "unknown type 0");
    EXPECT_INVALID(module({kTypes, section(2, cat({{0x01}, import("f", {0x00, 0x05})}))}),
                   "unknown type 5");
    EXPECT_VALID(module({kTypes, section(2, cat({{0x01}, import("f", {0x00, 0x01})}))}));
}

TEST(ModuleValidator, Memories) {
    EXPECT_VALID(module({section(5, {0x01, 0x01, 0x00, 0x80, 0x80, 0x04})})); // max 65536
    EXPECT_VALID(module({section(5, {0x01, 0x00, 0x80, 0x80, 0x04})}));
    EXPECT_INVALID(module({section(5, {0x01, 0x00, 0x81, 0x80, 0x04})}),
                   "memory size must be at most 65536 pages (4GiB)");
    EXPECT_INVALID(module({section(5, {0x01, 0x01, 0x00, 0x81, 0x80, 0x04})}),
                   "memory size must be at most 65536 pages (4GiB)");
    EXPECT_INVALID(module({section(5, {0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F})}),
                   "memory size must be at most 65536 pages (4GiB)");
    EXPECT_INVALID(module({section(5, {0x01, 0x01, 0x02, 0x01})}),
                   "size minimum must not be greater than maximum");
    EXPECT_INVALID(module({section(5, {0x02, 0x00, 0x00, 0x00, 0x00})}), "multiple memories");
    EXPECT_INVALID(module({section(2, cat({{0x01}, import("m", {0x02, 0x00, 0x00})})), kMemory}),
                   "multiple memories");
    EXPECT_INVALID(
        module({section(
            2, cat({{0x02}, import("m", {0x02, 0x00, 0x00}), import("n", {0x02, 0x00, 0x00})}))}),
        "multiple memories");
    EXPECT_INVALID(module({section(2, cat({{0x01}, import("m", {0x02, 0x00, 0x81, 0x80, 0x04})}))}),
                   "memory size must be at most 65536 pages (4GiB)");
}

TEST(ModuleValidator, Tables) {
    EXPECT_VALID(module({section(4, {0x02, 0x70, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x6F, 0x01,
                                     0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F})}));
    EXPECT_INVALID(module({section(4, {0x01, 0x70, 0x01, 0x02, 0x01})}),
                   "size minimum must not be greater than maximum");
    EXPECT_INVALID(module({section(2, cat({{0x01}, import("t", {0x01, 0x6F, 0x01, 0x03, 0x02})}))}),
                   "size minimum must not be greater than maximum");
    EXPECT_VALID(module({section(4, {0x02, 0x70, 0x00, 0x00, 0x70, 0x00, 0x00})})); // many tables
}

Bytes one_global(uint8_t type, uint8_t mut, const Bytes& init) {
    return section(6, cat({{0x01, type, mut}, init, {0x0B}}));
}

TEST(ModuleValidator, GlobalInitializers) {
    EXPECT_VALID(module({one_global(0x7F, 0x00, {0x41, 0x2A})}));
    EXPECT_VALID(module({one_global(0x7E, 0x01, {0x42, 0x2A})}));
    EXPECT_VALID(module({one_global(0x7D, 0x00, {0x43, 0, 0, 0, 0})}));
    EXPECT_VALID(module({one_global(0x7C, 0x00, {0x44, 0, 0, 0, 0, 0, 0, 0, 0})}));
    EXPECT_VALID(module({one_global(0x6F, 0x00, {0xD0, 0x6F})}));
    EXPECT_VALID(module({one_global(0x70, 0x00, {0xD0, 0x70})}));
    EXPECT_INVALID(module({one_global(0x7F, 0x00, {0x42, 0x00})}), "type mismatch");
    EXPECT_INVALID(module({one_global(0x7D, 0x00, {0x44, 0, 0, 0, 0, 0, 0, 0, 0})}),
                   "type mismatch");
    EXPECT_INVALID(module({one_global(0x70, 0x00, {0xD0, 0x6F})}), "type mismatch");
    EXPECT_INVALID(module({one_global(0x7F, 0x00, {})}), "type mismatch");
    EXPECT_INVALID(module({one_global(0x7F, 0x00, {0x41, 0x00, 0x41, 0x00})}), "type mismatch");
    EXPECT_INVALID(module({one_global(0x7B, 0x00, {0x41, 0x00})}), "unsupported: global 0 is v128");
}

TEST(ModuleValidator, GlobalGetInConstantExpressions) {
    EXPECT_VALID(module({kGlobalImports, one_global(0x7F, 0x00, {0x23, 0x00})}));
    EXPECT_VALID(module({kGlobalImports, one_global(0x70, 0x00, {0x23, 0x02})}));
    EXPECT_INVALID(module({kGlobalImports, one_global(0x7F, 0x00, {0x23, 0x01})}),
                   "constant expression required");
    EXPECT_INVALID(module({kGlobalImports, one_global(0x7E, 0x00, {0x23, 0x00})}), "type mismatch");
    EXPECT_INVALID(module({kGlobalImports, one_global(0x7F, 0x00, {0x23, 0x03})}),
                   "unknown global 3");
    // Defined globals are not visible to constant expressions in Wasm 2.0, not even earlier ones.
    EXPECT_INVALID(
        module({section(6, {0x02, 0x7F, 0x00, 0x41, 0x00, 0x0B, 0x7F, 0x00, 0x23, 0x00, 0x0B})}),
        "unknown global 0");
    EXPECT_INVALID(module({one_global(0x7F, 0x00, {0x23, 0x00})}), "unknown global 0");
}

TEST(ModuleValidator, RefFuncInConstantExpressions) {
    EXPECT_VALID(module({kTypes, kFuncs, one_global(0x70, 0x00, {0xD2, 0x01}), kBodies}));
    EXPECT_INVALID(module({kTypes, kFuncs, one_global(0x70, 0x00, {0xD2, 0x02}), kBodies}),
                   "unknown function 2");
    EXPECT_INVALID(module({kTypes, kFuncs, one_global(0x6F, 0x00, {0xD2, 0x00}), kBodies}),
                   "type mismatch");
}

Bytes elems(const Bytes& segments_with_count) {
    return section(9, segments_with_count);
}

TEST(ModuleValidator, ElementSegments) {
    const Bytes externref_table = section(4, {0x01, 0x6F, 0x00, 0x01});
    // Active, table 0, function indices.
    EXPECT_VALID(module({kTypes, kFuncs, kFuncrefTable,
                         elems({0x01, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x01}), kBodies}));
    EXPECT_INVALID(module({kTypes, kFuncs, elems({0x01, 0x00, 0x41, 0x00, 0x0B, 0x00}), kBodies}),
                   "unknown table 0");
    EXPECT_INVALID(module({kTypes, kFuncs, kFuncrefTable,
                           elems({0x01, 0x02, 0x01, 0x41, 0x00, 0x0B, 0x00, 0x00}), kBodies}),
                   "unknown table 1");
    EXPECT_INVALID(module({kTypes, kFuncs, kFuncrefTable,
                           elems({0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x02}), kBodies}),
                   "unknown function 2");
    EXPECT_INVALID(module({kTypes, kFuncs, kFuncrefTable,
                           elems({0x01, 0x00, 0x42, 0x00, 0x0B, 0x00}), kBodies}),
                   "type mismatch");
    EXPECT_INVALID(
        module({kTypes, kFuncs, kFuncrefTable, elems({0x01, 0x00, 0x0B, 0x00}), kBodies}),
        "type mismatch");
    // Segment type against table type, both ways.
    EXPECT_INVALID(module({externref_table, elems({0x01, 0x00, 0x41, 0x00, 0x0B, 0x00})}),
                   "type mismatch");
    EXPECT_INVALID(module({kFuncrefTable, elems({0x01, 0x06, 0x00, 0x41, 0x00, 0x0B, 0x6F, 0x01,
                                                 0xD0, 0x6F, 0x0B})}),
                   "type mismatch");
    EXPECT_VALID(module({externref_table, elems({0x01, 0x06, 0x00, 0x41, 0x00, 0x0B, 0x6F, 0x01,
                                                 0xD0, 0x6F, 0x0B})}));
    // Items must have the segment's type.
    EXPECT_INVALID(module({elems({0x01, 0x05, 0x70, 0x01, 0xD0, 0x6F, 0x0B})}), "type mismatch");
    EXPECT_INVALID(module({elems({0x01, 0x05, 0x6F, 0x01, 0xD2, 0x00, 0x0B})}),
                   "unknown function 0");
    EXPECT_INVALID(
        module({kTypes, kFuncs, elems({0x01, 0x05, 0x6F, 0x01, 0xD2, 0x00, 0x0B}), kBodies}),
        "type mismatch");
    EXPECT_INVALID(module({elems({0x01, 0x05, 0x70, 0x01, 0x41, 0x00, 0x0B})}), "type mismatch");
    EXPECT_INVALID(module({elems({0x01, 0x05, 0x70, 0x01, 0x0B})}), "type mismatch");
    // Passive and declarative segments need no table.
    EXPECT_VALID(module(
        {kTypes, kFuncs, elems({0x02, 0x01, 0x00, 0x01, 0x00, 0x03, 0x00, 0x01, 0x01}), kBodies}));
    EXPECT_VALID(module({kGlobalImports, elems({0x01, 0x07, 0x70, 0x01, 0x23, 0x02, 0x0B})}));
    EXPECT_INVALID(module({kGlobalImports, elems({0x01, 0x05, 0x70, 0x01, 0x23, 0x00, 0x0B})}),
                   "type mismatch");
    // Offsets may read imported immutable globals only.
    EXPECT_VALID(
        module({kGlobalImports, kFuncrefTable, elems({0x01, 0x00, 0x23, 0x00, 0x0B, 0x00})}));
    EXPECT_INVALID(
        module({kGlobalImports, kFuncrefTable, elems({0x01, 0x00, 0x23, 0x01, 0x0B, 0x00})}),
        "constant expression required");
    EXPECT_INVALID(module({kFuncrefTable, one_global(0x7F, 0x00, {0x41, 0x00}),
                           elems({0x01, 0x00, 0x23, 0x00, 0x0B, 0x00})}),
                   "unknown global 0");
}

TEST(ModuleValidator, DataSegments) {
    EXPECT_VALID(module({kMemory, section(11, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 'a'})}));
    EXPECT_VALID(module({section(11, {0x01, 0x01, 0x01, 'a'})})); // passive: no memory needed
    EXPECT_INVALID(module({section(11, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 'a'})}),
                   "unknown memory 0");
    EXPECT_INVALID(module({kMemory, section(11, {0x01, 0x02, 0x01, 0x41, 0x00, 0x0B, 0x00})}),
                   "unknown memory 1");
    EXPECT_INVALID(module({kMemory, section(11, {0x01, 0x00, 0x42, 0x00, 0x0B, 0x00})}),
                   "type mismatch");
    EXPECT_INVALID(module({kMemory, section(11, {0x01, 0x00, 0x0B, 0x00})}), "type mismatch");
    EXPECT_VALID(
        module({kGlobalImports, kMemory, section(11, {0x01, 0x00, 0x23, 0x00, 0x0B, 0x00})}));
    EXPECT_INVALID(
        module({kGlobalImports, kMemory, section(11, {0x01, 0x00, 0x23, 0x01, 0x0B, 0x00})}),
        "constant expression required");
    EXPECT_INVALID(
        module({kGlobalImports, kMemory, section(11, {0x01, 0x00, 0x23, 0x02, 0x0B, 0x00})}),
        "type mismatch");
}

TEST(ModuleValidator, StartFunction) {
    EXPECT_VALID(module({kTypes, kFuncs, section(8, {0x00}), kBodies}));
    EXPECT_INVALID(module({kTypes, kFuncs, section(8, {0x01}), kBodies}), "start function");
    EXPECT_INVALID(module({kTypes, kFuncs, section(8, {0x02}), kBodies}), "unknown function 2");
    EXPECT_INVALID(module({section(8, {0x00})}), "unknown function 0");
    // An imported function may be the start function.
    EXPECT_VALID(
        module({kTypes, section(2, cat({{0x01}, import("f", {0x00, 0x00})})), section(8, {0x00})}));
    EXPECT_EQ(error_of(module({kTypes, kFuncs, section(8, {0x01}), kBodies})),
              "start function must have type [] -> [], but function 1 has [i32] -> [i32]");
}

Bytes export_section(std::initializer_list<Bytes> entries) {
    Bytes content = {uint8_t(entries.size())};
    for (const Bytes& e : entries)
        content.insert(content.end(), e.begin(), e.end());
    return section(7, content);
}

Bytes entry(std::string_view name, uint8_t kind, uint8_t index) {
    return cat({str(name), {kind, index}});
}

TEST(ModuleValidator, Exports) {
    EXPECT_VALID(
        module({kTypes, kFuncs, kFuncrefTable, kMemory, one_global(0x7F, 0x01, {0x41, 0x00}),
                export_section({entry("f", 0, 1), entry("t", 1, 0), entry("m", 2, 0),
                                entry("g", 3, 0), entry("", 0, 0)}),
                kBodies}));
    EXPECT_INVALID(module({kTypes, kFuncs, export_section({entry("f", 0, 2)}), kBodies}),
                   "unknown function 2");
    EXPECT_INVALID(module({export_section({entry("t", 1, 0)})}), "unknown table 0");
    EXPECT_INVALID(module({kMemory, export_section({entry("m", 2, 1)})}), "unknown memory 1");
    EXPECT_INVALID(module({kGlobalImports, export_section({entry("g", 3, 3)})}),
                   "unknown global 3");
    EXPECT_VALID(module({kGlobalImports, export_section({entry("g", 3, 2)})}));
    EXPECT_INVALID(
        module({kTypes, kFuncs, export_section({entry("a", 0, 0), entry("a", 0, 1)}), kBodies}),
        "duplicate export name");
    EXPECT_INVALID(
        module({kTypes, kFuncs, kMemory,
                export_section({entry("a", 0, 0), entry("b", 0, 0), entry("a", 2, 0)}), kBodies}),
        "duplicate export name");
    EXPECT_VALID(
        module({kTypes, kFuncs, export_section({entry("a", 0, 0), entry("A", 0, 0)}), kBodies}));
}

TEST(ModuleValidator, HandMadeInconsistentModuleIsRejectedNotCrashed) {
    ModuleInfo m;
    m.globals.push_back(GlobalType{});
    EXPECT_FALSE(validate_module(m).ok());
}

TEST(ModuleValidator, ConstantExpressionErrorsCarryTheirOffset) {
    const Bytes b = module({one_global(0x7F, 0x00, {0x42, 0x00})});
    auto m = decode_module(b);
    ASSERT_TRUE(m.ok());
    auto r = validate_module(*m);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset, m->global_inits[0].offset);
    EXPECT_EQ(r.error().message,
              "type mismatch: initializer of global 0 must produce i32 but produces i64");
}

// ---------------------------------------------------------------------------------------------
// C.refs

TEST(DeclaredFunctionRefs, CollectsRefFuncOutsideBodiesAndExports) {
    // Five functions of type 0: 0 in a global init, 1 in an index-vector segment, 2 in an
    // expression segment, 3 exported, 4 only the start function.
    const Bytes b = module({
        kTypes,
        section(3, {0x05, 0x00, 0x00, 0x00, 0x00, 0x00}),
        one_global(0x70, 0x00, {0xD2, 0x00}),
        export_section({entry("three", 0, 3)}),
        section(8, {0x04}),
        elems({0x02, 0x03, 0x00, 0x01, 0x01, 0x07, 0x70, 0x02, 0xD2, 0x02, 0x0B, 0xD0, 0x70, 0x0B}),
        section(10, {0x05, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B,
                     0x02, 0x00, 0x0B}),
    });
    auto m = decode_module(b);
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    ASSERT_TRUE(validate_module(*m).ok());
    EXPECT_EQ(declared_function_refs(*m), (std::vector<bool>{true, true, true, true, false}));
}

TEST(DeclaredFunctionRefs, EmptyAndOutOfRangeAreHarmless) {
    ModuleInfo m;
    EXPECT_TRUE(declared_function_refs(m).empty());
    m.func_types = {0};
    m.exports.push_back(Export{"x", ExternKind::Func, 7});
    ConstExpr e;
    e.instrs.push_back(ConstInstr{ConstInstr::Kind::RefFunc, 9, ValType::FuncRef});
    m.global_inits.push_back(e);
    EXPECT_EQ(declared_function_refs(m), std::vector<bool>{false});
}

// ---------------------------------------------------------------------------------------------
// Printable names (types.cpp)

TEST(Types, ToString) {
    EXPECT_STREQ(to_string(ValType::I32), "i32");
    EXPECT_STREQ(to_string(ValType::I64), "i64");
    EXPECT_STREQ(to_string(ValType::F32), "f32");
    EXPECT_STREQ(to_string(ValType::F64), "f64");
    EXPECT_STREQ(to_string(ValType::V128), "v128");
    EXPECT_STREQ(to_string(ValType::FuncRef), "funcref");
    EXPECT_STREQ(to_string(ValType::ExternRef), "externref");
    EXPECT_STREQ(to_string(ExternKind::Func), "func");
    EXPECT_STREQ(to_string(ExternKind::Table), "table");
    EXPECT_STREQ(to_string(ExternKind::Memory), "memory");
    EXPECT_STREQ(to_string(ExternKind::Global), "global");
    EXPECT_EQ(FuncType{}.to_string(), "[] -> []");
    EXPECT_EQ((FuncType{{ValType::I32, ValType::I64}, {ValType::F32}}).to_string(),
              "[i32 i64] -> [f32]");
}

TEST(Types, ErrorToString) {
    EXPECT_EQ((Error{"oops"}).to_string(), "oops");
    EXPECT_EQ((Error{"unexpected end", 0x1A}).to_string(), "unexpected end at offset 0x1a");
    EXPECT_EQ((Error{"bad", 0}).to_string(), "bad at offset 0x0");
}

TEST(Types, TrapMessages) {
    EXPECT_STREQ(trap_message(TrapCode::Unreachable), "unreachable");
    EXPECT_STREQ(trap_message(TrapCode::IntegerDivideByZero), "integer divide by zero");
    EXPECT_STREQ(trap_message(TrapCode::IntegerOverflow), "integer overflow");
    EXPECT_STREQ(trap_message(TrapCode::InvalidConversionToInteger),
                 "invalid conversion to integer");
    EXPECT_STREQ(trap_message(TrapCode::OutOfBoundsMemoryAccess), "out of bounds memory access");
    EXPECT_STREQ(trap_message(TrapCode::OutOfBoundsTableAccess), "out of bounds table access");
    EXPECT_STREQ(trap_message(TrapCode::UndefinedElement), "undefined element");
    EXPECT_STREQ(trap_message(TrapCode::UninitializedElement), "uninitialized element");
    EXPECT_STREQ(trap_message(TrapCode::IndirectCallTypeMismatch), "indirect call type mismatch");
    EXPECT_STREQ(trap_message(TrapCode::CallStackExhausted), "call stack exhausted");
    EXPECT_STREQ(trap_message(TrapCode::HostTrap), "host trap");
    EXPECT_STREQ(trap_message(TrapCode::Interrupted), "interrupted");
}

} // namespace
} // namespace tycho::wasm
