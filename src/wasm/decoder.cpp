// The binary decoder: module header, section framing and order, and every section's
// contents. Each section is decoded by a reader bounded to the section's declared size, so
// nothing can read past it, and whatever it leaves unread is a size mismatch.
#include "decoder.h"

#include "byte_reader.h"
#include "op.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

namespace tycho::wasm {
namespace {

enum SectionId : uint8_t {
    kCustom = 0,
    kType = 1,
    kImport = 2,
    kFunction = 3,
    kTable = 4,
    kMemory = 5,
    kGlobal = 6,
    kExport = 7,
    kStart = 8,
    kElement = 9,
    kCode = 10,
    kData = 11,
    kDataCount = 12,
};

const char* section_name(uint8_t id) {
    static const char* const kNames[] = {"custom", "type",   "import",    "function", "table",
                                         "memory", "global", "export",    "start",    "element",
                                         "code",   "data",   "data count"};
    return kNames[id];
}

// Position of each known section in the required order. The data count section (id 12)
// sits between element and code, so the ids alone do not give the order.
int section_rank(uint8_t id) {
    static const int kRanks[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
    return kRanks[id];
}

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// Reads a vector length. Every element takes at least one byte, so a count larger than
// what is left can never be satisfied; rejecting it up front also bounds any reservation.
bool read_count(ByteReader& r, uint32_t& count, const char* what) {
    const size_t at = r.offset();
    if (!r.u32(count)) return false;
    if (count > r.remaining())
        return r.fail_at(at, "length out of bounds: " + std::to_string(count) + " " + what +
                                 " declared but only " + std::to_string(r.remaining()) +
                                 " bytes remain");
    return true;
}

bool read_val_type(ByteReader& r, ValType& out) {
    const size_t at = r.offset();
    uint8_t b;
    if (!r.u8(b)) return false;
    switch (b) {
    case 0x7F:
    case 0x7E:
    case 0x7D:
    case 0x7C:
    case 0x7B:
    case 0x70:
    case 0x6F: out = ValType(b); return true;
    default: return r.fail_at(at, "malformed value type " + hex(b));
    }
}

bool read_ref_type(ByteReader& r, ValType& out) {
    const size_t at = r.offset();
    uint8_t b;
    if (!r.u8(b)) return false;
    if (b != uint8_t(ValType::FuncRef) && b != uint8_t(ValType::ExternRef))
        return r.fail_at(at, "malformed reference type " + hex(b));
    out = ValType(b);
    return true;
}

bool read_limits(ByteReader& r, Limits& out) {
    const size_t at = r.offset();
    uint8_t flags;
    if (!r.u8(flags)) return false;
    if (flags > 1) return r.fail_at(at, "malformed limits flags " + hex(flags));
    if (!r.u32(out.min)) return false;
    out.max.reset();
    if (flags == 1) {
        uint32_t max;
        if (!r.u32(max)) return false;
        out.max = max;
    }
    return true;
}

bool read_table_type(ByteReader& r, TableType& out) {
    return read_ref_type(r, out.element) && read_limits(r, out.limits);
}

bool read_global_type(ByteReader& r, GlobalType& out) {
    if (!read_val_type(r, out.type)) return false;
    const size_t at = r.offset();
    uint8_t mut;
    if (!r.u8(mut)) return false;
    if (mut > 1) return r.fail_at(at, "malformed mutability " + hex(mut));
    out.is_mutable = mut == 1;
    return true;
}

// Reads instructions up to and including `end`; only the constant instructions are
// accepted here, the validator checks count and types.
bool read_const_expr(ByteReader& r, ConstExpr& out) {
    using Kind = ConstInstr::Kind;
    out.offset = r.offset();
    out.instrs.clear();
    for (;;) {
        const size_t at = r.offset();
        uint8_t op;
        if (!r.u8(op)) return false;
        if (op == 0x0B) return true;
        ConstInstr instr;
        switch (op) {
        case 0x41: {
            int32_t v;
            if (!r.s32(v)) return false;
            instr.kind = Kind::I32Const;
            instr.value = uint32_t(v);
            break;
        }
        case 0x42: {
            int64_t v;
            if (!r.s64(v)) return false;
            instr.kind = Kind::I64Const;
            instr.value = uint64_t(v);
            break;
        }
        case 0x43: {
            uint32_t bits;
            if (!r.fixed(bits)) return false; // little-endian host assumed, as elsewhere
            instr.kind = Kind::F32Const;
            instr.value = bits;
            break;
        }
        case 0x44: {
            uint64_t bits;
            if (!r.fixed(bits)) return false;
            instr.kind = Kind::F64Const;
            instr.value = bits;
            break;
        }
        case 0xD0:
            if (!read_ref_type(r, instr.ref_type)) return false;
            instr.kind = Kind::RefNull;
            break;
        case 0xD2:
        case 0x23: {
            uint32_t index;
            if (!r.u32(index)) return false;
            instr.kind = op == 0xD2 ? Kind::RefFunc : Kind::GlobalGet;
            instr.value = index;
            break;
        }
        default:
            // A byte that starts no instruction at all is malformed in another way than an
            // instruction that is not allowed here.
            if (kOpcodeMap.plain[op] < 0 && op != 0xFC && op != 0xFD)
                return r.fail_at(at, "illegal opcode " + hex(op));
            return r.fail_at(at, "constant expression required (opcode " + hex(op) + ")");
        }
        out.instrs.push_back(instr);
    }
}

bool read_name_map(ByteReader& r, std::map<uint32_t, std::string>& out) {
    uint32_t count;
    if (!read_count(r, count, "names")) return false;
    for (uint32_t i = 0; i < count; ++i) {
        uint32_t index;
        std::string name;
        if (!r.u32(index) || !r.name(name)) return false;
        // Indices must be unique and ascending.
        if (!out.empty() && index <= out.rbegin()->first) return r.fail("unsorted name map");
        out.emplace_hint(out.end(), index, std::move(name));
    }
    return true;
}

// Parses the custom "name" section's payload. Returns false when it is malformed; the
// caller then keeps no names at all, since the section must never make a module fail.
bool parse_name_section(ByteReader& r, NameSection& out) {
    int last_id = -1;
    while (!r.at_end()) {
        uint8_t id;
        uint32_t size;
        if (!r.u8(id) || !r.u32(size) || size > r.remaining()) return false;
        if (int(id) <= last_id) return false; // subsections are unique and ordered
        last_id = id;
        ByteReader sub(r.position(), size, r.offset());
        switch (id) {
        case 0: sub.name(out.module_name); break;
        case 1: read_name_map(sub, out.function_names); break;
        case 2: {
            uint32_t count;
            if (!read_count(sub, count, "functions")) break;
            for (uint32_t i = 0; i < count && !sub.failed(); ++i) {
                uint32_t func;
                if (!sub.u32(func)) break;
                if (!out.local_names.empty() && func <= out.local_names.rbegin()->first) {
                    sub.fail("unsorted indirect name map");
                    break;
                }
                read_name_map(sub, out.local_names[func]);
            }
            break;
        }
        default: sub.skip(size); break; // later extensions (labels, types, ...) are ignored
        }
        if (sub.failed() || !sub.at_end()) return false;
        r.skip(size);
    }
    return !r.failed();
}

class Decoder {
  public:
    explicit Decoder(ModuleInfo& m) : m_(m), r_(m.bytes.data(), m.bytes.size()) {}

    Result<void> run() {
        if (!header()) return r_.error();
        while (!r_.at_end()) {
            if (!section()) return error_;
        }
        const size_t end = r_.offset();
        if (m_.bodies.size() != declared_funcs_)
            return Error{"function and code section have inconsistent lengths: " +
                             std::to_string(declared_funcs_) + " functions, " +
                             std::to_string(m_.bodies.size()) + " bodies",
                         end};
        if (m_.data_count && !seen_data_ && *m_.data_count != 0)
            return Error{"data count and data section have inconsistent lengths: data count " +
                             std::to_string(*m_.data_count) + ", no data section",
                         end};
        return {};
    }

  private:
    bool header() {
        static const uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
        static const uint8_t kVersion[4] = {0x01, 0x00, 0x00, 0x00};
        const uint8_t* p;
        if (!r_.bytes(4, p)) return false;
        if (std::memcmp(p, kMagic, 4) != 0) return r_.fail_at(0, "magic header not detected");
        if (!r_.bytes(4, p)) return false;
        if (std::memcmp(p, kVersion, 4) != 0) return r_.fail_at(4, "unknown binary version");
        return true;
    }

    bool fail(Error e) {
        error_ = std::move(e);
        return false;
    }

    // Frames one section, checks its order and that its contents fill it exactly.
    bool section() {
        const size_t start = r_.offset();
        uint8_t id;
        uint32_t size;
        if (!r_.u8(id)) return fail(r_.error());
        if (id > kDataCount) return fail(Error{"malformed section id " + hex(id), start});
        if (!r_.u32(size)) return fail(r_.error());
        if (size > r_.remaining())
            return fail(Error{"length out of bounds: " + std::string(section_name(id)) +
                                  " section size " + std::to_string(size) + " but only " +
                                  std::to_string(r_.remaining()) + " bytes remain",
                              start});
        if (id != kCustom) {
            const int rank = section_rank(id);
            if (rank == last_rank_)
                return fail(
                    Error{"duplicate " + std::string(section_name(id)) + " section", start});
            if (rank < last_rank_)
                return fail(Error{std::string(section_name(id)) +
                                      " section out of order (it must come before the " +
                                      section_name(last_id_) + " section)",
                                  start});
            last_rank_ = rank;
            last_id_ = id;
        }
        ByteReader s(r_.position(), size, r_.offset());
        section_contents(id, s);
        if (s.failed()) return fail(s.error());
        if (!s.at_end())
            return fail(Error{"section size mismatch: " + std::string(section_name(id)) +
                                  " section has " + std::to_string(s.remaining()) +
                                  " bytes left over",
                              s.offset()});
        r_.skip(size);
        return true;
    }

    void section_contents(uint8_t id, ByteReader& s) {
        switch (id) {
        case kCustom: custom_section(s); break;
        case kType: type_section(s); break;
        case kImport: import_section(s); break;
        case kFunction: function_section(s); break;
        case kTable: table_section(s); break;
        case kMemory: memory_section(s); break;
        case kGlobal: global_section(s); break;
        case kExport: export_section(s); break;
        case kStart: {
            uint32_t index;
            if (s.u32(index)) m_.start = index;
            break;
        }
        case kElement: element_section(s); break;
        case kDataCount: {
            uint32_t count;
            if (s.u32(count)) m_.data_count = count;
            break;
        }
        case kCode: code_section(s); break;
        case kData: data_section(s); break;
        default: s.fail("malformed section id " + std::to_string(id)); break;
        }
    }

    void custom_section(ByteReader& s) {
        std::string name;
        if (!s.name(name)) return;
        if (name == "name" && !seen_names_) {
            seen_names_ = true;
            ByteReader payload(s.position(), s.remaining(), s.offset());
            NameSection names;
            if (parse_name_section(payload, names)) m_.names = std::move(names);
        }
        s.skip(s.remaining()); // custom payloads are opaque
    }

    bool type_section(ByteReader& s) {
        uint32_t count;
        if (!read_count(s, count, "types")) return false;
        m_.types.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
            const size_t at = s.offset();
            uint8_t form;
            if (!s.u8(form)) return false;
            if (form != 0x60)
                return s.fail_at(at, "malformed function type: expected 0x60, got " + hex(form));
            FuncType type;
            if (!val_types(s, type.params) || !val_types(s, type.results)) return false;
            m_.types.push_back(std::move(type));
        }
        return true;
    }

    bool val_types(ByteReader& s, std::vector<ValType>& out) {
        uint32_t count;
        if (!read_count(s, count, "value types")) return false;
        out.resize(count);
        for (ValType& t : out)
            if (!read_val_type(s, t)) return false;
        return true;
    }

    bool import_section(ByteReader& s) {
        uint32_t count;
        if (!read_count(s, count, "imports")) return false;
        m_.imports.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
            Import imp;
            if (!s.name(imp.module) || !s.name(imp.name)) return false;
            const size_t at = s.offset();
            uint8_t kind;
            if (!s.u8(kind)) return false;
            switch (kind) {
            case 0:
                if (!s.u32(imp.func_type)) return false;
                m_.func_types.push_back(imp.func_type);
                ++m_.num_imported_funcs;
                break;
            case 1:
                if (!read_table_type(s, imp.table)) return false;
                m_.tables.push_back(imp.table);
                ++m_.num_imported_tables;
                break;
            case 2:
                if (!read_limits(s, imp.memory.limits)) return false;
                m_.memories.push_back(imp.memory);
                ++m_.num_imported_memories;
                break;
            case 3:
                if (!read_global_type(s, imp.global)) return false;
                m_.globals.push_back(imp.global);
                ++m_.num_imported_globals;
                break;
            default: return s.fail_at(at, "malformed import kind " + hex(kind));
            }
            imp.kind = ExternKind(kind);
            m_.imports.push_back(std::move(imp));
        }
        return true;
    }

