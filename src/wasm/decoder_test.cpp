#include "decoder.h"

#include "module_validator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace tycho::wasm {
namespace {

using Bytes = std::vector<uint8_t>;
using Kind = ConstInstr::Kind;

// ---------------------------------------------------------------------------------------------
// Tiny module builder

Bytes leb(uint64_t v) {
    Bytes out;
    do {
        uint8_t b = v & 0x7F;
        v >>= 7;
        out.push_back(v ? b | 0x80 : b);
    } while (v);
    return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes str(std::string_view s) {
    return cat({leb(s.size()), Bytes(s.begin(), s.end())});
}

Bytes section(uint8_t id, const Bytes& content) {
    return cat({{id}, leb(content.size()), content});
}

const Bytes kHeader = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};

Bytes module(std::initializer_list<Bytes> sections) {
    Bytes out = kHeader;
    for (const Bytes& s : sections)
        out.insert(out.end(), s.begin(), s.end());
    return out;
}

const Bytes kOneVoidType = section(1, {0x01, 0x60, 0x00, 0x00});
const Bytes kOneFunc = section(3, {0x01, 0x00});
const Bytes kOneEmptyBody = section(10, {0x01, 0x02, 0x00, 0x0B});
const Bytes kOneTable = section(4, {0x01, 0x70, 0x00, 0x01});
const Bytes kOneMemory = section(5, {0x01, 0x00, 0x01});

Result<ModuleInfo> decode(const Bytes& b) {
    return decode_module(b);
}

std::string error_of(const Bytes& b) {
    auto r = decode(b);
    if (r.ok()) return "<decoded>";
    return r.error().message;
}

#define EXPECT_DECODES(bytes)                                                                      \
    do {                                                                                           \
        auto r_ = decode(bytes);                                                                   \
        EXPECT_TRUE(r_.ok()) << r_.error().to_string();                                            \
    } while (0)

#define EXPECT_DECODE_ERROR(bytes, text)                                                           \
    EXPECT_NE(error_of(bytes).find(text), std::string::npos) << error_of(bytes)

// ---------------------------------------------------------------------------------------------
// Header and framing

TEST(Decoder, EmptyModule) {
    auto r = decode(kHeader);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->bytes, kHeader);
    EXPECT_TRUE(r->types.empty());
    EXPECT_TRUE(r->bodies.empty());
    EXPECT_FALSE(r->start);
    EXPECT_FALSE(r->data_count);
}

TEST(Decoder, Header) {
    EXPECT_DECODE_ERROR(Bytes{}, "unexpected end");
    EXPECT_DECODE_ERROR((Bytes{0x00, 0x61, 0x73}), "unexpected end");
    EXPECT_DECODE_ERROR((Bytes{0x00, 0x61, 0x73, 0x6D}), "unexpected end");
    EXPECT_DECODE_ERROR((Bytes{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00}), "unexpected end");
    EXPECT_DECODE_ERROR((Bytes{0x00, 0x41, 0x53, 0x4D, 0x01, 0x00, 0x00, 0x00}),
                        "magic header not detected");
    EXPECT_DECODE_ERROR((Bytes{0xEF, 0xBB, 0xBF, 0x00, 0x61, 0x73, 0x6D, 0x01}),
                        "magic header not detected");
    EXPECT_DECODE_ERROR((Bytes{0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00}),
                        "unknown binary version");
    EXPECT_DECODE_ERROR((Bytes{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x01}),
                        "unknown binary version");
    auto r = decode(Bytes{0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x01, 0x00});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset, 4u);
}

TEST(Decoder, MalformedSectionId) {
    EXPECT_DECODE_ERROR(module({{0x0D, 0x00}}), "malformed section id");
    EXPECT_DECODE_ERROR(module({{0x7F, 0x00}}), "malformed section id");
    EXPECT_DECODE_ERROR(module({{0x80, 0x00, 0x01, 0x00}}), "malformed section id");
    auto r = decode(module({kOneVoidType, {0x0D, 0x00}}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset, kHeader.size() + kOneVoidType.size());
}

TEST(Decoder, SectionSizeMustMatchContents) {
    // Type section claims 5 bytes but its one type takes 3 after the count: 1 left over.
    auto r = decode(module({{0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00}}));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("section size mismatch"), std::string::npos);
    EXPECT_EQ(r.error().offset, kHeader.size() + 6);
    // Contents running past the declared size.
    EXPECT_DECODE_ERROR(module({{0x01, 0x03, 0x01, 0x60, 0x00, 0x00}, {0x00, 0x00}}),
                        "unexpected end");
    // A declared size beyond the end of the module.
    EXPECT_DECODE_ERROR(module({{0x01, 0x09, 0x01, 0x60, 0x00, 0x00}}), "length out of bounds");
    // Redundant entries beyond the count.
    EXPECT_DECODE_ERROR(
        module({section(6, {0x01, 0x7F, 0x00, 0x41, 0x00, 0x0B, 0x7F, 0x00, 0x41, 0x00, 0x0B})}),
        "section size mismatch");
    // Unterminated section size.
    EXPECT_DECODE_ERROR(module({{0x01, 0x80}}), "unexpected end");
}

