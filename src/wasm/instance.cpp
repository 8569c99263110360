// Linking and instantiation: resolve imports, allocate the module's own memories, tables,
// globals and function objects, apply element and data segments, run the start function.
#include "code.h"
#include "compiled_module.h"
#include "import_binding.h"
#include "objects.h"

#include <cstring>
#include <memory>
#include <type_traits>

namespace tycho::wasm {

namespace {

std::string key_of(std::string_view module, std::string_view name) {
    std::string key;
    key.reserve(module.size() + name.size() + 1);
    key.append(module);
    key.push_back('\0');
    key.append(name);
    return key;
}

bool limits_match(const Limits& actual, const Limits& wanted) {
    if (actual.min < wanted.min) return false;
    if (!wanted.max) return true;
    return actual.max && *actual.max <= *wanted.max;
}

// Instances without a memory point at this empty one, so that the interpreter can reload
// the memory base and size after calls without checking for null.
Memory* no_memory() {
    static const std::shared_ptr<Memory> empty = Memory::create(MemoryType{}).value();
    return empty.get();
}

} // namespace

namespace detail {

uint64_t evaluate(const InstanceImpl& in, const ConstExpr& e);

class InstanceBuilder {
  public:
    InstanceBuilder(const std::shared_ptr<const Module>& module, ExecutionContext& ex,
                    const InstantiateOptions& options)
        : module_(module), m_(module->info()), compiled_(module->compiled()), ex_(ex),
          options_(options) {}

    Result<std::shared_ptr<Instance>> build(const Linker& linker) {
        auto binding = linker.bind(module_);
        if (!binding) return binding.error();
        inst_ = std::make_shared<InstanceImpl>();
        inst_->module_ = module_;
        inst_->type_ids = compiled_.canonical_type_ids.data();
        inst_->imports_ = std::move(binding.value());
        allocate_storage();
        take_imports();
        if (auto r = define_entities(); !r) return r.error();
        // The instance's functions may end up in tables it imported, even when start-up
        // fails half-way (segments already applied stay applied): the linker, which
        // outlives the tables it hands out, keeps such an instance alive.
        if (inst_->imports_->imports_table) linker.retain(inst_);
        if (auto r = initialize(); !r) return r.error();
        return std::shared_ptr<Instance>(std::move(inst_));
    }

  private:
    // Reserves `count` objects of type T at the end of a layout of `size` bytes; returns
    // their offset.
    template <class T> static size_t place(size_t& size, size_t count) {
        const size_t at = (size + alignof(T) - 1) / alignof(T) * alignof(T);
        // T is the element type, pointer types (Table*, uint64_t*) included.
        size = at + count * sizeof(T); // NOLINT(bugprone-sizeof-expression)
        return at;
    }

    // Lays out every per-instance array in one allocation and constructs them empty.
    void allocate_storage() {
        InstanceImpl& in = *inst_;
        const size_t own_globals = m_.globals.size() - m_.num_imported_globals;
        const size_t flags = m_.data.size() + m_.elements.size();
        size_t size = 0;
        const size_t functions = place<FunctionImpl>(size, compiled_.num_ref_slots);
        const size_t globals = place<Global>(size, own_globals);
        const size_t memories = place<std::shared_ptr<Memory>>(size, m_.memories.size());
        const size_t tables = place<std::shared_ptr<Table>>(size, m_.tables.size());
        const size_t cells = place<uint64_t*>(size, m_.globals.size());
        const size_t table_ptrs = place<Table*>(size, m_.tables.size());
        const size_t dropped = place<bool>(size, flags);
        static_assert(__STDCPP_DEFAULT_NEW_ALIGNMENT__ >= alignof(FunctionImpl));
        in.storage_ = std::make_unique<std::byte[]>(size); // zeroed
        std::byte* base = in.storage_.get();
        const auto at = [base](size_t offset) { return base + offset; };
        in.own_functions = reinterpret_cast<FunctionImpl*>(at(functions));
        std::uninitialized_value_construct_n(in.own_functions, compiled_.num_ref_slots);
        in.num_own_functions_ = compiled_.num_ref_slots;
        in.own_globals_ = reinterpret_cast<Global*>(at(globals));
        std::uninitialized_value_construct_n(in.own_globals_, own_globals);
        in.memories_ = reinterpret_cast<std::shared_ptr<Memory>*>(at(memories));
        std::uninitialized_value_construct_n(in.memories_, m_.memories.size());
        in.num_memories_ = uint32_t(m_.memories.size());
        in.table_refs_ = reinterpret_cast<std::shared_ptr<Table>*>(at(tables));
        std::uninitialized_value_construct_n(in.table_refs_, m_.tables.size());
        in.num_tables_ = uint32_t(m_.tables.size());
        in.globals = reinterpret_cast<uint64_t**>(at(cells));
        in.tables = reinterpret_cast<Table**>(at(table_ptrs));
        in.dropped = reinterpret_cast<bool*>(at(dropped));
    }

