// The engine's embedding API: compile modules, link and instantiate them, call exports,
// bind host functions, and hook the reduction counter. Nothing here knows about
// processes or threads; the runtime builds those on top.
#pragma once

#include <tycho/wasm/module_info.h>
#include <tycho/wasm/result.h>
#include <tycho/wasm/trap_code.h>
#include <tycho/wasm/types.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace tycho::wasm {

class Function;
class Instance;
class ExecutionContext;
namespace detail {
struct CompiledModule;
struct ImportBinding;
class ContextImpl;
class FunctionImpl;
class InstanceImpl;
} // namespace detail

// ---------------------------------------------------------------------------------------------
// Values

// A reference is pointer-sized; 0 is null. A funcref points at a Function; an externref
// carries whatever non-zero payload the embedder chose.
using RefBits = uintptr_t;

struct Value {
    ValType type = ValType::I32;
    uint64_t bits = 0; // i32/f32 use the low 32 bits; references hold RefBits

    static Value i32(int32_t v) { return {ValType::I32, uint32_t(v)}; }
    static Value i64(int64_t v) { return {ValType::I64, uint64_t(v)}; }
    static Value f32(float v) {
        uint32_t b;
        std::memcpy(&b, &v, 4);
        return {ValType::F32, b};
    }
    static Value f64(double v) {
        uint64_t b;
        std::memcpy(&b, &v, 8);
        return {ValType::F64, b};
    }
    static Value f32_bits(uint32_t b) { return {ValType::F32, b}; }
    static Value f64_bits(uint64_t b) { return {ValType::F64, b}; }
    static Value null(ValType ref_type) { return {ref_type, 0}; }
    static Value externref(RefBits payload) { return {ValType::ExternRef, payload}; }
    static Value funcref(const Function* f) { return {ValType::FuncRef, RefBits(f)}; }

    int32_t as_i32() const { return int32_t(uint32_t(bits)); }
    int64_t as_i64() const { return int64_t(bits); }
    float as_f32() const {
        float v;
        uint32_t b = uint32_t(bits);
        std::memcpy(&v, &b, 4);
        return v;
    }
    double as_f64() const {
        double v;
        std::memcpy(&v, &bits, 8);
        return v;
    }
    bool is_null() const { return bits == 0; }
    std::string to_string() const;
};

// ---------------------------------------------------------------------------------------------
// Traps

struct BacktraceFrame {
    uint32_t func_index = 0;
    std::string func_name; // from the name section; empty when unknown
};

struct Trap {
    TrapCode code = TrapCode::None;
    std::string message;                   // trap_message(code), or the host's/hook's reason
    std::vector<BacktraceFrame> backtrace; // innermost frame first
};

// ---------------------------------------------------------------------------------------------
// Compiled modules

// Which code runs a module's functions. Every module starts with interpreter code; the
// optimizing tier (LLVM, loaded on first use) compiles the whole module to native code, and
// from then on every call runs that code (calls already running finish where they are).
enum class Tier : uint8_t {
    Interpreter, // interpreter code only
    Jit,         // native code before compile() returns
    // Interpreter code first; once the module has run for a while (counted at the end of
    // time slices, so only with a reduction hook), a background thread compiles it and
    // swaps the native code in. With a cache holding the module's code, it is loaded from
    // there after about a millisecond of interpretation.
    Auto,
};

struct CompileOptions {
    Tier tier = Tier::Interpreter;
    // Where native code is kept between runs (created when missing); empty: nowhere.
    std::string native_cache_dir;
    // Native code counts reductions like the interpreter. Only to measure what counting
    // costs: without it, native code never runs the reduction hook (no preemption, no fuel).
    bool count_reductions = true;
};

// An immutable, validated and translated module. Thread-safe; instantiate it many times.
class Module {
  public:
    static Result<std::shared_ptr<const Module>> compile(std::span<const uint8_t> bytes,
                                                         const CompileOptions& options = {});

    const ModuleInfo& info() const;
    // The function's name from the name section, or "" when it has none.
    std::string_view function_name(uint32_t func_index) const;
    // Type of an exported function, or nullptr when `name` is not an exported function.
    const FuncType* exported_func_type(std::string_view name) const;
    // Index of an exported function, or nullopt when `name` is not an exported function.
    std::optional<uint32_t> exported_func_index(std::string_view name) const;

