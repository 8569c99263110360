// The interpreter: one handler per internal instruction, each ending in a guaranteed tail
// call to the next handler ([[clang::musttail]]), so dispatch is a single indirect jump and
// ip, fp, memory base and size stay in registers. Handlers are instantiated from the
// operator table through templates; nothing here repeats the opcode list by hand.
#include "code.h"
#include "native_loader.h"
#include "numeric.h"
#include "objects.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <type_traits>
#include <utility>

#ifndef TYCHO_REDUCTION_COUNTING
#define TYCHO_REDUCTION_COUNTING 1
#endif

namespace tycho::wasm::detail {

namespace {

#define HANDLER_PARAMS                                                                             \
    const uint8_t *ip, uint64_t *fp, uint8_t *mem, uint64_t msize, InstanceImpl *inst,             \
        ContextImpl *ex, uint64_t acc
#define NEXT_AT(next)                                                                              \
    do {                                                                                           \
        const uint8_t* next_ip_ = (next);                                                          \
        const Handler next_h_ = handler_at(next_ip_);                                              \
        [[clang::musttail]] return next_h_(next_ip_, fp, mem, msize, inst, ex, acc);               \
    } while (0)
#define NEXT(Insn) NEXT_AT(ip + sizeof(Insn))

// The handler address an instruction starts with.
[[gnu::always_inline]] inline Handler handler_at(const uint8_t* ip) {
    Handler h;
    std::memcpy(static_cast<void*>(&h), ip, sizeof h);
    return h;
}

// A function's entry handler, which install_native_entry may replace while we run.
[[gnu::always_inline]] inline Handler entry_handler_at(const uint8_t* ip) {
    return __atomic_load_n(reinterpret_cast<const Handler*>(ip), __ATOMIC_ACQUIRE);
}

template <class I> [[gnu::always_inline]] inline const I& insn(const uint8_t* ip) {
    return *reinterpret_cast<const I*>(ip);
}

template <class T> [[gnu::always_inline]] inline T rd(const uint64_t* fp, Slot s) {
    T v;
    std::memcpy(&v, reinterpret_cast<const uint8_t*>(fp) + s, sizeof(T));
    return v;
}

// Results are always stored as full 8-byte slots (zero-extended, see to_slot) so that later
// 8-byte copies of the slot are forwarded from the store.
template <class T> [[gnu::always_inline]] inline void wr(uint64_t* fp, Slot s, T v) {
    const uint64_t bits = to_slot(v);
    std::memcpy(reinterpret_cast<uint8_t*>(fp) + s, &bits, 8);
}

// An immediate or the accumulator as a value of type T (the low bits for 32-bit types).
template <class T> [[gnu::always_inline]] inline T imm_as(uint64_t imm) {
    return from_slot<T>(imm);
}

[[gnu::always_inline]] inline void reload_memory(const InstanceImpl* inst, uint8_t*& mem,
                                                 uint64_t& msize) {
    const Memory* m = inst->memory0;
    mem = m->data();
    msize = m->size();
}

// ---- reductions -----------------------------------------------------------------------------

#if TYCHO_REDUCTION_COUNTING
// Runs when the budget is spent, then continues at `ip`. Reached by a tail call so that the
// handlers charging reductions need no stack frame of their own on their fast path.
[[gnu::noinline, gnu::cold]] TYCHO_HANDLER_CC TrapCode h_budget_spent(HANDLER_PARAMS) {
    note_reductions(inst->module_, ex->slice_);
    if (ex->run_hook() == HookAction::Stop) return TrapCode::Interrupted;
    reload_memory(inst, mem, msize); // the hook may have run anything, even memory.grow
    NEXT_AT(ip);
}

#endif

// Charges one reduction and continues at `target`; the embedder's hook (which may switch
// fibers, or say Stop to unwind) runs when the slice is spent.
#if TYCHO_REDUCTION_COUNTING
#define CHARGE_AND_GO(target)                                                                      \
    do {                                                                                           \
        const uint8_t* charge_target_ = (target);                                                  \
        if (__builtin_expect(--ex->budget < 0, 0)) {                                               \
            [[clang::musttail]] return h_budget_spent(charge_target_, fp, mem, msize, inst, ex,    \
                                                      acc);                                        \
        }                                                                                          \
        NEXT_AT(charge_target_);                                                                   \
    } while (0)
#else
#define CHARGE_AND_GO(target) NEXT_AT(target)
#endif

// ---- traps and backtraces -------------------------------------------------------------------

constexpr size_t kMaxBacktrace = 64;

} // namespace

[[gnu::noinline, gnu::cold]] TrapCode unwind(TrapCode code, ContextImpl* ex,
                                             const InstanceImpl* owner, uint32_t func_index) {
    auto& bt = ex->trap_.backtrace;
    if (bt.size() < kMaxBacktrace && owner != nullptr) {
        bt.push_back(
            BacktraceFrame{func_index, std::string(owner->module_->function_name(func_index))});
    }
    return code;
}

namespace {

// ---- numeric --------------------------------------------------------------------------------

enum class Src : uint8_t { Slot, Imm, Acc };

// Applies an operator; trapping operators report through the TrapCode, the others never trap
// (and the check then folds away).
template <class Impl, bool Traps, class R, class... Args>
[[gnu::always_inline]] inline TrapCode compute(R& r, Args... args) {
    if constexpr (Traps) {
        return Impl::apply(args..., r);
    } else {
        r = Impl::apply(args...);
        return TrapCode::None;
    }
}

// Stores a result in its slot and in the accumulator for the next instruction.
template <class R> [[gnu::always_inline]] inline uint64_t produce(uint64_t* fp, Slot dst, R r) {
    const uint64_t bits = to_slot(r);
    std::memcpy(reinterpret_cast<uint8_t*>(fp) + dst, &bits, 8);
    return bits;
}

template <class Impl, class R, class A, bool Traps, Src SA>
TYCHO_HANDLER_CC TrapCode h_unary(HANDLER_PARAMS) {
    const auto& i = insn<InsnUnary>(ip);
    const A a = SA == Src::Acc ? imm_as<A>(acc) : rd<A>(fp, i.a);
    R r;
    const TrapCode t = compute<Impl, Traps>(r, a);
    if (__builtin_expect(t != TrapCode::None, 0)) return t;
    acc = produce<R>(fp, i.dst, r);
    NEXT(InsnUnary);
}

template <class Impl, class R, class A, class B, bool Traps, Src SA, Src SB>
TYCHO_HANDLER_CC TrapCode h_binary(HANDLER_PARAMS) {
    using I = std::conditional_t<SB == Src::Imm, InsnBinaryImm, InsnBinary>;
    const auto& i = insn<I>(ip);
    const A a = SA == Src::Acc ? imm_as<A>(acc) : rd<A>(fp, i.a);
    B b;
    if constexpr (SB == Src::Imm)
        b = imm_as<B>(i.imm);
    else if constexpr (SB == Src::Acc)
        b = imm_as<B>(acc);
    else
        b = rd<B>(fp, i.b);
    R r;
    const TrapCode t = compute<Impl, Traps>(r, a, b);
    if (__builtin_expect(t != TrapCode::None, 0)) return t;
    acc = produce<R>(fp, i.dst, r);
    NEXT(I);
}

// Loads one full-width operand of type T for InsnBinaryMem.
template <class T>
[[gnu::always_inline]] inline bool load_operand(const InsnBinaryMem& i, const uint64_t* fp,
                                                const uint8_t* mem, uint64_t msize, T& out) {
    const uint64_t ea = uint64_t(rd<uint32_t>(fp, i.addr) + i.addend) + i.offset;
    if (__builtin_expect(ea + sizeof(T) > msize, 0)) return false;
    std::memcpy(&out, mem + ea, sizeof(T));
    return true;
}

template <class Impl, class R, class A, class B, bool Traps, bool MemLeft>
TYCHO_HANDLER_CC TrapCode h_binary_mem(HANDLER_PARAMS) {
    const auto& i = insn<InsnBinaryMem>(ip);
    A a;
    B b;
    if constexpr (MemLeft) {
        if (!load_operand<A>(i, fp, mem, msize, a)) return TrapCode::OutOfBoundsMemoryAccess;
        b = imm_as<B>(i.imm);
    } else {
        a = rd<A>(fp, i.a);
        if (!load_operand<B>(i, fp, mem, msize, b)) return TrapCode::OutOfBoundsMemoryAccess;
    }
    R r;
    const TrapCode t = compute<Impl, Traps>(r, a, b);
    if (__builtin_expect(t != TrapCode::None, 0)) return t;
    acc = produce<R>(fp, i.dst, r);
    NEXT(InsnBinaryMem);
}

template <class Impl, class A, BranchForm Form, bool Imm, Src SA>
TYCHO_HANDLER_CC TrapCode h_compare_branch(HANDLER_PARAMS) {
    using I = std::conditional_t<Imm, InsnBrCmpImm, InsnBrCmp>;
    const auto& i = insn<I>(ip);
    const A a = SA == Src::Acc ? imm_as<A>(acc) : rd<A>(fp, i.a);
    bool cond;
    if constexpr (Imm)
        cond = Impl::apply(a, imm_as<A>(i.imm)) != 0;
    else
        cond = Impl::apply(a, rd<A>(fp, i.b)) != 0;
    if (Form == BranchForm::IfFalse) cond = !cond;
    if (cond) {
        if constexpr (Form == BranchForm::IfTrueBackEdge)
            CHARGE_AND_GO(ip + i.target);
        else
            NEXT_AT(ip + i.target);
    }
    NEXT(I);
}

// ---- memory ---------------------------------------------------------------------------------

template <class R, class Stored, Src SAddr> TYCHO_HANDLER_CC TrapCode h_load(HANDLER_PARAMS) {
    const auto& i = insn<InsnLoad>(ip);
    const uint32_t base = SAddr == Src::Acc ? uint32_t(acc) : rd<uint32_t>(fp, i.addr);
    const uint64_t ea = uint64_t(base + i.addend) + i.offset;
    if (__builtin_expect(ea + sizeof(Stored) > msize, 0)) return TrapCode::OutOfBoundsMemoryAccess;
    Stored v;
    std::memcpy(&v, mem + ea, sizeof v);
    R r;
    if constexpr (std::is_floating_point_v<R>)
        r = v;
    else if constexpr (std::is_signed_v<Stored>)
        r = R(std::make_signed_t<R>(v));
    else
        r = R(v);
    acc = produce<R>(fp, i.dst, r);
    NEXT(InsnLoad);
}

template <class A, class Stored, Src SValue> TYCHO_HANDLER_CC TrapCode h_store(HANDLER_PARAMS) {
    using I = std::conditional_t<SValue == Src::Imm, InsnStoreImm, InsnStore>;
    const auto& i = insn<I>(ip);
    const uint64_t ea = uint64_t(rd<uint32_t>(fp, i.addr) + i.addend) + i.offset;
    if (__builtin_expect(ea + sizeof(Stored) > msize, 0)) return TrapCode::OutOfBoundsMemoryAccess;
    A value;
    if constexpr (SValue == Src::Imm)
        value = imm_as<A>(i.imm);
    else if constexpr (SValue == Src::Acc)
        value = imm_as<A>(acc);
    else
        value = rd<A>(fp, i.value);
    const Stored v = Stored(value);
    std::memcpy(mem + ea, &v, sizeof v);
    NEXT(I);
}

// ---- control --------------------------------------------------------------------------------

inline uintptr_t stack_pointer() {
#if defined(__x86_64__)
    uintptr_t sp;
    asm volatile("mov %%rsp, %0" : "=r"(sp));
    return sp;
#else
    return reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
#endif
}

// Function entry: stack checks, zeroed locals, one reduction. `Locals` is the number of
// declared locals when small (the stores unroll), or kManyLocals to use the count in the
// instruction.
constexpr uint32_t kManyLocals = UINT32_MAX;
template <uint32_t Locals> TYCHO_HANDLER_CC TrapCode h_enter(HANDLER_PARAMS) {
    const auto& i = insn<InsnEnter>(ip);
    if (__builtin_expect(fp + i.frame_slots > ex->value_stack_end ||
                             stack_pointer() < ex->stack_pointer_limit,
                         0))
        return TrapCode::CallStackExhausted;
    uint64_t* locals = fp + i.first_local;
    if constexpr (Locals == kManyLocals) {
        std::memset(locals, 0, size_t(i.num_locals) * sizeof(uint64_t));
    } else {
        for (uint32_t n = 0; n < Locals; ++n)
            locals[n] = 0;
    }
    CHARGE_AND_GO(ip + sizeof(InsnEnter));
}

// The entry of a function that has native code: the native code does everything, including
// the checks and the reduction h_enter does.
TYCHO_HANDLER_CC TrapCode h_enter_native(HANDLER_PARAMS) {
    return insn<InsnEnter>(ip).native(fp, inst, static_cast<ContextLayout*>(ex));
}

template <uint32_t... N> constexpr auto enter_handlers(std::integer_sequence<uint32_t, N...>) {
    return std::array<Handler, sizeof...(N)>{&h_enter<N>...};
}
constexpr auto kEnterHandlers = enter_handlers(std::make_integer_sequence<uint32_t, 9>{});

TYCHO_HANDLER_CC TrapCode h_unreachable(HANDLER_PARAMS) {
    return TrapCode::Unreachable;
}

TYCHO_HANDLER_CC TrapCode h_copy(HANDLER_PARAMS) {
    const auto& i = insn<InsnUnary>(ip);
    wr<uint64_t>(fp, i.dst, rd<uint64_t>(fp, i.a));
    NEXT(InsnUnary);
}

TYCHO_HANDLER_CC TrapCode h_copy2(HANDLER_PARAMS) {
    const auto& i = insn<InsnCopy2>(ip);
    wr<uint64_t>(fp, i.dst0, rd<uint64_t>(fp, i.src0));
    wr<uint64_t>(fp, i.dst1, rd<uint64_t>(fp, i.src1));
    NEXT(InsnCopy2);
}

TYCHO_HANDLER_CC TrapCode h_const(HANDLER_PARAMS) {
    const auto& i = insn<InsnConst>(ip);
    wr<uint64_t>(fp, i.dst, i.imm);
    NEXT(InsnConst);
}

TYCHO_HANDLER_CC TrapCode h_br(HANDLER_PARAMS) {
    NEXT_AT(ip + insn<InsnBr>(ip).target);
}

TYCHO_HANDLER_CC TrapCode h_br_back_edge(HANDLER_PARAMS) {
    CHARGE_AND_GO(ip + insn<InsnBr>(ip).target);
}

template <BranchForm Form, Src SCond> TYCHO_HANDLER_CC TrapCode h_br_if(HANDLER_PARAMS) {
    const auto& i = insn<InsnBrIf>(ip);
    bool cond = (SCond == Src::Acc ? uint32_t(acc) : rd<uint32_t>(fp, i.cond)) != 0;
    if (Form == BranchForm::IfFalse) cond = !cond;
    if (cond) {
        if constexpr (Form == BranchForm::IfTrueBackEdge)
            CHARGE_AND_GO(ip + i.target);
        else
            NEXT_AT(ip + i.target);
    }
    NEXT(InsnBrIf);
}

TYCHO_HANDLER_CC TrapCode h_br_table(HANDLER_PARAMS) {
    const auto& i = insn<InsnBrTable>(ip);
    uint32_t index = rd<uint32_t>(fp, i.index);
    if (index > i.count) index = i.count;
    int32_t target;
    std::memcpy(&target, ip + sizeof(InsnBrTable) + index * sizeof(int32_t), sizeof target);
    NEXT_AT(ip + target);
}

TYCHO_HANDLER_CC TrapCode h_return0(HANDLER_PARAMS) {
    return TrapCode::None;
}

TYCHO_HANDLER_CC TrapCode h_return1(HANDLER_PARAMS) {
    fp[0] = rd<uint64_t>(fp, insn<InsnUnary>(ip).a);
    return TrapCode::None;
}

TYCHO_HANDLER_CC TrapCode h_return_n(HANDLER_PARAMS) {
    const auto& i = insn<InsnReturn>(ip);
    const uint8_t* src = ip + sizeof(InsnReturn);
    for (uint32_t n = 0; n < i.count; ++n) {
        Slot s;
        std::memcpy(&s, src + n * sizeof(Slot), sizeof s);
        fp[n] = rd<uint64_t>(fp, s);
    }
    return TrapCode::None;
}

[[gnu::always_inline]] inline TrapCode run(const CompiledFunction& fn, uint64_t* fp, uint8_t* mem,
                                           uint64_t msize, InstanceImpl* inst, ContextImpl* ex) {
    const Handler h = entry_handler_at(fn.entry());
    return h(fn.entry(), fp, mem, msize, inst, ex, 0);
}

TYCHO_HANDLER_CC TrapCode h_call(HANDLER_PARAMS) {
    const auto& i = insn<InsnCall>(ip);
    const TrapCode t = run(*i.callee, fp + i.frame, mem, msize, inst, ex);
    if (__builtin_expect(t != TrapCode::None, 0)) return unwind(t, ex, inst, i.callee->func_index);
    reload_memory(inst, mem, msize);
    acc = 0; // nothing reads the accumulator after a call; this keeps it from being saved
    NEXT(InsnCall);
}

} // namespace

[[gnu::noinline]] TrapCode call_function(const FunctionImpl* f, uint64_t* frame, InstanceImpl* inst,
                                         ContextImpl* ex) {
    const TrapCode t = invoke(f, frame, inst, ex);
    if (t != TrapCode::None && !f->host_) return unwind(t, ex, f->instance, f->func_index);
    return t;
}

namespace {

TYCHO_HANDLER_CC TrapCode h_call_func(HANDLER_PARAMS) {
    const auto& i = insn<InsnCallFunc>(ip);
    const TrapCode t =
        call_function(inst->imported_functions[i.func_index], fp + i.frame, inst, ex);
    if (__builtin_expect(t != TrapCode::None, 0)) return t;
    reload_memory(inst, mem, msize);
    NEXT(InsnCallFunc);
}

TYCHO_HANDLER_CC TrapCode h_call_indirect(HANDLER_PARAMS) {
    const auto& i = insn<InsnCallIndirect>(ip);
    const uint32_t index = rd<uint32_t>(fp, i.index);
    const Table* table = inst->tables[i.table];
    if (__builtin_expect(index >= table->size(), 0)) return TrapCode::UndefinedElement;
    // A funcref is the address of its Function (RefBits), which the engine made.
    const auto* ref =
        reinterpret_cast<const Function*>(table->get(index)); // NOLINT(performance-no-int-to-ptr)
    if (__builtin_expect(ref == nullptr, 0)) return TrapCode::UninitializedElement;
    const FunctionImpl* f = &impl(*ref);
    if (__builtin_expect(f->type_id != i.type_id, 0)) return TrapCode::IndirectCallTypeMismatch;
    TrapCode t;
    if (f->instance == inst && f->code != nullptr) {
        t = run(*f->code, fp + i.frame, mem, msize, inst, ex);
        if (__builtin_expect(t != TrapCode::None, 0)) return unwind(t, ex, inst, f->func_index);
    } else {
        t = call_function(f, fp + i.frame, inst, ex);
        if (__builtin_expect(t != TrapCode::None, 0)) return t;
    }
    reload_memory(inst, mem, msize);
    NEXT(InsnCallIndirect);
}

// ---- parametric and variables ---------------------------------------------------------------

TYCHO_HANDLER_CC TrapCode h_select(HANDLER_PARAMS) {
    const auto& i = insn<InsnSelect>(ip);
    const uint64_t v = rd<uint32_t>(fp, i.cond) ? rd<uint64_t>(fp, i.a) : rd<uint64_t>(fp, i.b);
    wr<uint64_t>(fp, i.dst, v);
    NEXT(InsnSelect);
}

TYCHO_HANDLER_CC TrapCode h_global_get(HANDLER_PARAMS) {
    const auto& i = insn<InsnGlobal>(ip);
    wr<uint64_t>(fp, i.slot, *inst->globals[i.index]);
    NEXT(InsnGlobal);
}

TYCHO_HANDLER_CC TrapCode h_global_set(HANDLER_PARAMS) {
    const auto& i = insn<InsnGlobal>(ip);
    *inst->globals[i.index] = rd<uint64_t>(fp, i.slot);
    NEXT(InsnGlobal);
}

// ---- the rare operators: a plain function does the work, the handler dispatches -------------

using GenericFn = TrapCode (*)(const InsnGeneric&, uint64_t* fp, InstanceImpl* inst);

template <GenericFn Fn> TYCHO_HANDLER_CC TrapCode h_generic(HANDLER_PARAMS) {
    const TrapCode t = Fn(insn<InsnGeneric>(ip), fp, inst);
    if (__builtin_expect(t != TrapCode::None, 0)) return t;
    reload_memory(inst, mem, msize);
    NEXT(InsnGeneric);
}

bool in_bounds(uint64_t offset, uint64_t length, uint64_t size) {
    return offset <= size && length <= size - offset;
}

Memory& memory0(InstanceImpl* inst) {
    return *inst->memory0;
}

TrapCode op_memory_size(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    wr<uint32_t>(fp, i.dst, memory0(inst).pages());
    return TrapCode::None;
}

TrapCode op_memory_grow(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    const int64_t old = memory0(inst).grow(rd<uint32_t>(fp, i.s0));
    wr<uint32_t>(fp, i.dst, uint32_t(old));
    return TrapCode::None;
}

TrapCode op_memory_init(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    const uint64_t d = rd<uint32_t>(fp, i.s0), s = rd<uint32_t>(fp, i.s1),
                   n = rd<uint32_t>(fp, i.s2);
    const ModuleInfo& m = inst->module_->info();
    const DataSegment& seg = m.data[i.idx0];
    const uint64_t seg_size = inst->data_dropped(i.idx0) ? 0 : seg.size;
    Memory& mem = memory0(inst);
    if (!in_bounds(s, n, seg_size) || !in_bounds(d, n, mem.size()))
        return TrapCode::OutOfBoundsMemoryAccess;
    if (n) std::memcpy(mem.data() + d, m.bytes.data() + seg.bytes_offset + s, n);
    return TrapCode::None;
}

TrapCode op_data_drop(const InsnGeneric& i, uint64_t*, InstanceImpl* inst) {
    inst->dropped[i.idx0] = true;
    return TrapCode::None;
}

TrapCode op_memory_copy(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    const uint64_t d = rd<uint32_t>(fp, i.s0), s = rd<uint32_t>(fp, i.s1),
                   n = rd<uint32_t>(fp, i.s2);
    Memory& mem = memory0(inst);
    if (!in_bounds(s, n, mem.size()) || !in_bounds(d, n, mem.size()))
        return TrapCode::OutOfBoundsMemoryAccess;
    if (n) std::memmove(mem.data() + d, mem.data() + s, n);
    return TrapCode::None;
}

TrapCode op_memory_fill(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    const uint64_t d = rd<uint32_t>(fp, i.s0), n = rd<uint32_t>(fp, i.s2);
    const uint8_t value = uint8_t(rd<uint32_t>(fp, i.s1));
    Memory& mem = memory0(inst);
    if (!in_bounds(d, n, mem.size())) return TrapCode::OutOfBoundsMemoryAccess;
    if (n) std::memset(mem.data() + d, value, n);
    return TrapCode::None;
}

TrapCode op_table_get(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    const Table& t = *inst->tables[i.idx0];
    const uint32_t index = rd<uint32_t>(fp, i.s0);
    if (index >= t.size()) return TrapCode::OutOfBoundsTableAccess;
    wr<uint64_t>(fp, i.dst, t.get(index));
    return TrapCode::None;
}

TrapCode op_table_set(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    Table& t = *inst->tables[i.idx0];
    const uint32_t index = rd<uint32_t>(fp, i.s0);
    if (index >= t.size()) return TrapCode::OutOfBoundsTableAccess;
    t.set(index, RefBits(rd<uint64_t>(fp, i.s1)));
    return TrapCode::None;
}

TrapCode op_table_init(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    const uint64_t d = rd<uint32_t>(fp, i.s0), s = rd<uint32_t>(fp, i.s1),
                   n = rd<uint32_t>(fp, i.s2);
    const uint64_t seg_size =
        inst->element_dropped(i.idx0) ? 0 : inst->module_->info().elements[i.idx0].items.size();
    Table& t = *inst->tables[i.idx1];
    if (!in_bounds(s, n, seg_size) || !in_bounds(d, n, t.size()))
        return TrapCode::OutOfBoundsTableAccess;
    for (uint64_t k = 0; k < n; ++k)
        t.set(uint32_t(d + k), inst->element_item(i.idx0, uint32_t(s + k)));
    return TrapCode::None;
}

TrapCode op_elem_drop(const InsnGeneric& i, uint64_t*, InstanceImpl* inst) {
    inst->dropped[inst->module_->info().data.size() + i.idx0] = true;
    return TrapCode::None;
}

TrapCode op_table_copy(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    const uint64_t d = rd<uint32_t>(fp, i.s0), s = rd<uint32_t>(fp, i.s1),
                   n = rd<uint32_t>(fp, i.s2);
    Table& dst = *inst->tables[i.idx0];
    Table& src = *inst->tables[i.idx1];
    if (!in_bounds(s, n, src.size()) || !in_bounds(d, n, dst.size()))
        return TrapCode::OutOfBoundsTableAccess;
    if (n) std::memmove(dst.data() + d, src.data() + s, n * sizeof(RefBits));
    return TrapCode::None;
}

TrapCode op_table_grow(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    Table& t = *inst->tables[i.idx0];
    const int64_t old = t.grow(rd<uint32_t>(fp, i.s1), RefBits(rd<uint64_t>(fp, i.s0)));
    wr<uint32_t>(fp, i.dst, uint32_t(old));
    return TrapCode::None;
}

TrapCode op_table_size(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    wr<uint32_t>(fp, i.dst, inst->tables[i.idx0]->size());
    return TrapCode::None;
}

TrapCode op_table_fill(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    Table& t = *inst->tables[i.idx0];
    const uint64_t d = rd<uint32_t>(fp, i.s0), n = rd<uint32_t>(fp, i.s2);
    const RefBits v = RefBits(rd<uint64_t>(fp, i.s1));
    if (!in_bounds(d, n, t.size())) return TrapCode::OutOfBoundsTableAccess;
    for (uint64_t k = 0; k < n; ++k)
        t.set(uint32_t(d + k), v);
    return TrapCode::None;
}

TrapCode op_ref_is_null(const InsnGeneric& i, uint64_t* fp, InstanceImpl*) {
    wr<uint32_t>(fp, i.dst, rd<uint64_t>(fp, i.s0) == 0 ? 1u : 0u);
    return TrapCode::None;
}

TrapCode op_ref_func(const InsnGeneric& i, uint64_t* fp, InstanceImpl* inst) {
    wr<uint64_t>(fp, i.dst, uint64_t(RefBits(inst->function(i.idx0))));
    return TrapCode::None;
}

// ---- tables of handlers, generated from opcodes.def -----------------------------------------

// Fills the numeric handlers of one operator in every operand form that applies to it.
template <class Impl, class R, class A, class B, bool Traps>
void add_numeric(Handler (&forms)[unsigned(NumericForm::Count)]) {
    auto set = [&](NumericForm f, Handler h) { forms[unsigned(f)] = h; };
    if constexpr (std::is_void_v<B>) {
        set(NumericForm::Unary, &h_unary<Impl, R, A, Traps, Src::Slot>);
        set(NumericForm::UnaryAcc, &h_unary<Impl, R, A, Traps, Src::Acc>);
    } else {
        set(NumericForm::RegReg, &h_binary<Impl, R, A, B, Traps, Src::Slot, Src::Slot>);
        set(NumericForm::RegImm, &h_binary<Impl, R, A, B, Traps, Src::Slot, Src::Imm>);
        set(NumericForm::RegAcc, &h_binary<Impl, R, A, B, Traps, Src::Slot, Src::Acc>);
        set(NumericForm::AccReg, &h_binary<Impl, R, A, B, Traps, Src::Acc, Src::Slot>);
        set(NumericForm::AccImm, &h_binary<Impl, R, A, B, Traps, Src::Acc, Src::Imm>);
        set(NumericForm::RegMem, &h_binary_mem<Impl, R, A, B, Traps, false>);
        set(NumericForm::MemImm, &h_binary_mem<Impl, R, A, B, Traps, true>);
    }
}

constexpr bool is_integer_compare(unsigned prefix, unsigned code) {
    return prefix == 0 && code >= 0x46 && code <= 0x5A && code != 0x50;
}

using CompareBranchTable = Handler[kOpCount][2][3][2]; // [op][imm][form][a from acc]

template <class Impl, class A, bool Imm, BranchForm Form>
void add_compare_branch(CompareBranchTable& table, Op op) {
    table[unsigned(op)][Imm][unsigned(Form)][0] = &h_compare_branch<Impl, A, Form, Imm, Src::Slot>;
    table[unsigned(op)][Imm][unsigned(Form)][1] = &h_compare_branch<Impl, A, Form, Imm, Src::Acc>;
}

template <class Impl, class A, unsigned Prefix, unsigned Code>
void add_compare_branches(CompareBranchTable& table, Op op) {
    if constexpr (is_integer_compare(Prefix, Code) && std::is_integral_v<A>) {
        add_compare_branch<Impl, A, false, BranchForm::IfTrue>(table, op);
        add_compare_branch<Impl, A, false, BranchForm::IfFalse>(table, op);
        add_compare_branch<Impl, A, false, BranchForm::IfTrueBackEdge>(table, op);
        add_compare_branch<Impl, A, true, BranchForm::IfTrue>(table, op);
        add_compare_branch<Impl, A, true, BranchForm::IfFalse>(table, op);
        add_compare_branch<Impl, A, true, BranchForm::IfTrueBackEdge>(table, op);
    }
}

struct HandlerTables {
    Handler numeric[kOpCount][unsigned(NumericForm::Count)] = {};
    Handler memory[kOpCount][3] = {}; // [op][MemorySource]
    CompareBranchTable compare_branch = {};
    Handler named[unsigned(Named::Count)] = {};
    GenericFn rare[unsigned(Named::Count)] = {};