TEST(Decoder, SectionOrder) {
    const Bytes type = section(1, {0x00});
    const Bytes import = section(2, {0x00});
    const Bytes func = section(3, {0x00});
    const Bytes table = section(4, {0x00});
    const Bytes memory = section(5, {0x00});
    const Bytes global = section(6, {0x00});
    const Bytes exports = section(7, {0x00});
    const Bytes elem = section(9, {0x00});
    const Bytes datacount = section(12, {0x00});
    const Bytes code = section(10, {0x00});
    const Bytes data = section(11, {0x00});
    const Bytes custom = section(0, str("c"));
    EXPECT_DECODES(module({custom, type,      custom, import, custom, func,    custom, table,
                           custom, memory,    custom, global, custom, exports, custom, elem,
                           custom, datacount, custom, code,   custom, data,    custom}));
    EXPECT_DECODE_ERROR(module({import, type}), "type section out of order");
    EXPECT_DECODE_ERROR(module({type, type}), "duplicate type section");
    EXPECT_DECODE_ERROR(module({type, custom, type}), "duplicate type section");
    EXPECT_DECODE_ERROR(module({code, datacount}), "data count section out of order");
    EXPECT_DECODE_ERROR(module({datacount, elem}), "element section out of order");
    EXPECT_DECODE_ERROR(module({data, code}), "code section out of order");
    EXPECT_DECODE_ERROR(module({memory, table}), "table section out of order");
    EXPECT_DECODE_ERROR(
        module({kOneVoidType, kOneFunc, section(8, {0x00}), section(8, {0x00}), kOneEmptyBody}),
        "duplicate start section");
}

TEST(Decoder, AbsurdCountsFailWithoutAllocating) {
    for (uint8_t id : {1, 2, 3, 4, 5, 6, 7, 9, 10, 11}) {
        SCOPED_TRACE(int(id));
        EXPECT_DECODE_ERROR(module({section(id, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00})}),
                            "length out of bounds");
    }
    EXPECT_DECODE_ERROR(module({section(1, {0x01, 0x60, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F})}),
                        "length out of bounds");
}

// ---------------------------------------------------------------------------------------------
// Types, imports, functions, tables, memories, globals, exports, start

TEST(Decoder, TypeSection) {
    auto r = decode(module({section(1, {0x03, 0x60, 0x00, 0x00, 0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D,
                                        0x60, 0x03, 0x7C, 0x70, 0x6F, 0x02, 0x7B, 0x7F})}));
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    ASSERT_EQ(r->types.size(), 3u);
    EXPECT_EQ(r->types[0], FuncType{});
    EXPECT_EQ(r->types[1].to_string(), "[i32 i64] -> [f32]");
    EXPECT_EQ(r->types[2].to_string(), "[f64 funcref externref] -> [v128 i32]");
    EXPECT_DECODE_ERROR(module({section(1, {0x01, 0x61, 0x00, 0x00})}), "malformed function type");
    EXPECT_DECODE_ERROR(module({section(1, {0x01, 0x60, 0x01, 0x7A, 0x00})}),
                        "malformed value type");
    EXPECT_DECODE_ERROR(module({section(1, {0x01, 0x60, 0x00, 0x01, 0x40})}),
                        "malformed value type");
}

TEST(Decoder, ImportSectionFillsIndexSpaces) {
    auto r = decode(module({
        kOneVoidType,
        section(2, cat({{0x04},
                        str("env"),
                        str("f"),
                        {0x00, 0x00},
                        str("env"),
                        str("t"),
                        {0x01, 0x6F, 0x01, 0x02, 0x03},
                        str("env"),
                        str("m"),
                        {0x02, 0x00, 0x05},
                        str("env"),
                        str("g"),
                        {0x03, 0x7E, 0x01}})),
    }));
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const ModuleInfo& m = *r;
    ASSERT_EQ(m.imports.size(), 4u);
    EXPECT_EQ(m.imports[0].module, "env");
    EXPECT_EQ(m.imports[0].name, "f");
    EXPECT_EQ(m.imports[0].kind, ExternKind::Func);
    EXPECT_EQ(m.imports[1].kind, ExternKind::Table);
    EXPECT_EQ(m.imports[1].table, (TableType{ValType::ExternRef, Limits{2, 3}}));
    EXPECT_EQ(m.imports[2].memory, (MemoryType{Limits{5, std::nullopt}}));
    EXPECT_EQ(m.imports[3].global, (GlobalType{ValType::I64, true}));
    EXPECT_EQ(m.func_types, std::vector<uint32_t>{0});
    EXPECT_EQ(m.num_imported_funcs, 1u);
    EXPECT_EQ(m.num_imported_tables, 1u);
    EXPECT_EQ(m.num_imported_memories, 1u);
    EXPECT_EQ(m.num_imported_globals, 1u);
    EXPECT_EQ(m.tables.size(), 1u);
    EXPECT_EQ(m.memories.size(), 1u);
    EXPECT_EQ(m.globals.size(), 1u);
    EXPECT_TRUE(m.global_inits.empty());
    EXPECT_EQ(m.num_defined_funcs(), 0u);
}

