// The decoded form of a WebAssembly binary: what the decoder produces and the validator,
// compiler and instantiator consume. Function bodies stay as byte ranges into `bytes`;
// the function-body reader decodes them during validation and compilation.
#pragma once

#include <tycho/wasm/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tycho::wasm {

// One instruction of a constant expression. Wasm 2.0 allows exactly one of these kinds
// followed by `end`; the decoder keeps the whole sequence so that the validator can
// report a wrong count or type precisely.
struct ConstInstr {
    enum class Kind : uint8_t {
        I32Const,
        I64Const,
        F32Const,
        F64Const,
        RefNull,
        RefFunc,
        GlobalGet
    };
    Kind kind = Kind::I32Const;
    // The constant's bit pattern (I32/F32 in the low 32 bits), or the function/global index.
    uint64_t value = 0;
    // For RefNull: the reference type.
    ValType ref_type = ValType::FuncRef;
};

struct ConstExpr {
    std::vector<ConstInstr> instrs;
    size_t offset = 0; // byte offset of the expression in the binary, for error messages
};

struct Import {
    std::string module;
    std::string name;
    ExternKind kind = ExternKind::Func;
    uint32_t func_type = 0; // for Func: type index
    TableType table;        // for Table
    MemoryType memory;      // for Memory
    GlobalType global;      // for Global
};

struct Export {
    std::string name;
    ExternKind kind = ExternKind::Func;
    uint32_t index = 0;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElementSegment {
    SegmentMode mode = SegmentMode::Active;
    uint32_t table = 0;
    ConstExpr offset; // Active only
    ValType type = ValType::FuncRef;
    std::vector<ConstExpr> items; // each yields one reference
};

struct DataSegment {
    SegmentMode mode = SegmentMode::Active; // Active or Passive
    uint32_t memory = 0;
    ConstExpr offset;        // Active only
    size_t bytes_offset = 0; // where the payload starts in Module::bytes
    uint32_t size = 0;
};

struct LocalGroup {
    uint32_t count = 0;
    ValType type = ValType::I32;
};

struct FunctionBody {
    std::vector<LocalGroup> locals; // as declared; total fits in uint32 and the engine limit
    uint32_t num_locals = 0;        // sum of the group counts (not counting parameters)
    size_t code_offset = 0;         // first byte of the instruction sequence in Module::bytes
    size_t code_end = 0;            // one past the final `end` opcode
};

// Contents of the custom "name" section; absent entries simply are not there.
struct NameSection {
    std::string module_name;
    std::map<uint32_t, std::string> function_names;
    std::map<uint32_t, std::map<uint32_t, std::string>> local_names;
};

struct ModuleInfo {
    std::vector<uint8_t> bytes; // the original binary; bodies and data refer into it

    std::vector<FuncType> types;
    std::vector<Import> imports;

    // Index spaces: imported entities first, then the module's own definitions.
    std::vector<uint32_t> func_types; // type index of every function
    std::vector<TableType> tables;
    std::vector<MemoryType> memories;
    std::vector<GlobalType> globals;
    uint32_t num_imported_funcs = 0;
    uint32_t num_imported_tables = 0;
    uint32_t num_imported_memories = 0;
    uint32_t num_imported_globals = 0;

    std::vector<ConstExpr> global_inits; // one per defined (non-imported) global
    std::vector<Export> exports;
    std::optional<uint32_t> start;
    std::vector<ElementSegment> elements;
    std::optional<uint32_t> data_count;
    std::vector<DataSegment> data;
    std::vector<FunctionBody> bodies; // one per defined function
    NameSection names;

    const FuncType& func_type(uint32_t func_index) const { return types[func_types[func_index]]; }
    uint32_t num_defined_funcs() const { return uint32_t(func_types.size()) - num_imported_funcs; }
};

} // namespace tycho::wasm