    // Compiles the module with the optimizing tier, if that has not been done; calls made from
    // then on run native code. Thread-safe, also while instances run. Fails when the tier is
    // not available (the error says why) or cannot compile the module.
    Result<void> tier_up() const;
    bool has_native_code() const;

    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    const detail::CompiledModule& compiled() const { return *compiled_; }

  private:
    friend struct detail::CompiledModule;
    explicit Module(std::unique_ptr<detail::CompiledModule> compiled);
    std::unique_ptr<detail::CompiledModule> compiled_;
};

// ---------------------------------------------------------------------------------------------
// Runtime objects that can be imported and exported

// Address space for many small linear memories: cells of `reservation_bytes` carved from
// large slab mappings (one VMA per slab, so a million memories stay far below
// vm.max_map_count). A memory grows inside its cell without a system call; a free cell
// keeps the pages its last user touched (zeroed), so reusing it costs no page faults.
// No guard regions: the interpreter checks every access against Memory::size().
// Thread-safe. Memories created from a pool keep it alive.
class MemoryPool {
    struct Token {
        explicit Token() = default;
    };

  public:
    struct Options {
        size_t reservation_bytes = size_t(1) << 20; // per memory; rounded up to 64 KiB pages
        size_t slab_bytes = size_t(1) << 30;        // per mapping; at least one reservation
        // Free cells kept with their (zeroed) pages resident; the pages of further free
        // cells go back to the system.
        size_t max_cached = 1024;
    };
    static std::shared_ptr<MemoryPool> create();
    static std::shared_ptr<MemoryPool> create(const Options& options);
    MemoryPool(const Options& options, Token);
    ~MemoryPool();
    MemoryPool(const MemoryPool&) = delete;
    MemoryPool& operator=(const MemoryPool&) = delete;

    size_t reservation_bytes() const { return reservation_; }
    // Free cells that keep resident pages.
    size_t cached() const;

    // What the pool holds, for statistics: every cell ever carved is held by a memory (in
    // use), free with its zeroed pages kept (cached), or free with its pages given back
    // (released); a cell being zeroed on its way back counts as in use for that moment.
    // Memories that outgrew their cell live in mappings of their own, not counted here.
    struct Stats {
        size_t carved = 0;
        size_t cached = 0;
        size_t released = 0;
        size_t reserved_bytes = 0; // address space of all slabs
        size_t in_use() const {
            const size_t free = cached + released;
            return carved > free ? carved - free : 0;
        }
    };
    Stats stats() const;

  private:
    friend class Memory;
    struct Slab {
        uint8_t* base;
        size_t bytes;
    };
    uint8_t* take_cell(); // an all-zero cell, or nullptr when the system refuses
    void give_back(uint8_t* cell, size_t used);
    uint8_t* carve_cell();

    size_t reservation_;
    size_t cells_per_slab_;
    size_t max_cached_;
    mutable std::mutex lock_;
    std::vector<Slab> slabs_;
    size_t carved_in_last_slab_ = 0;
    size_t kept_ = 0;                // cells in cached_ or being zeroed to go there
    std::vector<uint8_t*> cached_;   // free cells, zeroed, pages possibly resident
    std::vector<uint8_t*> released_; // free cells without resident pages
};

// Lets an embedder refuse memory and table growth beyond a budget of its own (a process's
// max_memory, a runtime-wide limit), in bytes and elements. Consulted before an instance's
// own memory or table is created (current = 0) and before each growth; Wasm never shrinks
// either, so there is no release call: the embedder releases what it counted when the
// instance is gone. Must outlive the memories and tables it is attached to.
class ResourceLimiter {
  public:
    virtual ~ResourceLimiter() = default;
    // False refuses: creation fails, memory.grow returns -1.
    virtual bool memory_growing(size_t current_bytes, size_t desired_bytes) = 0;
    // False refuses: creation fails, table.grow returns -1.
    virtual bool table_growing(uint32_t current_elements, uint32_t desired_elements) = 0;
};

