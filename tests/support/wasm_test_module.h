// A minimal encoder of Wasm binaries for tests that need many variations of one small
// module (one function per access form, one per host function and argument pattern)
// rather than a fixed file under testdata/. Only what those tests use: imported functions,
// functions with i32 and i64 locals, one memory, exports, a start function and one active
// data segment.
#pragma once

#include <tycho/wasm/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tycho::wasm::test {

// Instruction bytes, with the LEB128 encodings the binary format uses.
struct Code {
    std::vector<uint8_t> bytes;

    Code& op(uint8_t opcode) {
        bytes.push_back(opcode);
        return *this;
    }
    Code& u32(uint64_t v) { // unsigned LEB128
        do {
            uint8_t b = v & 0x7f;
            v >>= 7;
            bytes.push_back(v ? uint8_t(b | 0x80) : b);
        } while (v);
        return *this;
    }
    Code& s64(int64_t v) { // signed LEB128
        for (;;) {
            uint8_t b = v & 0x7f;
            v >>= 7; // arithmetic shift
            bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
            bytes.push_back(done ? b : uint8_t(b | 0x80));
            if (done) return *this;
        }
    }
    Code& raw(uint64_t little_endian, int n) {
        for (int i = 0; i < n; ++i)
            bytes.push_back(uint8_t(little_endian >> (8 * i)));
        return *this;
    }
    Code& name(std::string_view text) {
        u32(text.size());
        bytes.insert(bytes.end(), text.begin(), text.end());
        return *this;
    }
    Code& append(const Code& other) {
        bytes.insert(bytes.end(), other.bytes.begin(), other.bytes.end());
        return *this;
    }

    Code& local_get(uint32_t i) { return op(0x20).u32(i); }
    Code& local_set(uint32_t i) { return op(0x21).u32(i); }
    Code& i32_const(int32_t v) { return op(0x41).s64(v); }
    Code& i64_const(int64_t v) { return op(0x42).s64(v); }
    Code& f32_const_bits(uint32_t bits) { return op(0x43).raw(bits, 4); }
    Code& f64_const_bits(uint64_t bits) { return op(0x44).raw(bits, 8); }
    Code& call(uint32_t f) { return op(0x10).u32(f); }
    Code& drop() { return op(0x1a); }
    Code& memory_grow() { return op(0x40).u32(0); }
    // A load or store: opcode, alignment (log2) and static offset.
    Code& memory_access(uint8_t opcode, uint32_t align, uint32_t offset) {
        return op(opcode).u32(align).u32(offset);
    }
};

struct TestFunction {
    std::string export_name; // "" leaves the function unexported
    std::vector<ValType> params;
    std::vector<ValType> results;
    uint32_t i32_locals = 0; // declared locals, after the params
    Code body;               // without the final `end`
    uint32_t i64_locals = 0; // declared locals, after the i32 ones
};

struct TestImport {
    std::string module;
    std::string name;
    FuncType type;
};

struct TestModule {
    uint32_t min_pages = 1;
    uint32_t max_pages = 1;
    bool export_memory = true;           // as "memory"
    std::vector<TestImport> imports;     // functions 0 .. imports.size() - 1
    std::vector<TestFunction> functions; // function imports.size() + i is functions[i]
    std::optional<uint32_t> start;       // index of the start function, if any
    uint32_t data_offset = 0;            // an active segment for memory 0, when data is set
    std::vector<uint8_t> data;

    std::vector<uint8_t> encode() const {
        Code out;
        out.raw(0x6d736100, 4).raw(1, 4); // "\0asm", version 1
        auto section = [&out](uint8_t id, const Code& content) {
            out.op(id).u32(content.bytes.size()).append(content);
        };
        auto value_type = [](ValType t) -> uint8_t {
            switch (t) {
            case ValType::I32: return 0x7f;
            case ValType::I64: return 0x7e;
            case ValType::F32: return 0x7d;
            case ValType::F64: return 0x7c;
            default: return 0x7f; // references are not needed here
            }
        };

        auto func_type = [&value_type](Code& into, const std::vector<ValType>& params,
                                       const std::vector<ValType>& results) {
            into.op(0x60).u32(params.size());
            for (ValType t : params)
                into.op(value_type(t));
            into.u32(results.size());
            for (ValType t : results)
                into.op(value_type(t));
        };

        // Type i is import i's, then type imports.size() + i is function i's.
        Code types, import_section, funcs, exports, code;
        types.u32(imports.size() + functions.size());
        import_section.u32(imports.size());
        for (uint32_t i = 0; i < imports.size(); ++i) {
            func_type(types, imports[i].type.params, imports[i].type.results);
            import_section.name(imports[i].module).name(imports[i].name).op(0x00).u32(i);
        }
        funcs.u32(functions.size());
        code.u32(functions.size());
        Code export_entries;
        uint32_t export_count = 0;
        for (uint32_t i = 0; i < functions.size(); ++i) {
            const TestFunction& f = functions[i];
            const uint32_t index = uint32_t(imports.size()) + i;
            func_type(types, f.params, f.results);
            funcs.u32(index);
            if (!f.export_name.empty()) {
                export_entries.name(f.export_name).op(0x00).u32(index);
                ++export_count;
            }
            Code body;
            body.u32((f.i32_locals ? 1 : 0) + (f.i64_locals ? 1 : 0));
            if (f.i32_locals) body.u32(f.i32_locals).op(0x7f);
            if (f.i64_locals) body.u32(f.i64_locals).op(0x7e);
            body.append(f.body).op(0x0b);
            code.u32(body.bytes.size()).append(body);
        }
        if (export_memory) {
            export_entries.name("memory").op(0x02).u32(0);
            ++export_count;
        }
        exports.u32(export_count).append(export_entries);
        Code memory;
        memory.u32(1).op(0x01).u32(min_pages).u32(max_pages);

        section(1, types);
        if (!imports.empty()) section(2, import_section);
        section(3, funcs);
        section(5, memory);
        section(7, exports);
        if (start) section(8, Code{}.u32(*start));
        section(10, code);
        if (!data.empty()) {
            Code segments;
            segments.u32(1).u32(0).i32_const(int32_t(data_offset)).op(0x0b).u32(data.size());
            segments.bytes.insert(segments.bytes.end(), data.begin(), data.end());
            section(11, segments);
        }
        return out.bytes;
    }
};

} // namespace tycho::wasm::test