    bool function_section(ByteReader& s) {
        uint32_t count;
        if (!read_count(s, count, "functions")) return false;
        m_.func_types.reserve(m_.func_types.size() + count);
        for (uint32_t i = 0; i < count; ++i) {
            uint32_t type;
            if (!s.u32(type)) return false;
            m_.func_types.push_back(type);
        }
        declared_funcs_ = count;
        return true;
    }

    bool table_section(ByteReader& s) {
        uint32_t count;
        if (!read_count(s, count, "tables")) return false;
        for (uint32_t i = 0; i < count; ++i) {
            TableType table;
            if (!read_table_type(s, table)) return false;
            m_.tables.push_back(table);
        }
        return true;
    }

    bool memory_section(ByteReader& s) {
        uint32_t count;
        if (!read_count(s, count, "memories")) return false;
        for (uint32_t i = 0; i < count; ++i) {
            MemoryType memory;
            if (!read_limits(s, memory.limits)) return false;
            m_.memories.push_back(memory);
        }
        return true;
    }

    bool global_section(ByteReader& s) {
        uint32_t count;
        if (!read_count(s, count, "globals")) return false;
        m_.global_inits.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
            GlobalType type;
            ConstExpr init;
            if (!read_global_type(s, type) || !read_const_expr(s, init)) return false;
            m_.globals.push_back(type);
            m_.global_inits.push_back(std::move(init));
        }
        return true;
    }

