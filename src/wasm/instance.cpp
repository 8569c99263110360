// Linking and instantiation: resolve imports, allocate the module's own memories, tables,
// globals and function objects, apply element and data segments, run the start function.
#include "code.h"
#include "compiled_module.h"

#include <cstring>

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

class InstanceBuilder {
  public:
    InstanceBuilder(const std::shared_ptr<const Module>& module, ExecutionContext& ex,
                    const InstantiateOptions& options)
        : module_(module), m_(module->info()), compiled_(module->compiled()), ex_(ex),
          options_(options) {}

    Result<std::shared_ptr<Instance>> build(const Linker& linker) {
        inst_ = std::shared_ptr<Instance>(new Instance());
        inst_->module_ = module_;
        if (auto r = resolve_imports(linker); !r) return r.error();
        if (auto r = define_entities(); !r) return r.error();
        // The instance's functions may end up in tables it imported, even when start-up
        // fails half-way (segments already applied stay applied): the linker, which
        // outlives the tables it hands out, keeps such an instance alive.
        if (imports_table_) linker.retain(inst_);
        if (auto r = initialize(); !r) return r.error();
        return std::move(inst_);
    }

  private:
    static Error link_error(const Import& imp, const std::string& why) {
        return Error{why + ": " + imp.module + "::" + imp.name};
    }

    Result<void> resolve_imports(const Linker& linker) {
        Instance& in = *inst_;
        for (const Import& imp : m_.imports) {
            const Extern* ext = linker.find(imp.module, imp.name);
            if (!ext) return link_error(imp, "unknown import");
            if (ext->kind != imp.kind) return link_error(imp, "incompatible import type");
            switch (imp.kind) {
            case ExternKind::Func:
                if (ext->func->type() != m_.types[imp.func_type])
                    return link_error(imp, "incompatible import type (function signature " +
                                               ext->func->type().to_string() + " instead of " +
                                               m_.types[imp.func_type].to_string() + ")");
                in.function_ptrs_.push_back(ext->func);
                if (ext->owner) in.keep_alive_.push_back(ext->owner);
                break;
            case ExternKind::Table: {
                const TableType actual = ext->table->current_type();
                if (actual.element != imp.table.element ||
                    !limits_match(actual.limits, imp.table.limits))
                    return link_error(imp, "incompatible import type (table)");
                in.table_refs_.push_back(ext->table);
                imports_table_ = true;
                break;
            }
            case ExternKind::Memory:
                if (!limits_match(ext->memory->current_type().limits, imp.memory.limits))
                    return link_error(imp, "incompatible import type (memory limits)");
                in.memories_.push_back(ext->memory);
                break;
            case ExternKind::Global:
                if (!(ext->global->type() == imp.global))
                    return link_error(imp, "incompatible import type (global)");
                in.global_refs_.push_back(ext->global);
                break;
            }
        }
        return {};
    }

    Result<RefBits> eval_ref(const ConstExpr& e) const {
        auto v = eval(e);
        if (!v) return v.error();
        return RefBits(v.value());
    }

    // Evaluates a validated constant expression (a single instruction in Wasm 2.0).
    Result<uint64_t> eval(const ConstExpr& e) const {
        const ConstInstr& c = e.instrs.back();
        switch (c.kind) {
        case ConstInstr::Kind::I32Const:
        case ConstInstr::Kind::F32Const: return uint64_t(uint32_t(c.value));
        case ConstInstr::Kind::I64Const:
        case ConstInstr::Kind::F64Const: return c.value;
        case ConstInstr::Kind::RefNull: return uint64_t(0);
        case ConstInstr::Kind::RefFunc: return uint64_t(RefBits(inst_->function_ptrs_[c.value]));
        case ConstInstr::Kind::GlobalGet: return *inst_->global_cells_[c.value];
        }
        return uint64_t(0);
    }

    // One of the instance's own memories, within the embedder's page limit.
    Result<std::shared_ptr<Memory>> create_memory(const MemoryType& type) const {
        const uint32_t limit = options_.memory_page_limit;
        if (type.limits.min > limit)
            return Error{"initial memory of " + std::to_string(type.limits.min) +
                         " pages exceeds the limit of " + std::to_string(limit) + " pages"};
        auto mem = Memory::create(type, options_.memory_pool);
        if (mem) mem.value()->set_page_limit(limit);
        return mem;
    }

