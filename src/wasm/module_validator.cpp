// Module-level validation. Messages start with the spec interpreter's wording ("unknown
// function", "type mismatch", ...) and add the details; errors inside constant expressions
// carry the expression's offset, other module-level errors have none recorded.
#include "module_validator.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>

namespace tycho::wasm {
namespace {

using Kind = ConstInstr::Kind;

Result<void> fail(std::string message, size_t offset = Error::npos) {
    return Error{std::move(message), offset};
}

std::string num(uint64_t v) {
    return std::to_string(v);
}

class Validator {
  public:
    explicit Validator(const ModuleInfo& m) : m_(m) {}

    Result<void> run() {
        // A decoded module always satisfies this; a hand-made one might not.
        if (m_.globals.size() != size_t(m_.num_imported_globals) + m_.global_inits.size())
            return fail("inconsistent module: global types and initializers do not match");
        for (uint32_t type : m_.func_types)
            if (type >= m_.types.size()) return fail("unknown type " + num(type));
        if (auto r = no_simd_types(); !r) return r;
        // Table limits are u32 already, so only their order can be wrong.
        for (const TableType& table : m_.tables)
            if (auto r = min_max(table.limits, "table"); !r) return r;
        for (const MemoryType& memory : m_.memories) {
            const Limits& l = memory.limits;
            if (l.min > kMaxPages || (l.max && *l.max > kMaxPages))
                return fail("memory size must be at most 65536 pages (4GiB)");
            if (auto r = min_max(l, "memory"); !r) return r;
        }
        if (m_.memories.size() > 1)
            return fail("multiple memories: " + num(m_.memories.size()) +
                        " memories but Wasm 2.0 allows at most one");
        for (size_t i = 0; i < m_.global_inits.size(); ++i) {
            const GlobalType& type = m_.globals[m_.num_imported_globals + i];
            const std::string what = "initializer of global " + num(m_.num_imported_globals + i);
            if (auto r = const_expr(m_.global_inits[i], type.type, what); !r) return r;
        }
        for (size_t i = 0; i < m_.elements.size(); ++i)
            if (auto r = element_segment(m_.elements[i], i); !r) return r;
        for (size_t i = 0; i < m_.data.size(); ++i)
            if (auto r = data_segment(m_.data[i], i); !r) return r;
        if (auto r = start(); !r) return r;
        return exports();
    }

  private:
    // The decoder reads v128 so that the binary format is complete, but the engine does not
    // execute SIMD yet: say so plainly instead of failing later in a confusing way.
    Result<void> no_simd_types() const {
        auto has_v128 = [](const std::vector<ValType>& ts) {
            return std::find(ts.begin(), ts.end(), ValType::V128) != ts.end();
        };
        for (size_t i = 0; i < m_.types.size(); ++i)
            if (has_v128(m_.types[i].params) || has_v128(m_.types[i].results))
                return fail("unsupported: type " + num(i) +
                            " uses v128 (SIMD is not supported yet)");
        for (size_t i = 0; i < m_.globals.size(); ++i)
            if (m_.globals[i].type == ValType::V128)
                return fail("unsupported: global " + num(i) +
                            " is v128 (SIMD is not supported yet)");
        for (size_t i = 0; i < m_.bodies.size(); ++i)
            for (const LocalGroup& g : m_.bodies[i].locals)
                if (g.type == ValType::V128 && g.count > 0)
                    return fail("unsupported: function " + num(m_.num_imported_funcs + i) +
                                " has v128 locals (SIMD is not supported yet)");
        return {};
    }

    Result<void> min_max(const Limits& l, const char* what) {
        if (l.max && l.min > *l.max)
            return fail(std::string("size minimum must not be greater than maximum (") + what +
                        " limits " + num(l.min) + ".." + num(*l.max) + ")");
        return {};
    }

    // In Wasm 2.0 a constant expression sees only the imported globals, and only the
    // immutable ones are constant.
    Result<void> const_expr(const ConstExpr& e, ValType expected, const std::string& what) {
        for (const ConstInstr& instr : e.instrs) {
            if (instr.kind == Kind::GlobalGet) {
                if (instr.value >= m_.num_imported_globals)
                    return fail("unknown global " + num(instr.value) + " in " + what +
                                    " (constant expressions may only read imported globals)",
                                e.offset);
                if (m_.globals[instr.value].is_mutable)
                    return fail("constant expression required: " + what + " reads mutable global " +
                                    num(instr.value),
                                e.offset);
            } else if (instr.kind == Kind::RefFunc && instr.value >= m_.func_types.size()) {
                return fail("unknown function " + num(instr.value) + " in " + what, e.offset);
            }
        }
        if (e.instrs.size() != 1)
            return fail("type mismatch: " + what + " must be one instruction producing " +
                            to_string(expected) + ", found " + num(e.instrs.size()),
                        e.offset);
        const ValType actual = type_of(e.instrs[0]);
        if (actual != expected)
            return fail("type mismatch: " + what + " must produce " + to_string(expected) +
                            " but produces " + to_string(actual),
                        e.offset);
        return {};
    }