TEST(Decoder, ImportErrors) {
    for (uint8_t kind : {0x04, 0x05, 0x80}) {
        EXPECT_DECODE_ERROR(module({section(2, {0x01, 0x00, 0x00, kind})}),
                            "malformed import kind");
        EXPECT_DECODE_ERROR(module({section(2, {0x01, 0x00, 0x00, kind, 0x00})}),
                            "malformed import kind");
    }
    EXPECT_DECODE_ERROR(module({section(2, {0x01, 0x01, 0x80, 0x00, 0x00, 0x00})}),
                        "malformed UTF-8 encoding");
    EXPECT_DECODE_ERROR(module({section(2, {0x01, 0x00, 0x01, 0xFF, 0x00, 0x00})}),
                        "malformed UTF-8 encoding");
    EXPECT_DECODE_ERROR(module({section(2, cat({{0x01}, str("a"), str("b"), {0x03, 0x7F, 0x02}}))}),
                        "malformed mutability");
    EXPECT_DECODE_ERROR(
        module({section(2, cat({{0x01}, str("a"), str("b"), {0x01, 0x7F, 0x00, 0x00}}))}),
        "malformed reference type");
}

TEST(Decoder, TablesAndMemoriesAndLimits) {
    auto r = decode(module({section(4, {0x02, 0x70, 0x00, 0x00, 0x6F, 0x01, 0x01, 0x80, 0x01}),
                            section(5, {0x01, 0x01, 0x82, 0x80, 0x80, 0x80, 0x00, 0x03})}));
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    ASSERT_EQ(r->tables.size(), 2u);
    EXPECT_EQ(r->tables[0], (TableType{ValType::FuncRef, Limits{0, std::nullopt}}));
    EXPECT_EQ(r->tables[1], (TableType{ValType::ExternRef, Limits{1, 128}}));
    ASSERT_EQ(r->memories.size(), 1u);
    EXPECT_EQ(r->memories[0], (MemoryType{Limits{2, 3}}));
    EXPECT_DECODE_ERROR(module({section(5, {0x01, 0x02, 0x00})}), "malformed limits flags");
    EXPECT_DECODE_ERROR(module({section(5, {0x01, 0x03, 0x00, 0x00})}), "malformed limits flags");
    EXPECT_DECODE_ERROR(module({section(5, {0x01, 0x81, 0x00, 0x00})}), "malformed limits flags");
    EXPECT_DECODE_ERROR(module({section(4, {0x01, 0x70, 0x02, 0x00})}), "malformed limits flags");
    EXPECT_DECODE_ERROR(module({section(4, {0x01, 0x7F, 0x00, 0x00})}), "malformed reference type");
    EXPECT_DECODE_ERROR(module({section(5, {0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x70})}),
                        "integer too large");
    EXPECT_DECODE_ERROR(module({section(5, {0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00})}),
                        "integer representation too long");
    EXPECT_DECODE_ERROR(module({section(5, {0x01})}), "length out of bounds");
    EXPECT_DECODE_ERROR(module({section(5, {0x01, 0x01, 0x00})}), "unexpected end");
}

TEST(Decoder, GlobalsAndConstantExpressions) {
    auto r = decode(module({section(
        6, {0x07,                                                 //
            0x7F, 0x00, 0x41, 0x7F, 0x0B,                         // i32.const -1
            0x7E, 0x01, 0x42, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0B, // i64.const 2^32
            0x7D, 0x00, 0x43, 0x00, 0x00, 0x80, 0x3F, 0x0B,       // f32.const 1.0
            0x7C, 0x00, 0x44, 0,    0,    0,    0,    0,    0,    0xF0, 0x3F, 0x0B, // f64.const 1.0
            0x6F, 0x00, 0xD0, 0x6F, 0x0B,                  // ref.null extern
            0x70, 0x00, 0xD2, 0x03, 0x0B,                  // ref.func 3
            0x7F, 0x00, 0x23, 0x01, 0x41, 0x00, 0x0B})})); // global.get 1; i32.const 0
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const ModuleInfo& m = *r;
    ASSERT_EQ(m.globals.size(), 7u);
    ASSERT_EQ(m.global_inits.size(), 7u);
    EXPECT_EQ(m.globals[1], (GlobalType{ValType::I64, true}));
    auto single = [&](size_t i) {
        EXPECT_EQ(m.global_inits[i].instrs.size(), 1u);
        return m.global_inits[i].instrs.at(0);
    };
    EXPECT_EQ(single(0).kind, Kind::I32Const);
    EXPECT_EQ(single(0).value, 0xFFFFFFFFu);
    EXPECT_EQ(single(1).kind, Kind::I64Const);
    EXPECT_EQ(single(1).value, uint64_t(1) << 32);
    EXPECT_EQ(single(2).kind, Kind::F32Const);
    EXPECT_EQ(single(2).value, 0x3F800000u);
    EXPECT_EQ(single(3).kind, Kind::F64Const);
    EXPECT_EQ(single(3).value, 0x3FF0000000000000u);
    EXPECT_EQ(single(4).kind, Kind::RefNull);
    EXPECT_EQ(single(4).ref_type, ValType::ExternRef);
    EXPECT_EQ(single(5).kind, Kind::RefFunc);
    EXPECT_EQ(single(5).value, 3u);
    // Extra instructions are kept for the validator to reject.
    ASSERT_EQ(m.global_inits[6].instrs.size(), 2u);
    EXPECT_EQ(m.global_inits[6].instrs[0].kind, Kind::GlobalGet);
    EXPECT_EQ(m.global_inits[6].instrs[0].value, 1u);
    EXPECT_EQ(m.global_inits[0].offset, kHeader.size() + 2 + 1 + 2);
}

