// The engine's classes behind ExecutionContext, Function and Instance: each derives from the
// public class and from its layout (layout.h), and adds what compiled code never reads.
// Only the engine creates these objects, so it may down-cast any public reference to them
// (impl()); the cast costs nothing, the public base being empty or first.
#pragma once

#include "layout.h"

#include <tycho/wasm/engine.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace tycho::wasm::detail {

struct ImportBinding;

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

class FunctionImpl final : public Function, public FunctionLayout {
  public:
    FunctionImpl() = default;
    ~FunctionImpl() = default;
    FunctionImpl(const FunctionImpl&) = delete;
    FunctionImpl& operator=(const FunctionImpl&) = delete;

    std::unique_ptr<HostCallback> host_; // set for a host function
    std::unique_ptr<FuncType> owned_type_;
};

// Instance's enable_shared_from_this comes last, so that the layout starts the object.
class InstanceImpl final : public Instance,
                           public InstanceLayout,
                           public std::enable_shared_from_this<InstanceImpl> {
  public:
    InstanceImpl() = default;
    ~InstanceImpl();
    InstanceImpl(const InstanceImpl&) = delete;
    InstanceImpl& operator=(const InstanceImpl&) = delete;

    bool data_dropped(uint32_t segment) const { return dropped[segment]; }
    bool element_dropped(uint32_t segment) const;
    // Item `item` of element segment `segment`, evaluated (constant expressions of
    // elements can only read immutable globals, so evaluating late gives the same value).
    RefBits element_item(uint32_t segment, uint32_t item) const;

    // The arrays below and those of the layout live in one allocation, storage_
    // (InstanceBuilder lays it out).
    Global* own_globals_ = nullptr;
    std::shared_ptr<Memory>* memories_ = nullptr;
    std::shared_ptr<Table>* table_refs_ = nullptr;
    uint32_t num_own_functions_ = 0;
    uint32_t num_memories_ = 0;
    uint32_t num_tables_ = 0;
    std::unique_ptr<std::byte[]> storage_;
    std::shared_ptr<const ImportBinding> imports_; // also keeps them alive
    std::shared_ptr<const Module> module_;
};

inline ContextImpl& impl(ExecutionContext& context) {
    return static_cast<ContextImpl&>(context);
}
inline const ContextImpl& impl(const ExecutionContext& context) {
    return static_cast<const ContextImpl&>(context);
}
inline const FunctionImpl& impl(const Function& function) {
    return static_cast<const FunctionImpl&>(function);
}
inline InstanceImpl& impl(Instance& instance) {
    return static_cast<InstanceImpl&>(instance);
}
inline const InstanceImpl& impl(const Instance& instance) {
    return static_cast<const InstanceImpl&>(instance);
}

} // namespace tycho::wasm::detail
