// What each operator carries besides its opcode, once the function-body decoder has read and
// validated it: one struct per immediate kind, named in opcodes.def. Indices are checked
// against the module; fields marked "resolved" are looked up by the decoder (a call's
// signature, a local's type) or set by its typing rule (which frame an `end` closes), so a
// code generator never has to repeat a lookup.
#pragma once

#include <tycho/wasm/module_info.h>

#include <cstdint>
#include <span>

namespace tycho::wasm {

// Parameter and result types of a block, loop, if or function.
struct BlockSig {
    std::span<const ValType> params;
    std::span<const ValType> results;
};

enum class FrameKind : uint8_t { Function, Block, Loop, If, Else };

namespace imm {

struct None {};
struct BlockType { // block, loop, if
    BlockSig sig;
};
struct Else {
    BlockSig sig; // resolved: the `if` frame's
};
struct End {
    FrameKind kind = FrameKind::Block; // resolved: the frame it closes
    bool function = false;             // resolved: the function's own end
};
struct Label { // br, br_if
    uint32_t depth = 0;
};
struct LabelTable { // br_table: the targets, the default last
    std::span<const uint32_t> depths;
};
struct Func { // call, ref.func
    uint32_t index = 0;
    const FuncType* type = nullptr; // resolved
};
struct CallIndirect {
    uint32_t type_index = 0;
    uint32_t table = 0;
    const FuncType* type = nullptr; // resolved
};
struct SelectType { // typed select: its one result type
    ValType type = ValType::I32;
};
struct Local {
    uint32_t index = 0;
    ValType type = ValType::I32; // resolved
};
struct Global {
    uint32_t index = 0;
    GlobalType type; // resolved
};
struct Table {
    uint32_t index = 0;
    ValType element = ValType::FuncRef; // resolved
};
struct Memory {};     // memory 0 (a reserved zero byte)
struct MemoryPair {}; // memory.copy: destination and source memory 0
struct I32 {
    uint32_t value = 0;
};
struct I64 {
    uint64_t value = 0;
};
struct F32 {
    uint32_t bits = 0;
};
struct F64 {
    uint64_t bits = 0;
};
struct RefType { // ref.null
    ValType type = ValType::FuncRef;
};
struct Data { // data.drop
    uint32_t segment = 0;
};
struct MemoryInit { // a data segment into memory 0
    uint32_t segment = 0;
};
struct Elem { // elem.drop
    uint32_t segment = 0;
};
struct TableInit {
    uint32_t segment = 0;
    uint32_t table = 0;
};
struct TablePair { // table.copy
    uint32_t dst = 0;
    uint32_t src = 0;
};
struct MemArg { // loads and stores
    uint32_t align_log2 = 0;
    uint32_t offset = 0;
};

} // namespace imm

// An operator's signature in opcodes.def: a fixed one is a C function type over the value
// types' C types (`uint32_t(uint32_t)` pops an i32 and pushes one); `Custom` means its
// typing depends on immediates or on the stack (blocks, calls, locals, select, ...) and has
// a rule of its own in the decoder.
namespace sig {
struct Custom {};
} // namespace sig

} // namespace tycho::wasm