    ValType type_of(const ConstInstr& instr) const {
        switch (instr.kind) {
        case Kind::I32Const: return ValType::I32;
        case Kind::I64Const: return ValType::I64;
        case Kind::F32Const: return ValType::F32;
        case Kind::F64Const: return ValType::F64;
        case Kind::RefNull: return instr.ref_type;
        case Kind::RefFunc: return ValType::FuncRef;
        case Kind::GlobalGet: return m_.globals[instr.value].type;
        }
        return ValType::I32;
    }

    Result<void> element_segment(const ElementSegment& seg, size_t index) {
        const std::string name = "element segment " + num(index);
        if (seg.mode == SegmentMode::Active) {
            if (seg.table >= m_.tables.size())
                return fail("unknown table " + num(seg.table) + " in " + name, seg.offset.offset);
            if (auto r = const_expr(seg.offset, ValType::I32, "offset of " + name); !r) return r;
            const ValType table_type = m_.tables[seg.table].element;
            if (table_type != seg.type)
                return fail("type mismatch: " + name + " holds " + to_string(seg.type) +
                                " but table " + num(seg.table) + " holds " + to_string(table_type),
                            seg.offset.offset);
        }
        for (size_t i = 0; i < seg.items.size(); ++i) {
            const std::string what = "item " + num(i) + " of " + name;
            if (auto r = const_expr(seg.items[i], seg.type, what); !r) return r;
        }
        return {};
    }

    Result<void> data_segment(const DataSegment& seg, size_t index) {
        if (seg.mode != SegmentMode::Active) return {};
        const std::string name = "data segment " + num(index);
        if (seg.memory >= m_.memories.size())
            return fail("unknown memory " + num(seg.memory) + " in " + name, seg.offset.offset);
        return const_expr(seg.offset, ValType::I32, "offset of " + name);
    }

    Result<void> start() {
        if (!m_.start) return {};
        const uint32_t func = *m_.start;
        if (func >= m_.func_types.size()) return fail("unknown function " + num(func) + " (start)");
        const FuncType& type = m_.func_type(func);
        if (!type.params.empty() || !type.results.empty())
            return fail("start function must have type [] -> [], but function " + num(func) +
                        " has " + type.to_string());
        return {};
    }

    Result<void> exports() {
        std::unordered_set<std::string_view> names;
        names.reserve(m_.exports.size());
        for (const Export& exp : m_.exports) {
            size_t count = 0;
            const char* what;
            switch (exp.kind) {
            case ExternKind::Func: count = m_.func_types.size(), what = "function"; break;
            case ExternKind::Table: count = m_.tables.size(), what = "table"; break;
            case ExternKind::Memory: count = m_.memories.size(), what = "memory"; break;
            case ExternKind::Global: count = m_.globals.size(), what = "global"; break;
            }
            if (exp.index >= count)
                return fail(std::string("unknown ") + what + " " + num(exp.index) + " (export \"" +
                            exp.name + "\")");
            if (!names.insert(exp.name).second)
                return fail("duplicate export name \"" + exp.name + "\"");
        }
        return {};
    }

    const ModuleInfo& m_;
};

void add_refs(const ConstExpr& e, std::vector<bool>& refs) {
    for (const ConstInstr& instr : e.instrs)
        if (instr.kind == Kind::RefFunc && instr.value < refs.size()) refs[instr.value] = true;
}

} // namespace

Result<void> validate_module(const ModuleInfo& module) {
    return Validator(module).run();
}

std::vector<bool> declared_function_refs(const ModuleInfo& module) {
    // The spec's funcidx(module) over everything but function bodies and the start function.
    std::vector<bool> refs(module.func_types.size(), false);
    for (const ConstExpr& init : module.global_inits)
        add_refs(init, refs);
    for (const ElementSegment& seg : module.elements) {
        add_refs(seg.offset, refs);
        for (const ConstExpr& item : seg.items)
            add_refs(item, refs);
    }
    for (const DataSegment& seg : module.data)
        add_refs(seg.offset, refs);
    for (const Export& exp : module.exports)
        if (exp.kind == ExternKind::Func && exp.index < refs.size()) refs[exp.index] = true;
    return refs;
}

} // namespace tycho::wasm