    bool export_section(ByteReader& s) {
        uint32_t count;
        if (!read_count(s, count, "exports")) return false;
        m_.exports.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
            Export exp;
            if (!s.name(exp.name)) return false;
            const size_t at = s.offset();
            uint8_t kind;
            if (!s.u8(kind)) return false;
            if (kind > 3) return s.fail_at(at, "malformed export kind " + hex(kind));
            exp.kind = ExternKind(kind);
            if (!s.u32(exp.index)) return false;
            m_.exports.push_back(std::move(exp));
        }
        return true;
    }

    bool element_section(ByteReader& s) {
        uint32_t count;
        if (!read_count(s, count, "element segments")) return false;
        m_.elements.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
            ElementSegment seg;
            if (!element_segment(s, seg)) return false;
            m_.elements.push_back(std::move(seg));
        }
        return true;
    }

    // The flags' bits: 0 = passive or declarative, 1 = explicit table index (active) or
    // declarative (otherwise), 2 = items are expressions rather than function indices.
    bool element_segment(ByteReader& s, ElementSegment& seg) {
        const size_t at = s.offset();
        uint32_t flags;
        if (!s.u32(flags)) return false;
        if (flags > 7)
            return s.fail_at(at, "malformed elements segment kind " + std::to_string(flags));
        const bool passive_or_declarative = flags & 1;
        const bool explicit_table = (flags & 3) == 2;
        const bool uses_exprs = flags & 4;
        if (passive_or_declarative)
            seg.mode = (flags & 2) ? SegmentMode::Declarative : SegmentMode::Passive;
        else
            seg.mode = SegmentMode::Active;
        if (explicit_table && !s.u32(seg.table)) return false;
        if (seg.mode == SegmentMode::Active && !read_const_expr(s, seg.offset)) return false;
        // Flags 0 and 4 imply funcref; the others spell out an element kind or type.
        seg.type = ValType::FuncRef;
        if (flags != 0 && flags != 4) {
            if (uses_exprs) {
                if (!read_ref_type(s, seg.type)) return false;
            } else {
                const size_t kind_at = s.offset();
                uint8_t kind;
                if (!s.u8(kind)) return false;
                if (kind != 0x00) return s.fail_at(kind_at, "malformed element kind " + hex(kind));
            }
        }
        uint32_t n;
        if (!read_count(s, n, "elements")) return false;
        seg.items.resize(n);
        for (ConstExpr& item : seg.items) {
            if (uses_exprs) {
                if (!read_const_expr(s, item)) return false;
            } else {
                item.offset = s.offset();
                uint32_t func;
                if (!s.u32(func)) return false;
                item.instrs.push_back(
                    ConstInstr{ConstInstr::Kind::RefFunc, func, ValType::FuncRef});
            }
        }
        return true;
    }

    bool code_section(ByteReader& s) {
        const size_t at = s.offset();
        uint32_t count;
        if (!read_count(s, count, "function bodies")) return false;
        if (count != declared_funcs_)
            return s.fail_at(at, "function and code section have inconsistent lengths: " +
                                     std::to_string(declared_funcs_) + " functions, " +
                                     std::to_string(count) + " bodies");
        m_.bodies.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
            const size_t size_at = s.offset();
            uint32_t size;
            if (!s.u32(size)) return false;
            if (size > s.remaining())
                return s.fail_at(size_at, "length out of bounds: function body size " +
                                              std::to_string(size) + " but only " +
                                              std::to_string(s.remaining()) + " bytes remain");
            ByteReader body(s.position(), size, s.offset());
            FunctionBody fb;
            if (!function_body(body, fb))
                return s.fail_at(body.error().offset, body.error().message);
            m_.bodies.push_back(std::move(fb));
            s.skip(size);
        }
        return true;
    }

    bool function_body(ByteReader& b, FunctionBody& fb) {
        uint32_t groups;
        if (!read_count(b, groups, "local groups")) return false;
        fb.locals.reserve(groups);
        uint64_t total = 0; // 64 bits: the sum of 32-bit counts cannot wrap before the check
        for (uint32_t i = 0; i < groups; ++i) {
            const size_t at = b.offset();
            LocalGroup group;
            if (!b.u32(group.count) || !read_val_type(b, group.type)) return false;
            total += group.count;
            if (total > kMaxFunctionLocals)
                return b.fail_at(at, "too many locals: more than " +
                                         std::to_string(kMaxFunctionLocals));
            fb.locals.push_back(group);
        }
        fb.num_locals = uint32_t(total);
        fb.code_offset = b.offset();
        fb.code_end = b.offset() + b.remaining();
        // The instructions are decoded elsewhere, but an expression always ends with `end`
        // and the body's size must end exactly there, so its last byte must be 0x0B.
        if (b.at_end()) return b.fail("unexpected end of function body: missing 'end'");
        if (m_.bytes[fb.code_end - 1] != 0x0B)
            return b.fail_at(fb.code_end - 1, "function body must end with the 'end' opcode");
        b.skip(b.remaining());
        return true;
    }

    bool data_section(ByteReader& s) {
        const size_t at = s.offset();
        uint32_t count;
        if (!read_count(s, count, "data segments")) return false;
        if (m_.data_count && *m_.data_count != count)
            return s.fail_at(at,
                             "data count and data section have inconsistent lengths: data count " +
                                 std::to_string(*m_.data_count) + ", " + std::to_string(count) +
                                 " segments");
        seen_data_ = true;
        m_.data.reserve(count);
        for (uint32_t i = 0; i < count; ++i) {
            DataSegment seg;
            if (!data_segment(s, seg)) return false;
            m_.data.push_back(std::move(seg));
        }
        return true;
    }

    bool data_segment(ByteReader& s, DataSegment& seg) {
        const size_t at = s.offset();
        uint32_t flags;
        if (!s.u32(flags)) return false;
        switch (flags) {
        case 0: seg.mode = SegmentMode::Active; break;
        case 1: seg.mode = SegmentMode::Passive; break;
        case 2:
            seg.mode = SegmentMode::Active;
            if (!s.u32(seg.memory)) return false;
            break;
        default: return s.fail_at(at, "malformed data segment kind " + std::to_string(flags));
        }
        if (seg.mode == SegmentMode::Active && !read_const_expr(s, seg.offset)) return false;
        const size_t size_at = s.offset();
        if (!s.u32(seg.size)) return false;
        if (seg.size > s.remaining())
            return s.fail_at(size_at, "unexpected end of section: data segment size " +
                                          std::to_string(seg.size) + " but only " +
                                          std::to_string(s.remaining()) + " bytes remain");
        seg.bytes_offset = s.offset();
        return s.skip(seg.size);
    }

    ModuleInfo& m_;
    ByteReader r_; // the whole module
    Error error_;
    int last_rank_ = 0;
    uint8_t last_id_ = 0;
    uint32_t declared_funcs_ = 0;
    bool seen_data_ = false;
    bool seen_names_ = false;
};

} // namespace

Result<ModuleInfo> decode_module(std::span<const uint8_t> bytes) {
    ModuleInfo m;
    m.bytes.assign(bytes.begin(), bytes.end());
    Decoder decoder(m);
    if (auto r = decoder.run(); !r) return r.error();
    return Result<ModuleInfo>(std::move(m));
}

} // namespace tycho::wasm
