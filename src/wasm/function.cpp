#include "code.h"
#include "compiled_module.h"
#include "objects.h"

#include <algorithm>

namespace tycho::wasm {

std::shared_ptr<Function> Function::host(FuncType type, HostCallback callback) {
    auto f = std::make_shared<detail::FunctionImpl>();
    f->owned_type_ = std::make_unique<FuncType>(std::move(type));
    f->func_type = f->owned_type_.get();
    f->type_id = detail::canonical_type_id(*f->func_type);
    f->host_ = std::make_unique<HostCallback>(std::move(callback));
    return f;
}

const FuncType& Function::type() const {
    return *detail::impl(*this).func_type;
}

bool Function::is_host() const {
    return detail::impl(*this).host_ != nullptr;
}

TrapCode Function::call_raw(ExecutionContext& context, uint64_t* slots) const {
    const detail::FunctionImpl& f = detail::impl(*this);
    detail::ContextImpl& ex = detail::impl(context);
    const size_t params = f.func_type->params.size(), results = f.func_type->results.size();
    const size_t n = std::max(params, results);
    // A call from inside a host function continues above the caller's frame.
    uint64_t* base = ex.reentry_base ? ex.reentry_base : ex.value_stack;
    if (base + n > ex.value_stack_end) return TrapCode::CallStackExhausted;
    std::copy_n(slots, params, base);
    ex.trap_ = Trap{};
    const TrapCode t = f.host_ ? detail::invoke(&f, base, nullptr, &ex)
                               : detail::execute(*f.code, base, f.instance, &ex);
    if (t == TrapCode::None) std::copy_n(base, results, slots);
    return t;
}

Result<std::vector<Value>, Trap> Function::call(ExecutionContext& context,
                                                std::span<const Value> args) const {
    const FuncType& type = *detail::impl(*this).func_type;
    if (args.size() != type.params.size())
        return Trap{TrapCode::HostTrap,
                    "expected " + std::to_string(type.params.size()) + " arguments, got " +
                        std::to_string(args.size()),
                    {}};
    std::vector<uint64_t> slots(std::max(type.params.size(), type.results.size()));
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i].type != type.params[i])
            return Trap{TrapCode::HostTrap,
                        "argument " + std::to_string(i) + " should be " +
                            to_string(type.params[i]) + ", not " + to_string(args[i].type),
                        {}};
        slots[i] = args[i].bits;
    }
    const TrapCode t = call_raw(context, slots.data());
    if (t != TrapCode::None) {
        Trap trap = std::move(detail::impl(context).trap_);
        trap.code = t;
        if (t != TrapCode::HostTrap && t != TrapCode::Interrupted) trap.message = trap_message(t);
        return trap;
    }
    std::vector<Value> out;
    out.reserve(type.results.size());
    for (size_t i = 0; i < type.results.size(); ++i) {
        const ValType rt = type.results[i];
        const bool narrow = rt == ValType::I32 || rt == ValType::F32;
        out.push_back(Value{rt, narrow ? uint64_t(uint32_t(slots[i])) : slots[i]});
    }
    return out;
}

} // namespace tycho::wasm