TEST(Decoder, ConstantExpressionErrors) {
    auto global = [](Bytes expr) { return module({section(6, cat({{0x01, 0x7F, 0x00}, expr}))}); };
    EXPECT_DECODES(global({0x0B})); // empty: a validation error, not a decoding one
    EXPECT_DECODE_ERROR(global({0x41, 0x00, 0x41, 0x01, 0x6A, 0x0B}),
                        "constant expression required");
    EXPECT_DECODE_ERROR(global({0x01, 0x0B}), "constant expression required");
    EXPECT_DECODE_ERROR(global({0xFD, 0x0C, 0x0B}), "constant expression required");
    // A byte that is no instruction at all is not a "constant expression required" case.
    EXPECT_DECODE_ERROR(global({0xF3, 0x0B}), "illegal opcode 0xf3");
    EXPECT_DECODE_ERROR(global({0x41, 0x00, 0x06, 0x0B}), "illegal opcode 0x6");
    EXPECT_DECODE_ERROR(global({0x41, 0x00}), "unexpected end");
    EXPECT_DECODE_ERROR(global({0xD0, 0x7F, 0x0B}), "malformed reference type");
    EXPECT_DECODE_ERROR(global({0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x0B}), "integer too large");
    EXPECT_DECODE_ERROR(global({0x43, 0x00, 0x00, 0x0B}), "unexpected end");
    auto r = decode(global({0x41, 0x00, 0x6A, 0x0B}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset, kHeader.size() + 2 + 3 + 2); // at the offending opcode
    EXPECT_DECODE_ERROR(module({section(6, {0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B})}),
                        "malformed mutability");
}

TEST(Decoder, ExportsAndStart) {
    auto r = decode(
        module({kOneVoidType, kOneFunc, kOneMemory,
                section(7, cat({{0x02}, str("run"), {0x00, 0x00}, str("mem"), {0x02, 0x00}})),
                section(8, {0x00}), kOneEmptyBody}));
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    ASSERT_EQ(r->exports.size(), 2u);
    EXPECT_EQ(r->exports[0].name, "run");
    EXPECT_EQ(r->exports[0].kind, ExternKind::Func);
    EXPECT_EQ(r->exports[1].kind, ExternKind::Memory);
    EXPECT_EQ(r->start, 0u);
    EXPECT_DECODE_ERROR(module({section(7, cat({{0x01}, str("x"), {0x04, 0x00}}))}),
                        "malformed export kind");
    EXPECT_DECODE_ERROR(module({section(7, {0x01, 0x01, 0xC0, 0x00, 0x00})}),
                        "malformed UTF-8 encoding");
    EXPECT_DECODE_ERROR(module({section(8, {0x80})}), "unexpected end");
}

// ---------------------------------------------------------------------------------------------
// Element and data segments

ModuleInfo decode_ok(const Bytes& b) {
    auto r = decode(b);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? std::move(r).value() : ModuleInfo{};
}

Bytes elem_module(const Bytes& segment) {
    return module({section(9, cat({{0x01}, segment}))});
}

void expect_func_items(const ElementSegment& seg, std::vector<uint32_t> funcs) {
    ASSERT_EQ(seg.items.size(), funcs.size());
    for (size_t i = 0; i < funcs.size(); ++i) {
        ASSERT_EQ(seg.items[i].instrs.size(), 1u);
        EXPECT_EQ(seg.items[i].instrs[0].kind, Kind::RefFunc);
        EXPECT_EQ(seg.items[i].instrs[0].value, funcs[i]);
    }
}

TEST(DecoderElements, Flags0ActiveTable0FuncIndices) {
    ModuleInfo m = decode_ok(elem_module({0x00, 0x41, 0x05, 0x0B, 0x02, 0x07, 0x08}));
    ASSERT_EQ(m.elements.size(), 1u);
    const ElementSegment& seg = m.elements[0];
    EXPECT_EQ(seg.mode, SegmentMode::Active);
    EXPECT_EQ(seg.table, 0u);
    EXPECT_EQ(seg.type, ValType::FuncRef);
    ASSERT_EQ(seg.offset.instrs.size(), 1u);
    EXPECT_EQ(seg.offset.instrs[0].value, 5u);
    EXPECT_EQ(seg.offset.offset, kHeader.size() + 4);
    expect_func_items(seg, {7, 8});
    EXPECT_EQ(seg.items[1].offset, kHeader.size() + 9);
}

TEST(DecoderElements, Flags1PassiveFuncIndices) {
    ModuleInfo m = decode_ok(elem_module({0x01, 0x00, 0x01, 0x02}));
    EXPECT_EQ(m.elements[0].mode, SegmentMode::Passive);
    EXPECT_EQ(m.elements[0].type, ValType::FuncRef);
    expect_func_items(m.elements[0], {2});
    EXPECT_DECODE_ERROR(elem_module({0x01, 0x01, 0x01, 0x02}), "malformed element kind");
}

TEST(DecoderElements, Flags2ActiveExplicitTableFuncIndices) {
    ModuleInfo m = decode_ok(elem_module({0x02, 0x03, 0x41, 0x00, 0x0B, 0x00, 0x01, 0x09}));
    EXPECT_EQ(m.elements[0].mode, SegmentMode::Active);
    EXPECT_EQ(m.elements[0].table, 3u);
    expect_func_items(m.elements[0], {9});
    EXPECT_DECODE_ERROR(elem_module({0x02, 0x00, 0x41, 0x00, 0x0B, 0x70, 0x00}),
                        "malformed element kind");
}

TEST(DecoderElements, Flags3DeclarativeFuncIndices) {
    ModuleInfo m = decode_ok(elem_module({0x03, 0x00, 0x02, 0x00, 0x01}));
    EXPECT_EQ(m.elements[0].mode, SegmentMode::Declarative);
    expect_func_items(m.elements[0], {0, 1});
}

TEST(DecoderElements, Flags4ActiveTable0Exprs) {
    ModuleInfo m =
        decode_ok(elem_module({0x04, 0x41, 0x01, 0x0B, 0x02, 0xD2, 0x04, 0x0B, 0xD0, 0x70, 0x0B}));
    const ElementSegment& seg = m.elements[0];
    EXPECT_EQ(seg.mode, SegmentMode::Active);
    EXPECT_EQ(seg.table, 0u);
    EXPECT_EQ(seg.type, ValType::FuncRef);
    ASSERT_EQ(seg.items.size(), 2u);
    EXPECT_EQ(seg.items[0].instrs[0].kind, Kind::RefFunc);
    EXPECT_EQ(seg.items[0].instrs[0].value, 4u);
    EXPECT_EQ(seg.items[1].instrs[0].kind, Kind::RefNull);
    EXPECT_EQ(seg.items[1].offset, kHeader.size() + 11);
}

TEST(DecoderElements, Flags5PassiveExprs) {
    ModuleInfo m = decode_ok(elem_module({0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B}));
    EXPECT_EQ(m.elements[0].mode, SegmentMode::Passive);
    EXPECT_EQ(m.elements[0].type, ValType::ExternRef);
    ASSERT_EQ(m.elements[0].items.size(), 1u);
    EXPECT_EQ(m.elements[0].items[0].instrs[0].ref_type, ValType::ExternRef);
    EXPECT_DECODE_ERROR(elem_module({0x05, 0x7F, 0x01, 0xD2, 0x00, 0x0B}),
                        "malformed reference type");
    EXPECT_DECODE_ERROR(elem_module({0x05, 0x70, 0x01, 0xF3, 0x00, 0x0B}), "illegal opcode 0xf3");
}

TEST(DecoderElements, Flags6ActiveExplicitTableExprs) {
    ModuleInfo m =
        decode_ok(elem_module({0x06, 0x81, 0x00, 0x41, 0x02, 0x0B, 0x70, 0x01, 0x23, 0x00, 0x0B}));
    EXPECT_EQ(m.elements[0].mode, SegmentMode::Active);
    EXPECT_EQ(m.elements[0].table, 1u);
    EXPECT_EQ(m.elements[0].type, ValType::FuncRef);
    EXPECT_EQ(m.elements[0].offset.instrs[0].value, 2u);
    EXPECT_EQ(m.elements[0].items[0].instrs[0].kind, Kind::GlobalGet);
}

TEST(DecoderElements, Flags7DeclarativeExprs) {
    ModuleInfo m = decode_ok(elem_module({0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B}));
    EXPECT_EQ(m.elements[0].mode, SegmentMode::Declarative);
    EXPECT_EQ(m.elements[0].items.size(), 1u);
}

TEST(DecoderElements, PaddedFlagsAndBadFlags) {
    ModuleInfo m = decode_ok(elem_module({0x82, 0x00, 0x80, 0x00, 0x41, 0x00, 0x0B, 0x00, 0x00}));
    EXPECT_EQ(m.elements[0].mode, SegmentMode::Active);
    EXPECT_EQ(m.elements[0].table, 0u);
    EXPECT_DECODE_ERROR(elem_module({0x08, 0x00}), "malformed elements segment kind");
    EXPECT_DECODE_ERROR(elem_module({0xFF, 0x01}), "malformed elements segment kind");
    // 2 segments declared, 1.5 given.
    EXPECT_DECODE_ERROR(
        module({section(9, {0x02, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00, 0x00, 0x41, 0x00})}),
        "unexpected end");
}

TEST(DecoderData, AllSegmentEncodings) {
    ModuleInfo m = decode_ok(module({section(
        11, {0x03,                                          //
             0x00, 0x41, 0x08, 0x0B, 0x02, 'h',  'i',       // active, memory 0
             0x01, 0x03, 'x',  'y',  'z',                   // passive
             0x02, 0x80, 0x00, 0x41, 0x01, 0x0B, 0x00})})); // active, explicit memory 0, empty
    ASSERT_EQ(m.data.size(), 3u);
    const size_t base = kHeader.size() + 3;
    EXPECT_EQ(m.data[0].mode, SegmentMode::Active);
    EXPECT_EQ(m.data[0].memory, 0u);
    EXPECT_EQ(m.data[0].offset.instrs[0].value, 8u);
    EXPECT_EQ(m.data[0].offset.offset, base + 1);
    EXPECT_EQ(m.data[0].size, 2u);
    EXPECT_EQ(m.data[0].bytes_offset, base + 5);
    EXPECT_EQ(m.bytes[m.data[0].bytes_offset], 'h');
    EXPECT_EQ(m.data[1].mode, SegmentMode::Passive);
    EXPECT_EQ(m.data[1].size, 3u);
    EXPECT_EQ(m.bytes[m.data[1].bytes_offset + 2], 'z');
    EXPECT_EQ(m.data[2].mode, SegmentMode::Active);
    EXPECT_EQ(m.data[2].size, 0u);
    EXPECT_FALSE(m.data_count);
}

TEST(DecoderData, Errors) {
    EXPECT_DECODE_ERROR(module({section(11, {0x01, 0x03, 0x00})}), "malformed data segment kind");
    EXPECT_DECODE_ERROR(
        module({section(11, {0x01, 0x00, 0x41, 0x03, 0x0B, 0x07, 'a', 'b', 'c', 'd', 'e', 'f'})}),
        "unexpected end");
    EXPECT_DECODE_ERROR(
        module({section(11, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x05, 'a', 'b', 'c', 'd', 'e', 'f'})}),
        "section size mismatch");
    EXPECT_DECODE_ERROR(module({section(11, {0x01, 0x01, 0x03, 'a'})}), "unexpected end");
}