    HandlerTables() {
#define TYCHO_NUMERIC(Name, prefix, code, text, R, A, B, Traps)                                    \
    add_numeric<num::Name, R, A, B, Traps>(numeric[unsigned(Op::Name)]);                           \
    add_compare_branches<num::Name, A, prefix, code>(compare_branch, Op::Name);
#define TYCHO_LOAD(Name, code, text, R, Stored, align)                                             \
    memory[unsigned(Op::Name)][0] = &h_load<R, Stored, Src::Slot>;                                 \
    memory[unsigned(Op::Name)][1] = &h_load<R, Stored, Src::Acc>;
#define TYCHO_STORE(Name, code, text, A, Stored, align)                                            \
    memory[unsigned(Op::Name)][0] = &h_store<A, Stored, Src::Slot>;                                \
    memory[unsigned(Op::Name)][1] = &h_store<A, Stored, Src::Acc>;                                 \
    memory[unsigned(Op::Name)][2] = &h_store<A, Stored, Src::Imm>;
#include "opcodes.def"

        auto set = [this](Named n, Handler h) { named[unsigned(n)] = h; };
        auto set_rare = [&](Named n, GenericFn fn, Handler h) {
            set(n, h);
            rare[unsigned(n)] = fn;
        };
        set(Named::Enter, &h_enter<kManyLocals>);
        set(Named::Unreachable, &h_unreachable);
        set(Named::Copy, &h_copy);
        set(Named::Copy2, &h_copy2);
        set(Named::Const, &h_const);
        set(Named::Br, &h_br);
        set(Named::BrBackEdge, &h_br_back_edge);
        set(Named::BrIfTrue, &h_br_if<BranchForm::IfTrue, Src::Slot>);
        set(Named::BrIfFalse, &h_br_if<BranchForm::IfFalse, Src::Slot>);
        set(Named::BrIfTrueBackEdge, &h_br_if<BranchForm::IfTrueBackEdge, Src::Slot>);
        set(Named::BrIfTrueAcc, &h_br_if<BranchForm::IfTrue, Src::Acc>);
        set(Named::BrIfFalseAcc, &h_br_if<BranchForm::IfFalse, Src::Acc>);
        set(Named::BrIfTrueBackEdgeAcc, &h_br_if<BranchForm::IfTrueBackEdge, Src::Acc>);
        set(Named::BrTable, &h_br_table);
        set(Named::Return0, &h_return0);
        set(Named::Return1, &h_return1);
        set(Named::ReturnN, &h_return_n);
        set(Named::Call, &h_call);
        set(Named::CallFunc, &h_call_func);
        set(Named::CallIndirect, &h_call_indirect);
        set(Named::Select, &h_select);
        set(Named::GlobalGet, &h_global_get);
        set(Named::GlobalSet, &h_global_set);
        set_rare(Named::MemorySize, &op_memory_size, &h_generic<op_memory_size>);
        set_rare(Named::MemoryGrow, &op_memory_grow, &h_generic<op_memory_grow>);
        set_rare(Named::MemoryInit, &op_memory_init, &h_generic<op_memory_init>);
        set_rare(Named::DataDrop, &op_data_drop, &h_generic<op_data_drop>);
        set_rare(Named::MemoryCopy, &op_memory_copy, &h_generic<op_memory_copy>);
        set_rare(Named::MemoryFill, &op_memory_fill, &h_generic<op_memory_fill>);
        set_rare(Named::TableGet, &op_table_get, &h_generic<op_table_get>);
        set_rare(Named::TableSet, &op_table_set, &h_generic<op_table_set>);
        set_rare(Named::TableInit, &op_table_init, &h_generic<op_table_init>);
        set_rare(Named::ElemDrop, &op_elem_drop, &h_generic<op_elem_drop>);
        set_rare(Named::TableCopy, &op_table_copy, &h_generic<op_table_copy>);
        set_rare(Named::TableGrow, &op_table_grow, &h_generic<op_table_grow>);
        set_rare(Named::TableSize, &op_table_size, &h_generic<op_table_size>);
        set_rare(Named::TableFill, &op_table_fill, &h_generic<op_table_fill>);
        set_rare(Named::RefIsNull, &op_ref_is_null, &h_generic<op_ref_is_null>);
        set_rare(Named::RefFunc, &op_ref_func, &h_generic<op_ref_func>);
    }
};

const HandlerTables& tables() {
    static const HandlerTables t;
    return t;
}

} // namespace

Handler numeric_handler(Op op, NumericForm form) {
    return tables().numeric[unsigned(op)][unsigned(form)];
}
Handler memory_handler(Op op, MemorySource source) {
    return tables().memory[unsigned(op)][unsigned(source)];
}
bool has_compare_branch(Op op) {
    return op == Op::I32Eqz || op == Op::I64Eqz ||
           tables().compare_branch[unsigned(op)][0][0][0] != nullptr;
}
Handler compare_branch_handler(Op op, bool with_imm, BranchForm form, bool a_from_acc) {
    return tables().compare_branch[unsigned(op)][with_imm][unsigned(form)][a_from_acc];
}
Handler enter_handler(uint32_t num_locals) {
    return num_locals < kEnterHandlers.size() ? kEnterHandlers[num_locals]
                                              : named_handler(Named::Enter);
}

Handler named_handler(Named which) {
    return tables().named[unsigned(which)];
}

TrapCode run_rare_op(Named which, const InsnGeneric& insn, uint64_t* slots, InstanceImpl* inst) {
    return tables().rare[unsigned(which)](insn, slots, inst);
}

void install_native_entry(const CompiledFunction& fn, NativeEntry entry) {
    // The code is immutable for the interpreter's purposes; only these two words change, the
    // native entry first so that a thread that sees the new handler finds it.
    auto* enter = const_cast<InsnEnter*>(reinterpret_cast<const InsnEnter*>(fn.entry()));
    __atomic_store_n(&enter->native, entry, __ATOMIC_RELAXED);
    const Handler h = &h_enter_native;
    __atomic_store_n(&enter->h, h, __ATOMIC_RELEASE);
}

TrapCode execute(const CompiledFunction& fn, uint64_t* fp, InstanceImpl* inst, ContextImpl* ex) {
    uint8_t* mem = nullptr;
    uint64_t msize = 0;
    reload_memory(inst, mem, msize);
    const TrapCode t = run(fn, fp, mem, msize, inst, ex);
    if (t != TrapCode::None) return unwind(t, ex, inst, fn.func_index);
    return t;
}

TrapCode invoke(const FunctionImpl* f, uint64_t* fp, InstanceImpl* caller, ContextImpl* ex) {
    if (f->host_) {
        Caller c(*ex, caller);
        const size_t n = std::max(f->func_type->params.size(), f->func_type->results.size());
        uint64_t* saved = ex->reentry_base;
        ex->reentry_base = fp + n;
        (*f->host_)(c, fp);
        ex->reentry_base = saved;
        if (c.stopped()) {
            ex->trap_.message = c.message();
            return TrapCode::Interrupted;
        }
        if (c.trapped()) {
            ex->trap_.message = c.message();
            return TrapCode::HostTrap;
        }
        return TrapCode::None;
    }
    InstanceImpl* inst = f->instance;
    uint8_t* mem = nullptr;
    uint64_t msize = 0;
    reload_memory(inst, mem, msize);
    return run(*f->code, fp, mem, msize, inst, ex);
}

} // namespace tycho::wasm::detail
