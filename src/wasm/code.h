// The interpreter's internal code: each Wasm function is translated once into a sequence
// of fixed-layout instructions. Every instruction starts with the address of its handler;
// operands are byte offsets of 8-byte slots relative to the frame pointer, so no operand
// stack is pushed or popped at run time. Handlers tail-call the next handler.
#pragma once

#include "op.h"

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <vector>

namespace tycho::wasm::detail {

using Slot = int32_t; // byte offset of a frame slot from fp

struct ContextLayout;
class ContextImpl;
class FunctionImpl;
class InstanceImpl;

// All registers are free for handlers: no callee-saved pushes in tail-called code. Not under
// AddressSanitizer: clang 19's instrumented callers keep their fake-stack pointer in rbx
// across a call to a preserve_none function, which clobbers it.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TYCHO_NO_PRESERVE_NONE 1
#endif
#endif
#if defined(__x86_64__) && defined(__clang__) && __clang_major__ >= 19 &&                          \
    !defined(TYCHO_NO_PRESERVE_NONE)
#define TYCHO_HANDLER_CC __attribute__((preserve_none))
#else
#define TYCHO_HANDLER_CC
#endif
// `acc` carries the result of the previous instruction in a register: instructions that
// consume the value computed right before them read it from there instead of its slot.
// A function compiled by the native tier, called like the interpreter calls a function: the
// arguments in fp[0..params), the results left in fp[0..results).
using NativeEntry = TrapCode (*)(uint64_t* fp, InstanceImpl* inst, ContextLayout* ex);

using Handler = TrapCode(TYCHO_HANDLER_CC*)(const uint8_t* ip, uint64_t* fp, uint8_t* mem,
                                            uint64_t mem_size, InstanceImpl* inst, ContextImpl* ex,
                                            uint64_t acc);

struct CompiledFunction {
    std::vector<uint64_t> code; // instructions, 8-byte aligned
    uint32_t func_index = 0;
    uint32_t num_params = 0;
    uint32_t num_results = 0;
    uint32_t frame_slots = 0; // params + locals + operand stack
    const uint8_t* entry() const { return reinterpret_cast<const uint8_t*>(code.data()); }
};

// ---- instruction layouts (all multiples of 8 bytes) -----------------------------------------

struct InsnNone {
    Handler h;
};
struct InsnUnary { // also copy: dst = a
    Handler h;
    Slot a, dst;
};
struct InsnCopy2 { // two copies in sequence
    Handler h;
    Slot src0, dst0, src1, dst1;
};
struct InsnBinary {
    Handler h;
    Slot a, b, dst, pad;
};
struct InsnBinaryImm { // dst = a OP imm (imm holds a 32- or 64-bit constant)
    Handler h;
    Slot a, dst;
    uint64_t imm;
};
// A binary operation with one operand loaded from memory (a full-width load of its type):
// RegMem computes a OP load, MemImm computes load OP imm.
struct InsnBinaryMem {
    Handler h;
    Slot a, dst;
    Slot addr;
    uint32_t offset, addend, pad;
    uint64_t imm;
};
struct InsnConst {
    Handler h;
    Slot dst, pad;
    uint64_t imm;
};
// The effective address is uint32(addr + addend) + offset: `addend` folds an i32.add of a
// constant into the access (it wraps like the add it replaces; offset does not).
struct InsnLoad {
    Handler h;
    Slot addr, dst;
    uint32_t offset, addend;
};
struct InsnStore {
    Handler h;
    Slot addr, value;
    uint32_t offset, addend;
};
struct InsnStoreImm { // stores a constant
    Handler h;
    Slot addr;
    uint32_t offset, addend, pad;
    uint64_t imm;
};
struct InsnBr { // target is relative to the start of this instruction
    Handler h;
    int32_t target, pad;
};
struct InsnBrIf {
    Handler h;
    Slot cond;
    int32_t target;
};
struct InsnBrCmp {
    Handler h;
    Slot a, b;
    int32_t target, pad;
};
struct InsnBrCmpImm {
    Handler h;
    Slot a;
    int32_t target;
    uint64_t imm;
};
struct InsnBrTable { // followed by count + 1 int32 targets, padded to 8 bytes
    Handler h;
    Slot index;
    uint32_t count;
};
struct InsnReturn { // followed by count Slot sources, padded to 8 bytes
    Handler h;
    uint32_t count, pad;
};
struct InsnCall {
    Handler h;
    const CompiledFunction* callee;
    uint32_t frame; // slot index where the callee's frame begins
    uint32_t pad;
};
struct InsnCallFunc { // call through the instance's function table (imports)
    Handler h;
    uint32_t func_index;
    uint32_t frame;
};
struct InsnCallIndirect {
    Handler h;
    uint32_t table;
    uint32_t type_id;
    Slot index;
    uint32_t frame;
};
// A function's first instruction, and its one entry point for both tiers: once native code
// for the function exists, `native` holds it and `h` becomes the handler that calls it
// (install_native_entry), so every later call, from either tier, runs the native code.
struct InsnEnter {
    Handler h;
    uint32_t frame_slots;
    uint32_t first_local;
    uint32_t num_locals;
    uint32_t func_index;
    NativeEntry native;
};
struct InsnSelect {
    Handler h;
    Slot cond, a, b, dst;
    int32_t pad[2];
};
struct InsnGlobal {
    Handler h;
    uint32_t index;
    Slot slot;
};
// The rare operators (tables, bulk memory, memory.grow, references) share one layout.
struct InsnGeneric {
    Handler h;
    uint32_t idx0, idx1;
    Slot s0, s1, s2, dst;
};

// ---- handler lookup (defined by the interpreter) ---------------------------------------------

// Where a numeric instruction's operands come from: a frame slot (Reg), the instruction's
// immediate (Imm), or the accumulator (Acc: the previous instruction's result).
enum class NumericForm : uint8_t {
    Unary,
    UnaryAcc,
    RegReg,
    RegImm,
    RegAcc,
    AccReg,
    AccImm,
    RegMem, // b loaded from memory (InsnBinaryMem)
    MemImm, // a loaded from memory
    Count
};
enum class BranchForm : uint8_t { IfTrue, IfFalse, IfTrueBackEdge };

Handler numeric_handler(Op op, NumericForm form);
// Loads and stores; the source of a load's address or a store's value (a store takes Imm
// with InsnStoreImm).
enum class MemorySource : uint8_t { Slot, Acc, Imm };
Handler memory_handler(Op op, MemorySource source = MemorySource::Slot);
// Fused compare-and-branch for i32/i64 comparisons (eqz uses RegImm with imm 0 of eq).
Handler compare_branch_handler(Op compare, bool with_imm, BranchForm form, bool a_from_acc);
bool has_compare_branch(Op compare);

enum class Named : uint8_t {
    Enter,
    Unreachable,
    Copy,
    Copy2,
    Const,
    Br,
    BrBackEdge,
    BrIfTrue,
    BrIfFalse,
    BrIfTrueBackEdge,
    BrIfTrueAcc, // the condition in the accumulator
    BrIfFalseAcc,
    BrIfTrueBackEdgeAcc,
    BrTable,
    Return0,
    Return1,
    ReturnN,
    Call,
    CallFunc,
    CallIndirect,
    Select,
    GlobalGet,
    GlobalSet,
    MemorySize,
    MemoryGrow,
    MemoryInit,
    DataDrop,
    MemoryCopy,
    MemoryFill,
    TableGet,
    TableSet,
    TableInit,
    ElemDrop,
    TableCopy,
    TableGrow,
    TableSize,
    TableFill,
    RefIsNull,
    RefFunc,
    Count
};
Handler named_handler(Named which);
// The function-entry handler for a function with `num_locals` declared locals.
Handler enter_handler(uint32_t num_locals);

// Runs one of the rare operators (Named::MemorySize ... Named::RefFunc) on operands and a
// result in `slots` at the offsets `insn` names: for a tier that does not inline them.
TrapCode run_rare_op(Named which, const InsnGeneric& insn, uint64_t* slots, InstanceImpl* inst);

// From now on, calls of `fn` run `entry`; frames already running finish in the interpreter.
// Safe while other threads call `fn`.
void install_native_entry(const CompiledFunction& fn, NativeEntry entry);

// Runs `fn` with its frame at `fp` (arguments already in place); results end in fp[0..].
TrapCode execute(const CompiledFunction& fn, uint64_t* fp, InstanceImpl* inst, ContextImpl* ex);
// Calls any function (host or Wasm) with its frame at `fp`.
TrapCode invoke(const FunctionImpl* fn, uint64_t* fp, InstanceImpl* caller, ContextImpl* ex);
// invoke(), adding the callee's backtrace frame when a Wasm callee traps: how a call site
// calls a function it only knows at run time (an import, a funcref).
TrapCode call_function(const FunctionImpl* fn, uint64_t* fp, InstanceImpl* caller, ContextImpl* ex);
// Adds the backtrace frame of `func_index` of `owner` to the trap being unwound; returns code.
TrapCode unwind(TrapCode code, ContextImpl* ex, const InstanceImpl* owner, uint32_t func_index);

} // namespace tycho::wasm::detail
