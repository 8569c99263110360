// The engine functions that native code calls (native_tier.h): each does what the
// interpreter's handler for the same operation does, through the same code.
#include "native_runtime.h"

#include "objects.h"

#include <algorithm>

namespace tycho::wasm::detail {

namespace {

ContextImpl* context_of(ContextLayout* layout) {
    return static_cast<ContextImpl*>(layout);
}

uint32_t budget_spent(ContextLayout* ex) {
    return context_of(ex)->run_hook() == HookAction::Stop ? uint32_t(TrapCode::Interrupted) : 0;
}

uint32_t unwind_frame(ContextLayout* ex, InstanceImpl* inst, uint32_t func_index, uint32_t code) {
    return uint32_t(unwind(TrapCode(code), context_of(ex), inst, func_index));
}

// The interpreter reserves a callee's argument slots in its caller's frame; native code has
// no frames on the value stack, so the room is checked here.
uint32_t call_at(ContextLayout* ex, InstanceImpl* inst, uint64_t* frame, const FunctionImpl* f) {
    const size_t n = std::max(f->func_type->params.size(), f->func_type->results.size());
    if (frame + n > ex->value_stack_end) return uint32_t(TrapCode::CallStackExhausted);
    return uint32_t(call_function(f, frame, inst, context_of(ex)));
}

uint32_t call_import(ContextLayout* ex, InstanceImpl* inst, uint64_t* frame,
                     uint32_t import_index) {
    return call_at(ex, inst, frame, inst->imported_functions[import_index]);
}

uint32_t call_ref(ContextLayout* ex, InstanceImpl* inst, uint64_t* frame,
                  const FunctionImpl* callee) {
    return call_at(ex, inst, frame, callee);
}

uint32_t rare_op(InstanceImpl* inst, uint32_t which, uint32_t idx0, uint32_t idx1,
                 uint64_t* slots) {
    const InsnGeneric insn{nullptr, idx0, idx1, 0, 8, 16, 24};
    return uint32_t(run_rare_op(Named(which), insn, slots, inst));
}

} // namespace

const NativeRuntime& native_runtime() {
    static const NativeRuntime runtime{&budget_spent, &unwind_frame, &call_import, &call_ref,
                                       &rare_op};
    return runtime;
}

} // namespace tycho::wasm::detail