    // Memories and tables are reached through the instance's own arrays; functions and
    // globals straight from the binding.
    void take_imports() {
        InstanceImpl& in = *inst_;
        in.imported_functions = in.imports_->functions.data();
        size_t memory = 0, table = 0, global = 0;
        for (const Extern& ext : in.imports_->externs) {
            if (ext.kind == ExternKind::Memory) in.memories_[memory++] = ext.memory;
            if (ext.kind == ExternKind::Table) in.table_refs_[table++] = ext.table;
            if (ext.kind == ExternKind::Global) in.globals[global++] = ext.global->cell();
        }
    }

    // Evaluates a validated constant expression (a single instruction in Wasm 2.0).
    uint64_t eval(const ConstExpr& e) const { return evaluate(*inst_, e); }

    // One of the instance's own memories, within the embedder's page limit.
    Result<std::shared_ptr<Memory>> create_memory(const MemoryType& type) const {
        const uint32_t limit = options_.memory_page_limit;
        if (type.limits.min > limit)
            return Error{"initial memory of " + std::to_string(type.limits.min) +
                         " pages exceeds the limit of " + std::to_string(limit) + " pages"};
        ResourceLimiter* limiter = options_.limiter;
        const size_t initial = size_t(type.limits.min) * kPageSize;
        if (limiter != nullptr && !limiter->memory_growing(0, initial))
            return Error{"initial memory of " + std::to_string(type.limits.min) +
                         " pages is more than the embedder allows"};
        auto mem = Memory::create(type, options_.memory_pool);
        if (mem) {
            mem.value()->set_page_limit(limit);
            mem.value()->set_limiter(limiter);
        }
        return mem;
    }

    // One of the instance's own tables, within the embedder's limiter.
    Result<std::shared_ptr<Table>> create_table(const TableType& type) const {
        ResourceLimiter* limiter = options_.limiter;
        if (limiter != nullptr && !limiter->table_growing(0, type.limits.min))
            return Error{"initial table of " + std::to_string(type.limits.min) +
                         " elements is more than the embedder allows"};
        auto table = Table::create(type);
        if (table) table.value()->set_limiter(limiter);
        return table;
    }

    Result<void> define_entities() {
        InstanceImpl& in = *inst_;
        // Functions first: global initializers and element segments may refer to them.
        for (uint32_t i = 0; i < m_.num_defined_funcs(); ++i) {
            const uint32_t slot = compiled_.ref_slots[i];
            if (slot == kNoRefSlot) continue;
            FunctionImpl& f = in.own_functions[slot];
            const uint32_t index = m_.num_imported_funcs + i;
            f.func_type = &m_.func_type(index);
            f.type_id = compiled_.canonical_type_ids[m_.func_types[index]];
            f.code = &compiled_.functions[i];
            f.instance = &in;
            f.func_index = index;
        }
        for (size_t i = m_.num_imported_memories; i < m_.memories.size(); ++i) {
            auto mem = create_memory(m_.memories[i]);
            if (!mem) return mem.error();
            in.memories_[i] = std::move(mem.value());
        }
        for (size_t i = m_.num_imported_tables; i < m_.tables.size(); ++i) {
            auto table = create_table(m_.tables[i]);
            if (!table) return table.error();
            in.table_refs_[i] = std::move(table.value());
        }
        for (size_t i = m_.num_imported_globals; i < m_.globals.size(); ++i) {
            const uint64_t init = eval(m_.global_inits[i - m_.num_imported_globals]);
            Global& g = in.own_globals_[i - m_.num_imported_globals];
            g = Global(m_.globals[i], Value{m_.globals[i].type, init});
            in.globals[i] = g.cell();
        }
        for (size_t i = 0; i < m_.tables.size(); ++i)
            in.tables[i] = in.table_refs_[i].get();
        in.memory0 = m_.memories.empty() ? no_memory() : in.memories_[0].get();
        return {};
    }