    Result<void> define_entities() {
        Instance& in = *inst_;
        // Functions first: global initializers and element segments may refer to them.
        const uint32_t imported = m_.num_imported_funcs;
        in.own_functions_.reserve(m_.num_defined_funcs());
        for (uint32_t i = 0; i < m_.num_defined_funcs(); ++i) {
            auto f = std::make_unique<Function>();
            const uint32_t index = imported + i;
            f->type_ = &m_.func_type(index);
            f->type_id_ = compiled_.canonical_type_ids[m_.func_types[index]];
            f->code_ = &compiled_.functions[i];
            f->instance_ = &in;
            f->func_index_ = index;
            in.function_ptrs_.push_back(f.get());
            in.own_functions_.push_back(std::move(f));
        }
        for (size_t i = m_.num_imported_memories; i < m_.memories.size(); ++i) {
            auto mem = create_memory(m_.memories[i]);
            if (!mem) return mem.error();
            in.memories_.push_back(std::move(mem.value()));
        }
        for (size_t i = m_.num_imported_tables; i < m_.tables.size(); ++i) {
            auto table = Table::create(m_.tables[i]);
            if (!table) return table.error();
            in.table_refs_.push_back(std::move(table.value()));
        }
        for (auto& g : in.global_refs_)
            in.global_cells_.push_back(g->cell());
        for (size_t i = m_.num_imported_globals; i < m_.globals.size(); ++i) {
            auto init = eval(m_.global_inits[i - m_.num_imported_globals]);
            if (!init) return init.error();
            auto g =
                std::make_shared<Global>(m_.globals[i], Value{m_.globals[i].type, init.value()});
            in.global_cells_.push_back(g->cell());
            in.global_refs_.push_back(std::move(g));
        }
        for (auto& t : in.table_refs_)
            in.table_ptrs_.push_back(t.get());
        in.memory0_ = in.memories_.empty() ? no_memory() : in.memories_[0].get();
        in.globals_ = in.global_cells_.data();
        in.tables_ = in.table_ptrs_.data();
        in.functions_ = in.function_ptrs_.data();
        in.dropped_data_.assign(m_.data.size(), false);
        in.element_segments_.resize(m_.elements.size());
        for (size_t s = 0; s < m_.elements.size(); ++s) {
            auto& refs = in.element_segments_[s];
            refs.reserve(m_.elements[s].items.size());
            for (const ConstExpr& item : m_.elements[s].items) {
                auto r = eval_ref(item);
                if (!r) return r.error();
                refs.push_back(r.value());
            }
        }
        return {};
    }

    Result<void> initialize() {
        Instance& in = *inst_;
        for (size_t s = 0; s < m_.elements.size(); ++s) {
            const ElementSegment& seg = m_.elements[s];
            if (seg.mode == SegmentMode::Passive) continue;
            if (seg.mode == SegmentMode::Active) {
                const uint64_t offset = uint32_t(eval(seg.offset).value());
                Table& t = *in.tables_[seg.table];
                const auto& refs = in.element_segments_[s];
                if (offset > t.size() || refs.size() > t.size() - offset)
                    return Error{std::string(trap_message(TrapCode::OutOfBoundsTableAccess))};
                std::copy(refs.begin(), refs.end(), t.data() + offset);
            }
            in.element_segments_[s].clear(); // active and declarative segments are dropped
        }
        for (size_t s = 0; s < m_.data.size(); ++s) {
            const DataSegment& seg = m_.data[s];
            if (seg.mode != SegmentMode::Active) continue;
            const uint64_t offset = uint32_t(eval(seg.offset).value());
            Memory& mem = *in.memories_[seg.memory];
            if (offset > mem.size() || seg.size > mem.size() - offset)
                return Error{std::string(trap_message(TrapCode::OutOfBoundsMemoryAccess))};
            if (seg.size)
                std::memcpy(mem.data() + offset, m_.bytes.data() + seg.bytes_offset, seg.size);
            in.dropped_data_[s] = true;
        }
        if (m_.start) {
            const Function* start = in.functions_[*m_.start];
            uint64_t no_slots[1] = {0};
            const TrapCode t = start->call_raw(ex_, no_slots);
            if (t != TrapCode::None) {
                std::string msg = (t == TrapCode::HostTrap || t == TrapCode::Interrupted)
                                      ? ex_.trap_.message
                                      : std::string(trap_message(t));
                return Error{msg};
            }
        }
        return {};
    }

    std::shared_ptr<const Module> module_;
    const ModuleInfo& m_;
    const CompiledModule& compiled_;
    ExecutionContext& ex_;
    const InstantiateOptions& options_;
    std::shared_ptr<Instance> inst_;
    bool imports_table_ = false;
};

} // namespace detail

Instance::~Instance() = default;

std::optional<Extern> Instance::get_export(std::string_view name) const {
    const auto& exports = module_->compiled().exports;
    auto it = exports.find(std::string(name));
    if (it == exports.end()) return std::nullopt;
    const Export& e = module_->info().exports[it->second];
    Extern out;
    out.kind = e.kind;
    switch (e.kind) {
    case ExternKind::Func:
        out.func = functions_[e.index];
        out.owner = shared_from_this();
        break;
    case ExternKind::Table: out.table = table_refs_[e.index]; break;
    case ExternKind::Memory: out.memory = memories_[e.index]; break;
    case ExternKind::Global: out.global = global_refs_[e.index]; break;
    }
    return out;
}

const Function* Instance::exported_function(std::string_view name) const {
    auto e = get_export(name);
    return e && e->kind == ExternKind::Func ? e->func : nullptr;
}

Memory* Caller::memory() const {
    return instance_ ? instance_->memory(0) : nullptr;
}

void Linker::define(std::string_view module, std::string_view name, Extern value) {
    definitions_[key_of(module, name)] = std::move(value);
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