class Memory {
  public:
    // Reserves nothing beyond the current size; growth may move the data.
    static Result<std::shared_ptr<Memory>> create(const MemoryType& type);
    // In a cell of `pool` when the initial size fits its reservation (growth beyond it moves
    // the data to a mapping of its own); otherwise, or without a pool, as above.
    static Result<std::shared_ptr<Memory>> create(const MemoryType& type,
                                                  const std::shared_ptr<MemoryPool>& pool);
    ~Memory();
    Memory(const Memory&) = delete;
    Memory& operator=(const Memory&) = delete;

    uint8_t* data() const { return base_; }
    size_t size() const { return size_; }
    uint32_t pages() const { return uint32_t(size_ / kPageSize); }
    std::optional<uint32_t> max_pages() const { return max_pages_; }
    // Grows by `delta` pages; returns the old page count, or -1 when the declared maximum,
    // the embedder's limit or the host's memory refuses.
    int64_t grow(uint32_t delta);
    // An embedder limit below the declared maximum (for example a process's max_memory).
    void set_page_limit(uint32_t pages) { page_limit_ = pages; }
    // Asked before each growth (nullptr: nobody is).
    void set_limiter(ResourceLimiter* limiter) { limiter_ = limiter; }
    MemoryType current_type() const { return MemoryType{Limits{pages(), max_pages_}}; }

    // Checked view for host code: empty when [offset, offset+length) is out of bounds.
    std::span<uint8_t> view(uint64_t offset, uint64_t length) const {
        if (offset > size_ || length > size_ - offset) return {};
        return {base_ + offset, size_t(length)};
    }

  private:
    Memory() = default;
    static std::shared_ptr<Memory> make_memory(); // one allocation for object and count
    bool leave_cell(size_t new_size);

    // First and in this order: compiled code reads them by offset (checked in memory.cpp).
    uint8_t* base_ = nullptr;
    size_t size_ = 0;
    size_t mapped_ = 0;                // address space at base_ (the cell's, when pooled)
    std::shared_ptr<MemoryPool> pool_; // set while base_ is a cell of this pool
    std::optional<uint32_t> max_pages_;
    uint32_t page_limit_ = kMaxPages;
    ResourceLimiter* limiter_ = nullptr;
};

class Table {
  public:
    static Result<std::shared_ptr<Table>> create(const TableType& type, RefBits init = 0);

    ValType element_type() const { return element_; }
    uint32_t size() const { return size_; }
    std::optional<uint32_t> max_size() const { return max_; }
    TableType current_type() const { return TableType{element_, Limits{size(), max_}}; }
    RefBits get(uint32_t i) const { return elements_[i]; }
    void set(uint32_t i, RefBits v) { elements_[i] = v; }
    int64_t grow(uint32_t delta, RefBits init);
    RefBits* data() { return elements_; }
    // Asked before each growth (nullptr: nobody is).
    void set_limiter(ResourceLimiter* limiter) { limiter_ = limiter; }

  private:
    Table() = default;
    // First and in this order: compiled code reads them by offset (checked in memory.cpp).
    RefBits* elements_ = nullptr; // storage_'s data
    uint32_t size_ = 0;
    std::vector<RefBits> storage_;
    ValType element_ = ValType::FuncRef;
    std::optional<uint32_t> max_;
    ResourceLimiter* limiter_ = nullptr;
};

class Global {
  public:
    Global() = default;
    Global(GlobalType type, Value init) : type_(type), bits_(init.bits) {}
    const GlobalType& type() const { return type_; }
    Value get() const { return Value{type_.type, bits_}; }
    void set(Value v) { bits_ = v.bits; }
    uint64_t* cell() { return &bits_; }