    Result<void> initialize() {
        InstanceImpl& in = *inst_;
        const size_t num_data = m_.data.size();
        for (size_t s = 0; s < m_.elements.size(); ++s) {
            const ElementSegment& seg = m_.elements[s];
            if (seg.mode == SegmentMode::Passive) continue;
            if (seg.mode == SegmentMode::Active) {
                const uint64_t offset = uint32_t(eval(seg.offset));
                Table& t = *in.tables[seg.table];
                const size_t count = seg.items.size();
                if (offset > t.size() || count > t.size() - offset)
                    return Error{std::string(trap_message(TrapCode::OutOfBoundsTableAccess))};
                for (size_t k = 0; k < count; ++k)
                    t.set(uint32_t(offset + k), RefBits(eval(seg.items[k])));
            }
            in.dropped[num_data + s] = true; // active and declarative segments are dropped
        }
        for (size_t s = 0; s < num_data; ++s) {
            const DataSegment& seg = m_.data[s];
            if (seg.mode != SegmentMode::Active) continue;
            const uint64_t offset = uint32_t(eval(seg.offset));
            Memory& mem = *in.memories_[seg.memory];
            if (offset > mem.size() || seg.size > mem.size() - offset)
                return Error{std::string(trap_message(TrapCode::OutOfBoundsMemoryAccess))};
            if (seg.size)
                std::memcpy(mem.data() + offset, m_.bytes.data() + seg.bytes_offset, seg.size);
            in.dropped[s] = true;
        }
        if (m_.start && options_.run_start) {
            auto started = inst_->run_start(ex_);
            if (!started) return Error{started.error().message};
        }
        return {};
    }