TEST(DecoderData, DataCount) {
    ModuleInfo m =
        decode_ok(module({section(12, {0x02}), section(11, {0x02, 0x01, 0x00, 0x01, 0x00})}));
    EXPECT_EQ(m.data_count, 2u);
    EXPECT_DECODES(module({section(12, {0x00})}));
    EXPECT_DECODE_ERROR(module({section(12, {0x03}), section(11, {0x02, 0x01, 0x00, 0x01, 0x00})}),
                        "data count and data section have inconsistent lengths");
    EXPECT_DECODE_ERROR(module({section(12, {0x01}), section(11, {0x02, 0x01, 0x00, 0x01, 0x00})}),
                        "data count and data section have inconsistent lengths");
    EXPECT_DECODE_ERROR(module({section(12, {0x01})}),
                        "data count and data section have inconsistent lengths");
    EXPECT_DECODE_ERROR(module({section(12, {})}), "unexpected end");
}

// ---------------------------------------------------------------------------------------------
// Code section

TEST(DecoderCode, LocalsAndBodyRange) {
    const Bytes code =
        section(10, {0x01, 0x09, 0x03, 0x00, 0x7F, 0x02, 0x7E, 0x81, 0x00, 0x70, 0x0B});
    ModuleInfo m = decode_ok(module({kOneVoidType, kOneFunc, code}));
    ASSERT_EQ(m.bodies.size(), 1u);
    const FunctionBody& body = m.bodies[0];
    ASSERT_EQ(body.locals.size(), 3u);
    EXPECT_EQ(body.locals[0].count, 0u);
    EXPECT_EQ(body.locals[1].count, 2u);
    EXPECT_EQ(body.locals[1].type, ValType::I64);
    EXPECT_EQ(body.locals[2].count, 1u);
    EXPECT_EQ(body.locals[2].type, ValType::FuncRef);
    EXPECT_EQ(body.num_locals, 3u);
    const size_t code_start = kHeader.size() + kOneVoidType.size() + kOneFunc.size();
    EXPECT_EQ(body.code_offset, code_start + 3 + 1 + 8);
    EXPECT_EQ(body.code_end, code_start + code.size());
    EXPECT_EQ(m.bytes[body.code_end - 1], 0x0B);
}

