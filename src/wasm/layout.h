// The field layouts of the objects compiled code reads: the execution context, the function
// and the instance. The interpreter's handlers read these fields on every call, memory
// access and reduction check, and a compiling tier will address them by offset from the
// object's address, so each layout is a plain struct with its hot fields first and every
// offset pinned below: moving a field must be a deliberate change of both.
//
// The embedder sees only the public classes of engine.h; the engine's classes behind them
// (objects.h) derive from the public class and from the layout. Function and Instance hold
// no data of their own, so their layout starts where the object does: a funcref (the
// address of a Function) is also the address of its FunctionLayout. What compiled code
// never reads (the reduction hook, trap details, ownership) stays in the engine's classes,
// outside these structs.
#pragma once

#include <tycho/wasm/engine.h>

#include <cstddef>
#include <cstdint>

namespace tycho::wasm::detail {

struct CompiledFunction;
class FunctionImpl;
class InstanceImpl;

// Per thread of execution. The public ExecutionContext (its vtable pointer and
// embedder_data) comes first in the object; the engine passes compiled code the address of
// this part.
struct ContextLayout {
    // Reductions left in the current slice: function entries and loop back-edges subtract
    // one, and the reduction hook runs once it is below zero.
    int64_t budget = INT64_MAX;
    // A frame must end at or below this slot of the value stack.
    uint64_t* value_stack_end = nullptr;
    // The native stack pointer must stay above this address.
    uintptr_t stack_pointer_limit = 0;
    // Where a call from the embedder puts its frame, and where a call made from inside a
    // host function does (above its caller's frame; nullptr outside host functions).
    uint64_t* value_stack = nullptr;
    uint64_t* reentry_base = nullptr;
};
static_assert(offsetof(ContextLayout, budget) == 0);
static_assert(offsetof(ContextLayout, value_stack_end) == 8);
static_assert(offsetof(ContextLayout, stack_pointer_limit) == 16);
static_assert(offsetof(ContextLayout, value_stack) == 24);
static_assert(offsetof(ContextLayout, reentry_base) == 32);
static_assert(sizeof(ContextLayout) == 40);

// A function as a funcref, a table element or an import sees it.
struct FunctionLayout {
    // The translated body; nullptr for a host function.
    const CompiledFunction* code = nullptr;
    // The instance the body runs in; nullptr for a host function.
    InstanceImpl* instance = nullptr;
    // Canonical type id: equal ids mean structurally equal types (call_indirect's check).
    uint32_t type_id = 0;
    // Index in the owning module's function space (backtraces).
    uint32_t func_index = 0;
    const FuncType* func_type = nullptr;
};
static_assert(offsetof(FunctionLayout, code) == 0);
static_assert(offsetof(FunctionLayout, instance) == 8);
static_assert(offsetof(FunctionLayout, type_id) == 16);
static_assert(offsetof(FunctionLayout, func_index) == 20);
static_assert(offsetof(FunctionLayout, func_type) == 24);
static_assert(sizeof(FunctionLayout) == 32);

// An instance's index spaces as its code uses them.
struct InstanceLayout {
    // Memory 0, or an empty memory when the module has none: never null once
    // instantiated. Its base and size are at kMemoryBaseOffset and kMemorySizeOffset.
    Memory* memory0 = nullptr;
    // The cell of every global in the index space, imported ones first.
    uint64_t** globals = nullptr;
    // Every table in the index space, imported ones first.
    Table** tables = nullptr;
    // The imported functions, in index order.
    const FunctionImpl* const* imported_functions = nullptr;
    // The instance's own functions that something can reference, by the module's ref slot
    // (CompiledModule::ref_slots); direct calls use the compiled code and need none.
    FunctionImpl* own_functions = nullptr;
    // One flag per data segment, then one per element segment: set once dropped.
    bool* dropped = nullptr;
    // The canonical id of each of the module's types (call_indirect's check). Ids are made
    // per process, so native code, which may come from another process's cache, reads them
    // here instead of holding them.
    const uint32_t* type_ids = nullptr;
};
static_assert(offsetof(InstanceLayout, memory0) == 0);
static_assert(offsetof(InstanceLayout, globals) == 8);
static_assert(offsetof(InstanceLayout, tables) == 16);
static_assert(offsetof(InstanceLayout, imported_functions) == 24);
static_assert(offsetof(InstanceLayout, own_functions) == 32);
static_assert(offsetof(InstanceLayout, dropped) == 40);
static_assert(offsetof(InstanceLayout, type_ids) == 48);
static_assert(sizeof(InstanceLayout) == 56);

// Where a Memory keeps what Memory::data() and Memory::size() return (checked in
// memory.cpp, where the members are visible).
inline constexpr size_t kMemoryBaseOffset = 0;
inline constexpr size_t kMemorySizeOffset = 8;
// Where a Table keeps its elements (RefBits*) and its size (uint32_t) (checked in memory.cpp).
inline constexpr size_t kTableElementsOffset = 0;
inline constexpr size_t kTableSizeOffset = 8;

} // namespace tycho::wasm::detail