  private:
    GlobalType type_;
    uint64_t bits_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Execution

enum class HookAction { Continue, Stop };

// The per-thread-of-execution state: value stack, native stack limit, reduction budget and
// the last trap. One context runs one call at a time; a process owns one. Made only by
// create(); the engine's object behind it holds the state.
class ExecutionContext {
  public:
    struct Options {
        size_t value_stack_bytes = size_t(8) << 20;
        // Memory for the value stack supplied by the embedder (for example from a pool);
        // it must outlive the context. When empty, the context maps value_stack_bytes.
        std::span<uint64_t> value_stack = {};
        // Native stack the interpreter may use below the point where the call starts.
        // 0 means: derive it from the current thread's stack.
        size_t native_stack_bytes = 0;
        // When non-zero, the lowest native stack address the interpreter may grow to (for
        // example inside a fiber's stack); native_stack_bytes is then ignored.
        uintptr_t native_stack_limit = 0;
    };
    // Throws std::bad_alloc when the value stack cannot be mapped.
    static std::unique_ptr<ExecutionContext> create();
    static std::unique_ptr<ExecutionContext> create(const Options& options);
    virtual ~ExecutionContext() = default;
    ExecutionContext(const ExecutionContext&) = delete;
    ExecutionContext& operator=(const ExecutionContext&) = delete;

    // Every function entry and loop back-edge costs one reduction. When `slice` reductions
    // have been spent, `hook` runs; it returns Continue to get a fresh slice or Stop to
    // unwind the call with TrapCode::Interrupted and `stop_reason()`.
    using ReductionHook = std::function<HookAction(ExecutionContext&)>;
    void set_reduction_hook(int64_t slice, ReductionHook hook);
    void set_stop_reason(std::string reason);
    const std::string& stop_reason() const;
    // Total reductions counted since construction (approximate within one slice).
    uint64_t reductions() const;

    // Sets the lowest native stack address the interpreter may grow to (for fibers).
    void set_native_stack_limit(uintptr_t limit);
    uintptr_t native_stack_limit() const;

    // Whatever the embedder wants its host functions to find through Caller::context().
    void* embedder_data = nullptr;

  private:
    friend class detail::ContextImpl;
    ExecutionContext() = default;
};

// ---------------------------------------------------------------------------------------------
// Host functions

// What a host function sees of its caller.
class Caller {
  public:
    Caller(ExecutionContext& context, Instance* instance)
        : context_(context), instance_(instance) {}
    ExecutionContext& context() const { return context_; }
    // The calling instance (nullptr when called directly by the embedder).
    Instance* instance() const { return instance_; }
    // The caller's memory 0, or nullptr.
    Memory* memory() const;
    // Makes the call trap with `message` once the host function returns.
    void trap(std::string message) { message_ = std::move(message), trapped_ = true; }
    // Makes the call unwind as if the reduction hook had said Stop (this wins over trap()).
    void stop(std::string reason) { message_ = std::move(reason), stopped_ = true; }

    // What the host function asked for so far, and the message of its last request.
    bool trapped() const { return trapped_; }
    bool stopped() const { return stopped_; }
    const std::string& message() const { return message_; }

