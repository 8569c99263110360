// The engine's classes behind the public ones of engine.h: each derives from the public
// class and from its layout (layout.h), and adds what compiled code never reads. Only the
// engine creates these objects, so it may down-cast any public reference to them (impl());
// the cast costs nothing, the public base coming first.
#pragma once

#include "layout.h"

#include <tycho/wasm/engine.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace tycho::wasm::detail {

class ContextImpl final : public ExecutionContext, public ContextLayout {
  public:
    explicit ContextImpl(const Options& options);
    ~ContextImpl() override;
    ContextImpl(const ContextImpl&) = delete;
    ContextImpl& operator=(const ContextImpl&) = delete;

    // The slow path of the reduction check: runs the hook and refills the budget.
    HookAction run_hook();

    int64_t slice_ = INT64_MAX;
    uint64_t spent_slices_ = 0;
    ReductionHook hook_;
    size_t value_stack_mapped_ = 0; // bytes mapped for the value stack; 0 when supplied
    Trap trap_;                     // details of the trap being unwound
    std::string stop_reason_;
};

inline ContextImpl& impl(ExecutionContext& context) {
    return static_cast<ContextImpl&>(context);
}
inline const ContextImpl& impl(const ExecutionContext& context) {
    return static_cast<const ContextImpl&>(context);
}

} // namespace tycho::wasm::detail