TEST(DecoderCode, InstructionsAreNotDecoded) {
    // 0xFF is no opcode at all; the function-body reader reports it, not the decoder.
    ModuleInfo m =
        decode_ok(module({kOneVoidType, kOneFunc, section(10, {0x01, 0x03, 0x00, 0xFF, 0x0B})}));
    EXPECT_EQ(m.bodies[0].code_end - m.bodies[0].code_offset, 2u);
}

TEST(DecoderCode, TooManyLocals) {
    auto with_locals = [](Bytes groups) {
        Bytes body = cat({groups, {0x0B}});
        return module({kOneVoidType, kOneFunc, section(10, cat({{0x01}, leb(body.size()), body}))});
    };
    EXPECT_DECODES(with_locals(cat({{0x01}, leb(kMaxFunctionLocals), {0x7F}})));
    EXPECT_DECODE_ERROR(with_locals(cat({{0x01}, leb(kMaxFunctionLocals + 1), {0x7F}})),
                        "too many locals");
    EXPECT_DECODE_ERROR(with_locals(cat({{0x02}, leb(kMaxFunctionLocals), {0x7F, 0x01, 0x7E}})),
                        "too many locals");
    // The sum would wrap around in 32 bits.
    EXPECT_DECODE_ERROR(with_locals({0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x02, 0x7E}),
                        "too many locals");
    EXPECT_DECODE_ERROR(
        with_locals({0x04, 0x80, 0x80, 0x80, 0x80, 0x04, 0x7F, 0x80, 0x80, 0x80, 0x80, 0x04, 0x7E,
                     0x80, 0x80, 0x80, 0x80, 0x04, 0x7D, 0x80, 0x80, 0x80, 0x80, 0x04, 0x7C}),
        "too many locals");
    EXPECT_DECODE_ERROR(with_locals({0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7F}),
                        "integer too large");
    EXPECT_DECODE_ERROR(with_locals({0x01, 0x01, 0x40}), "malformed value type");
}