  private:
    ExecutionContext& context_;
    Instance* instance_;
    bool trapped_ = false;
    bool stopped_ = false;
    std::string message_;
};

// Arguments arrive in slots[0..params); results go to slots[0..results).
using HostCallback = std::function<void(Caller&, uint64_t* slots)>;

namespace detail {
template <class T> T from_slot(uint64_t s) {
    if constexpr (sizeof(T) == 4) {
        uint32_t b = uint32_t(s);
        T v;
        std::memcpy(&v, &b, 4);
        return v;
    } else {
        T v;
        std::memcpy(&v, &s, 8);
        return v;
    }
}
template <class T> uint64_t to_slot(T v) {
    if constexpr (sizeof(T) == 4) {
        uint32_t b;
        std::memcpy(&b, &v, 4);
        return b;
    } else {
        uint64_t b;
        std::memcpy(&b, &v, 8);
        return b;
    }
}

template <class T> struct ResultTypes {
    static void add(std::vector<ValType>& out) { out.push_back(val_type_of<T>()); }
    static void store(uint64_t* slots, T v) { slots[0] = to_slot(v); }
};
template <> struct ResultTypes<void> {
    static void add(std::vector<ValType>&) {}
};
template <class... Ts> struct ResultTypes<std::tuple<Ts...>> {
    static void add(std::vector<ValType>& out) { (out.push_back(val_type_of<Ts>()), ...); }
    static void store(uint64_t* slots, const std::tuple<Ts...>& t) {
        size_t i = 0;
        std::apply([&](const auto&... v) { ((slots[i++] = to_slot(v)), ...); }, t);
    }
};

template <class F> struct HostSignature : HostSignature<decltype(&F::operator())> {};
template <class C, class R, class... A> struct HostSignature<R (C::*)(Caller&, A...) const> {
    using Return = R;
    using Args = std::tuple<A...>;
};
template <class C, class R, class... A> struct HostSignature<R (C::*)(Caller&, A...)> {
    using Return = R;
    using Args = std::tuple<A...>;
};
template <class R, class... A> struct HostSignature<R (*)(Caller&, A...)> {
    using Return = R;
    using Args = std::tuple<A...>;
};

template <class F, class R, class... A> HostCallback make_host_callback(F f, std::tuple<A...>*) {
    return [f = std::move(f)](Caller& caller, uint64_t* slots) mutable {
        size_t i = 0;
        std::tuple<A...> args{from_slot<A>(slots[i++])...};
        if constexpr (std::is_void_v<R>) {
            std::apply([&](A... a) { f(caller, a...); }, args);
        } else {
            R r = std::apply([&](A... a) { return f(caller, a...); }, args);
            ResultTypes<R>::store(slots, r);
        }
    };
}
} // namespace detail

// ---------------------------------------------------------------------------------------------
// Functions and instances

// A Wasm function of an instance, or a host function. Made only by the engine (host(),
// instantiation); a funcref is the address of one.
class Function {
  public:
    // A host function. Prefer Linker::func for typed C++ callables.
    static std::shared_ptr<Function> host(FuncType type, HostCallback callback);
    template <class F> static std::shared_ptr<Function> host(F f) {
        using Sig = detail::HostSignature<std::decay_t<F>>;
        FuncType type;
        std::apply([&](auto... a) { (type.params.push_back(val_type_of<decltype(a)>()), ...); },
                   typename Sig::Args{});
        detail::ResultTypes<typename Sig::Return>::add(type.results);
        return host(std::move(type),
                    detail::make_host_callback<std::decay_t<F>, typename Sig::Return>(
                        std::move(f), static_cast<typename Sig::Args*>(nullptr)));
    }

    const FuncType& type() const;
    bool is_host() const;

    // Calls with typed values; checks the argument count and types.
    Result<std::vector<Value>, Trap> call(ExecutionContext& context,
                                          std::span<const Value> args) const;
    // Calls with raw slots: args in slots[0..params), results out in slots[0..results).
    // `slots` must hold max(params, results) entries. Returns TrapCode::None on success.
    TrapCode call_raw(ExecutionContext& context, uint64_t* slots) const;

    Function(const Function&) = delete;
    Function& operator=(const Function&) = delete;

  private:
    friend class detail::FunctionImpl;
    Function() = default;
    ~Function() = default;
};

// Anything that can be imported or exported.
struct Extern {
    ExternKind kind = ExternKind::Func;
    const Function* func = nullptr;
    std::shared_ptr<Table> table;
    std::shared_ptr<Memory> memory;
    std::shared_ptr<Global> global;
    // Keeps the function's owner (an instance or a host function) alive.
    std::shared_ptr<const void> owner;

    static Extern of(std::shared_ptr<Function> f) {
        Extern e;
        e.kind = ExternKind::Func;
        e.func = f.get();
        e.owner = std::move(f);
        return e;
    }
    static Extern of(std::shared_ptr<Table> t) {
        Extern e;
        e.kind = ExternKind::Table;
        e.table = std::move(t);
        return e;
    }
    static Extern of(std::shared_ptr<Memory> m) {
        Extern e;
        e.kind = ExternKind::Memory;
        e.memory = std::move(m);
        return e;
    }
    static Extern of(std::shared_ptr<Global> g) {
        Extern e;
        e.kind = ExternKind::Global;
        e.global = std::move(g);
        return e;
    }
};

// A module instantiated by Linker::instantiate (the only way to make one).
class Instance {
  public:
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    const Module& module() const;
    // The export named `name`, or nullopt.
    std::optional<Extern> get_export(std::string_view name) const;
    // The exported function named `name`, or nullptr. Cheaper than get_export: no
    // reference counts change.
    const Function* exported_function(std::string_view name) const;
    // The exported memory named `name`, or nullptr (no reference counts change).
    Memory* exported_memory(std::string_view name) const;
    // Memory `index` of the index space, or nullptr.
    Memory* memory(uint32_t index = 0) const;
    std::span<const std::shared_ptr<Memory>> memories() const;
    // Function `index` of the module's index space as a funcref: an import, or one of the
    // instance's own functions that the module can reference (through an element segment,
    // an export or ref.func). nullptr for an own function nothing can reference.
    const Function* function(uint32_t index) const;
    // Runs the module's start function, if it has one, in `context` (for instances made
    // with InstantiateOptions::run_start = false; call it once).
    Result<void, Trap> run_start(ExecutionContext& context) const;

