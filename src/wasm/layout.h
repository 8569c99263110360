// The field layouts of the objects compiled code reads. The interpreter's handlers read
// these fields on every call and reduction check, and a compiling tier will address them
// by offset from the object's address, so each layout is a plain struct with its hot
// fields first and every offset pinned below: moving a field must be a deliberate change
// of both.
//
// The embedder sees only the public classes of engine.h; the engine's classes behind them
// (objects.h) derive from the public class and from the layout. What compiled code never
// reads (the reduction hook, trap details, ownership) stays in the engine's classes,
// outside these structs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tycho::wasm::detail {

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

} // namespace tycho::wasm::detail