    std::shared_ptr<const Module> module_;
    const ModuleInfo& m_;
    const CompiledModule& compiled_;
    ExecutionContext& ex_;
    const InstantiateOptions& options_;
    std::shared_ptr<InstanceImpl> inst_;
};

Error link_error(const Import& imp, const std::string& why) {
    return Error{why + ": " + imp.module + "::" + imp.name};
}

// Resolves every import of `module` by name, checking kinds and types.
Result<std::shared_ptr<const ImportBinding>> resolve_imports(const Linker& linker,
                                                             const Module& module) {
    const ModuleInfo& m = module.info();
    auto binding = std::make_shared<ImportBinding>();
    binding->externs.reserve(m.imports.size());
    binding->functions.reserve(m.num_imported_funcs);
    for (const Import& imp : m.imports) {
        const Extern* ext = linker.find(imp.module, imp.name);
        if (!ext) return link_error(imp, "unknown import");
        if (ext->kind != imp.kind) return link_error(imp, "incompatible import type");
        switch (imp.kind) {
        case ExternKind::Func:
            if (ext->func->type() != m.types[imp.func_type])
                return link_error(imp, "incompatible import type (function signature " +
                                           ext->func->type().to_string() + " instead of " +
                                           m.types[imp.func_type].to_string() + ")");
            binding->functions.push_back(&impl(*ext->func));
            break;
        case ExternKind::Table: {
            const TableType actual = ext->table->current_type();
            if (actual.element != imp.table.element ||
                !limits_match(actual.limits, imp.table.limits))
                return link_error(imp, "incompatible import type (table)");
            binding->imports_table = true;
            break;
        }
        case ExternKind::Memory:
            if (!limits_match(ext->memory->current_type().limits, imp.memory.limits))
                return link_error(imp, "incompatible import type (memory limits)");
            break;
        case ExternKind::Global:
            if (!(ext->global->type() == imp.global))
                return link_error(imp, "incompatible import type (global)");
            break;
        }
        binding->externs.push_back(*ext);
    }
    return std::shared_ptr<const ImportBinding>(std::move(binding));
}

uint64_t evaluate(const InstanceImpl& in, const ConstExpr& e) {
    const ConstInstr& c = e.instrs.back();
    switch (c.kind) {
    case ConstInstr::Kind::I32Const:
    case ConstInstr::Kind::F32Const: return uint64_t(uint32_t(c.value));
    case ConstInstr::Kind::I64Const:
    case ConstInstr::Kind::F64Const: return c.value;
    case ConstInstr::Kind::RefNull: return uint64_t(0);
    case ConstInstr::Kind::RefFunc: return uint64_t(RefBits(in.function(uint32_t(c.value))));
    case ConstInstr::Kind::GlobalGet: return *in.globals[c.value];
    }
    return uint64_t(0);
}

InstanceImpl::~InstanceImpl() {
    static_assert(std::is_trivially_destructible_v<Global>);
    std::destroy_n(own_functions, num_own_functions_);
    std::destroy_n(memories_, num_memories_);
    std::destroy_n(table_refs_, num_tables_);
}

bool InstanceImpl::element_dropped(uint32_t segment) const {
    return dropped[module_->info().data.size() + segment];
}

RefBits InstanceImpl::element_item(uint32_t segment, uint32_t item) const {
    return RefBits(evaluate(*this, module_->info().elements[segment].items[item]));
}

} // namespace detail

const Module& Instance::module() const {
    return *detail::impl(*this).module_;
}

Memory* Instance::memory(uint32_t index) const {
    const detail::InstanceImpl& in = detail::impl(*this);
    return index < in.num_memories_ ? in.memories_[index].get() : nullptr;
}

std::span<const std::shared_ptr<Memory>> Instance::memories() const {
    const detail::InstanceImpl& in = detail::impl(*this);
    return {in.memories_, in.num_memories_};
}

const Function* Instance::function(uint32_t index) const {
    const detail::InstanceImpl& in = detail::impl(*this);
    const ModuleInfo& m = in.module_->info();
    if (index < m.num_imported_funcs) return in.imported_functions[index];
    const uint32_t slot = in.module_->compiled().ref_slots[index - m.num_imported_funcs];
    return slot == detail::kNoRefSlot ? nullptr : &in.own_functions[slot];
}

std::optional<Extern> Instance::get_export(std::string_view name) const {
    const detail::InstanceImpl& in = detail::impl(*this);
    const auto& exports = in.module_->compiled().exports;
    auto it = exports.find(name);
    if (it == exports.end()) return std::nullopt;
    const Export& e = in.module_->info().exports[it->second];
    const ModuleInfo& m = in.module_->info();
    Extern out;
    out.kind = e.kind;
    switch (e.kind) {
    case ExternKind::Func:
        out.func = function(e.index);
        out.owner = in.shared_from_this();
        break;
    case ExternKind::Table: out.table = in.table_refs_[e.index]; break;
    case ExternKind::Memory: out.memory = in.memories_[e.index]; break;
    case ExternKind::Global:
        if (e.index < m.num_imported_globals) {
            uint32_t seen = 0;
            for (const Extern& ext : in.imports_->externs)
                if (ext.kind == ExternKind::Global && seen++ == e.index) out.global = ext.global;
        } else {
            // Shares ownership with the instance, which holds the global.
            Global* own = &in.own_globals_[e.index - m.num_imported_globals];
            out.global = std::shared_ptr<Global>(
                std::const_pointer_cast<detail::InstanceImpl>(in.shared_from_this()), own);
        }
        break;
    }
    return out;
}

Result<void, Trap> Instance::run_start(ExecutionContext& context) const {
    const detail::InstanceImpl& in = detail::impl(*this);
    const ModuleInfo& m = in.module_->info();
    if (!m.start) return {};
    const uint32_t index = *m.start;
    const Function* start = function(index);
    detail::FunctionImpl own_start; // the start function need not be referenceable
    if (start == nullptr) {
        own_start.func_type = &m.func_type(index);
        own_start.code = &in.module_->compiled().functions[index - m.num_imported_funcs];
        own_start.instance = const_cast<detail::InstanceImpl*>(&in); // NOLINT: calls may mutate it
        own_start.func_index = index;
        start = &own_start;
    }
    auto outcome = start->call(context, {});
    if (!outcome) return std::move(outcome.error());
    return {};
}

const Function* Instance::exported_function(std::string_view name) const {
    const detail::InstanceImpl& in = detail::impl(*this);
    const auto& exports = in.module_->compiled().exports;
    auto it = exports.find(name);
    if (it == exports.end()) return nullptr;
    const Export& e = in.module_->info().exports[it->second];
    return e.kind == ExternKind::Func ? function(e.index) : nullptr;
}

Memory* Instance::exported_memory(std::string_view name) const {
    const detail::InstanceImpl& in = detail::impl(*this);
    const auto& exports = in.module_->compiled().exports;
    auto it = exports.find(name);
    if (it == exports.end()) return nullptr;
    const Export& e = in.module_->info().exports[it->second];
    return e.kind == ExternKind::Memory ? in.memories_[e.index].get() : nullptr;
}

Memory* Caller::memory() const {
    return instance_ ? instance_->memory(0) : nullptr;
}

void Linker::define(std::string_view module, std::string_view name, Extern value) {
    definitions_[key_of(module, name)] = std::move(value);
    std::unique_lock guard(bindings_lock_);
    bindings_.clear(); // a definition may change what a module's imports resolve to
}

void Linker::define_instance(std::string_view module, const std::shared_ptr<Instance>& instance) {
    for (const Export& e : instance->module().info().exports)
        if (auto value = instance->get_export(e.name)) define(module, e.name, std::move(*value));
}

void Linker::retain(std::shared_ptr<Instance> instance) const {
    std::lock_guard guard(retained_lock_);
    retained_.push_back(std::move(instance));
}

const Extern* Linker::find(std::string_view module, std::string_view name) const {
    auto it = definitions_.find(key_of(module, name));
    return it == definitions_.end() ? nullptr : &it->second;
}

void Linker::for_each_definition(
    const std::function<void(std::string_view, std::string_view, const Extern&)>& visit) const {
    for (const auto& [key, value] : definitions_) {
        const size_t separator = key.find('\0'); // key_of() puts one after the module name
        const std::string_view whole(key);
        visit(whole.substr(0, separator), whole.substr(separator + 1), value);
    }
}

Result<std::shared_ptr<const detail::ImportBinding>>
Linker::bind(const std::shared_ptr<const Module>& module) const {
    const auto same_module = [&](const CachedBinding& cached) {
        return !cached.module.owner_before(module) && !module.owner_before(cached.module);
    };
    {
        std::shared_lock guard(bindings_lock_);
        auto it = bindings_.find(module.get());
        if (it != bindings_.end() && same_module(it->second)) return it->second.binding;
    }
    auto binding = detail::resolve_imports(*this, *module);
    if (!binding) return binding;
    std::unique_lock guard(bindings_lock_);
    // Forget modules that are gone before the table would double.
    if (bindings_.size() >= 2 * bindings_kept_ + 16) {
        std::erase_if(bindings_, [](const auto& entry) { return entry.second.module.expired(); });
        bindings_kept_ = bindings_.size();
    }
    bindings_[module.get()] = CachedBinding{module, binding.value()};
    return binding;
}

Result<std::shared_ptr<Instance>>
Linker::instantiate(ExecutionContext& context, const std::shared_ptr<const Module>& module) const {
    return instantiate(context, module, InstantiateOptions{});
}

Result<std::shared_ptr<Instance>> Linker::instantiate(ExecutionContext& context,
                                                      const std::shared_ptr<const Module>& module,
                                                      const InstantiateOptions& options) const {
    return detail::InstanceBuilder(module, context, options).build(*this);
}

std::string Value::to_string() const {
    switch (type) {
    case ValType::I32: return "i32:" + std::to_string(as_i32());
    case ValType::I64: return "i64:" + std::to_string(as_i64());
    case ValType::F32: return "f32:" + std::to_string(as_f32());
    case ValType::F64: return "f64:" + std::to_string(as_f64());
    case ValType::FuncRef: return bits ? "funcref" : "funcref:null";
    case ValType::ExternRef: return bits ? "externref:" + std::to_string(bits) : "externref:null";
    default: return "v128";
    }
}

} // namespace tycho::wasm