  private:
    friend class detail::InstanceImpl;
    Instance() = default;
    ~Instance() = default;
};

struct InstantiateOptions {
    // Where the instance's own memories come from; null: a mapping each.
    std::shared_ptr<MemoryPool> memory_pool;
    // Pages each of the instance's own memories may reach (for example a process's
    // max_memory); a larger initial size fails the instantiation.
    uint32_t memory_page_limit = kMaxPages;
    // False: the module's start function is left for the embedder to run with
    // Instance::run_start (for example on another stack, with its own limits).
    bool run_start = true;
    // Asked before the instance's own memories and tables are created or grow; nullptr:
    // only the limits above apply. Must outlive the instance.
    ResourceLimiter* limiter = nullptr;
};

// Resolves imports by (module, name) and instantiates modules.
class Linker {
  public:
    void define(std::string_view module, std::string_view name, Extern value);
    // Makes every export of `instance` importable under `module`.
    void define_instance(std::string_view module, const std::shared_ptr<Instance>& instance);
    // Binds a typed C++ callable `R(Caller&, Args...)` as a host function.
    template <class F> void func(std::string_view module, std::string_view name, F f) {
        define(module, name, Extern::of(Function::host(std::move(f))));
    }
    void func_raw(std::string_view module, std::string_view name, FuncType type,
                  HostCallback callback) {
        define(module, name, Extern::of(Function::host(std::move(type), std::move(callback))));
    }
    const Extern* find(std::string_view module, std::string_view name) const;
    // Calls `visit(module, name, value)` once for every definition, in no particular order
    // (for embedders and tests that enumerate what a linker offers). `visit` must not
    // define anything in this linker.
    void for_each_definition(
        const std::function<void(std::string_view module, std::string_view name, const Extern&)>&
            visit) const;

    // Resolves imports, allocates memories, tables and globals, applies segments and runs
    // the start function in `context`. Link errors and start-up traps come back as Error.
    Result<std::shared_ptr<Instance>>
    instantiate(ExecutionContext& context, const std::shared_ptr<const Module>& module) const;
    Result<std::shared_ptr<Instance>> instantiate(ExecutionContext& context,
                                                  const std::shared_ptr<const Module>& module,
                                                  const InstantiateOptions& options) const;

    // Keeps `instance` alive as long as this linker: used for instances that import a table,
    // since their functions may sit in that table (even after a failed start-up).
    void retain(std::shared_ptr<Instance> instance) const;

    // The imports of `module` resolved against this linker's definitions. Resolved once per
    // module and cached (define() empties the cache), so instantiating a module many times
    // looks nothing up by name. Thread-safe with other const members.
    Result<std::shared_ptr<const detail::ImportBinding>>
    bind(const std::shared_ptr<const Module>& module) const;

  private:
    struct CachedBinding {
        std::weak_ptr<const Module> module; // identifies the module even if its address is reused
        std::shared_ptr<const detail::ImportBinding> binding;
    };
    std::unordered_map<std::string, Extern> definitions_; // key: module + '\0' + name
    mutable std::mutex retained_lock_;
    mutable std::vector<std::shared_ptr<Instance>> retained_;
    mutable std::shared_mutex bindings_lock_;
    mutable std::unordered_map<const Module*, CachedBinding> bindings_;
    mutable size_t bindings_kept_ = 0; // entries after the last sweep of dead modules
};

} // namespace tycho::wasm