TEST(DecoderCode, BodyFraming) {
    // The body's size runs past the section.
    EXPECT_DECODE_ERROR(module({kOneVoidType, kOneFunc, section(10, {0x01, 0x05, 0x00, 0x0B})}),
                        "length out of bounds");
    // A body without its final `end`, at the end of the module and between two bodies.
    EXPECT_DECODE_ERROR(
        module({kOneVoidType, kOneFunc, section(10, {0x01, 0x04, 0x00, 0x41, 0x01, 0x1A})}),
        "'end'");
    EXPECT_DECODE_ERROR(module({kOneVoidType, section(3, {0x02, 0x00, 0x00}),
                                section(10, {0x02, 0x04, 0x00, 0x41, 0x01, 0x1A, 0x05, 0x00, 0x41,
                                             0x01, 0x1A, 0x0B})}),
                        "'end'");
    // No room for any instruction after the locals.
    EXPECT_DECODE_ERROR(module({kOneVoidType, kOneFunc, section(10, {0x01, 0x01, 0x00})}),
                        "unexpected end");
    // The locals run past the body.
    EXPECT_DECODE_ERROR(
        module({kOneVoidType, kOneFunc, section(10, {0x01, 0x02, 0x01, 0x01, 0x7F})}),
        "unexpected end");
}

TEST(DecoderCode, FunctionAndCodeCountsMustMatch) {
    const char* kMismatch = "function and code section have inconsistent lengths";
    EXPECT_DECODE_ERROR(module({kOneVoidType, section(3, {0x02, 0x00, 0x00})}), kMismatch);
    EXPECT_DECODE_ERROR(module({section(10, {0x01, 0x02, 0x00, 0x0B})}), kMismatch);
    EXPECT_DECODE_ERROR(module({kOneVoidType, section(3, {0x02, 0x00, 0x00}), kOneEmptyBody}),
                        kMismatch);
    EXPECT_DECODE_ERROR(
        module({kOneVoidType, kOneFunc, section(10, {0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B})}),
        kMismatch);
    EXPECT_DECODES(module({section(3, {0x00})}));
    EXPECT_DECODES(module({section(10, {0x00})}));
}

// ---------------------------------------------------------------------------------------------
// Custom sections and the name section

Bytes subsection(uint8_t id, const Bytes& content) {
    return section(id, content);
}

TEST(DecoderCustom, CustomSectionsAreSkipped) {
    ModuleInfo m =
        decode_ok(module({section(0, cat({str("a custom sect\xE2\x8C\xA3"), str("payload")})),
                          section(0, str("")), section(0, cat({str("x"), kHeader}))}));
    EXPECT_TRUE(m.names.module_name.empty());
    EXPECT_DECODE_ERROR(module({{0x00}}), "unexpected end");
    EXPECT_DECODE_ERROR(module({{0x00, 0x00}}), "unexpected end");
    EXPECT_DECODE_ERROR(module({section(0, {0x05, 'a', 'b'})}), "length out of bounds");
    EXPECT_DECODE_ERROR(module({section(0, {0x02, 0xC3, 0x28})}), "malformed UTF-8 encoding");
    EXPECT_DECODE_ERROR(module({section(0, {0x01, 0xFF, 'x'})}), "malformed UTF-8 encoding");
    // A section size that swallows the next section's header: caught later.
    EXPECT_DECODE_ERROR(module({{0x00, 0x26, 0x10}, Bytes(16, 'a'), Bytes(19, 'p')}),
                        "length out of bounds");
}

Bytes name_section(std::initializer_list<Bytes> subsections) {
    Bytes content = str("name");
    for (const Bytes& s : subsections)
        content.insert(content.end(), s.begin(), s.end());
    return section(0, content);
}

TEST(DecoderCustom, NameSection) {
    const Bytes names = name_section({
        subsection(0, str("my module")),
        subsection(1, cat({{0x02, 0x00}, str("first"), {0x02}, str("third")})),
        subsection(2, cat({{0x01, 0x00, 0x02, 0x00}, str("a"), {0x01}, str("b")})),
        subsection(7, {0x01, 0x02, 0x03}), // an extension subsection: skipped
    });
    ModuleInfo m = decode_ok(module({names}));
    EXPECT_EQ(m.names.module_name, "my module");
    EXPECT_EQ(m.names.function_names.size(), 2u);
    EXPECT_EQ(m.names.function_names.at(0), "first");
    EXPECT_EQ(m.names.function_names.at(2), "third");
    ASSERT_EQ(m.names.local_names.size(), 1u);
    EXPECT_EQ(m.names.local_names.at(0).at(0), "a");
    EXPECT_EQ(m.names.local_names.at(0).at(1), "b");
}

TEST(DecoderCustom, MalformedNameSectionIsIgnored) {
    const Bytes module_name = subsection(0, str("m"));
    const std::vector<Bytes> bad = {
        name_section({module_name, {0x01, 0x09, 0x01}}),                     // truncated subsection
        name_section({subsection(1, cat({{0x01, 0x00}, {0x01, 0xFF}}))}),    // bad UTF-8
        name_section({subsection(1, {0x01, 0x00, 0x01, 'a'}), module_name}), // out of order
        name_section({module_name, module_name}),                            // duplicate
        name_section({subsection(1, cat({{0x02, 0x01}, str("a"), {0x01}, str("b")}))}), // dup index
        name_section({subsection(1, cat({{0x02, 0x02}, str("a"), {0x01}, str("b")}))}), // unsorted
        name_section({subsection(0, cat({str("m"), {0x00}}))}),        // leftover bytes
        name_section({subsection(2, {0x01, 0x00, 0x01, 0x00, 0x05})}), // truncated local name
        name_section({subsection(2, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F})}), // absurd count
    };
    for (size_t i = 0; i < bad.size(); ++i) {
        SCOPED_TRACE(i);
        ModuleInfo m = decode_ok(module({bad[i]}));
        EXPECT_TRUE(m.names.module_name.empty());
        EXPECT_TRUE(m.names.function_names.empty());
        EXPECT_TRUE(m.names.local_names.empty());
    }
}

TEST(DecoderCustom, OnlyTheFirstNameSectionCounts) {
    ModuleInfo m = decode_ok(module(
        {name_section({subsection(0, str("one"))}), name_section({subsection(0, str("two"))})}));
    EXPECT_EQ(m.names.module_name, "one");
}

// ---------------------------------------------------------------------------------------------
// Robustness: every prefix and many single-byte corruptions of a module using every section

struct Rich {
    Bytes bytes;
    std::vector<size_t> boundaries; // offsets where a section ends
};

Rich rich_module() {
    const std::vector<Bytes> sections = {
        section(0, cat({str("hello"), {'p', 'a', 'y'}})),
        section(1, {0x02, 0x60, 0x00, 0x00, 0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D}),
        section(2, cat({{0x02},
                        str("m"),
                        str("f"),
                        {0x00, 0x00},
                        str("m"),
                        str("g"),
                        {0x03, 0x7F, 0x00}})),
        section(3, {0x02, 0x00, 0x01}),
        section(4, {0x01, 0x70, 0x01, 0x01, 0x0A}),
        section(5, {0x01, 0x00, 0x01}),
        section(6, {0x01, 0x7F, 0x01, 0x23, 0x00, 0x0B}),
        section(7, cat({{0x02}, str("run"), {0x00, 0x01}, str("mem"), {0x02, 0x00}})),
        section(8, {0x01}),
        section(9, {0x02, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x01, 0x02, 0x05, 0x70, 0x01, 0xD0, 0x70,
                    0x0B}),
        section(12, {0x02}),
        section(10, {0x02, 0x02, 0x00, 0x0B, 0x09, 0x01, 0x02, 0x7F, 0x43, 0, 0, 0, 0, 0x0B}),
        section(11, {0x02, 0x00, 0x41, 0x08, 0x0B, 0x02, 'h', 'i', 0x01, 0x03, 'x', 'y', 'z'}),
        name_section({subsection(0, str("mod")), subsection(1, cat({{0x01, 0x01}, str("run")})),
                      subsection(2, cat({{0x01, 0x02, 0x01, 0x00}, str("p")}))}),
    };
    Rich r{kHeader, {kHeader.size()}};
    for (const Bytes& s : sections) {
        r.bytes.insert(r.bytes.end(), s.begin(), s.end());
        r.boundaries.push_back(r.bytes.size());
    }
    return r;
}

TEST(DecoderRobustness, RichModuleDecodesAndValidates) {
    ModuleInfo m = decode_ok(rich_module().bytes);
    EXPECT_TRUE(validate_module(m).ok());
    EXPECT_EQ(m.types.size(), 2u);
    EXPECT_EQ(m.func_types, (std::vector<uint32_t>{0, 0, 1}));
    EXPECT_EQ(m.num_defined_funcs(), 2u);
    EXPECT_EQ(m.bodies.size(), 2u);
    EXPECT_EQ(m.bodies[1].num_locals, 2u);
    EXPECT_EQ(m.elements.size(), 2u);
    EXPECT_EQ(m.data.size(), 2u);
    EXPECT_EQ(m.data_count, 2u);
    EXPECT_EQ(m.start, 1u);
    EXPECT_EQ(m.names.module_name, "mod");
    EXPECT_EQ(m.names.function_names.at(1), "run");
    EXPECT_EQ(m.names.local_names.at(2).at(0), "p");
}

TEST(DecoderRobustness, EveryTruncationFailsCleanly) {
    const Rich rich = rich_module();
    size_t failures = 0;
    for (size_t len = 0; len < rich.bytes.size(); ++len) {
        auto r = decode_module(std::span<const uint8_t>(rich.bytes.data(), len));
        bool at_boundary = false;
        for (size_t b : rich.boundaries)
            at_boundary |= b == len;
        if (!at_boundary) {
            EXPECT_FALSE(r.ok()) << "prefix of " << len << " bytes decoded";
        }
        if (!r.ok()) {
            ++failures;
            EXPECT_FALSE(r.error().message.empty());
            EXPECT_LE(r.error().offset, len);
        }
    }
    EXPECT_GT(failures, rich.bytes.size() / 2);
}

TEST(DecoderRobustness, SingleByteCorruptionsNeverCrash) {
    const Bytes original = rich_module().bytes;
    for (size_t i = 0; i < original.size(); ++i) {
        for (uint8_t v : {0x00, 0x01, 0x0B, 0x41, 0x7F, 0x80, 0xFF}) {
            Bytes b = original;
            b[i] = v;
            auto r = decode_module(b);
            if (r.ok()) {
                (void)validate_module(*r);
                (void)declared_function_refs(*r);
                for (const FunctionBody& body : r->bodies) {
                    EXPECT_LE(body.code_offset, body.code_end);
                    EXPECT_LE(body.code_end, b.size());
                }
                for (const DataSegment& seg : r->data)
                    EXPECT_LE(seg.bytes_offset + seg.size, b.size());
            } else {
                EXPECT_LE(r.error().offset, b.size());
            }
        }
    }
}

} // namespace
} // namespace tycho::wasm
