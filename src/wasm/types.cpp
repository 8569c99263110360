// Printable names for the type vocabulary, errors and trap codes.
#include <tycho/wasm/result.h>
#include <tycho/wasm/trap_code.h>
#include <tycho/wasm/types.h>

#include <cstdio>

namespace tycho::wasm {

const char* to_string(ValType type) {
    switch (type) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
    }
    return "<invalid type>";
}

const char* to_string(ExternKind kind) {
    switch (kind) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
    }
    return "<invalid kind>";
}

namespace {
void append_types(std::string& out, const std::vector<ValType>& types) {
    out += '[';
    for (size_t i = 0; i < types.size(); ++i) {
        if (i != 0) out += ' ';
        out += to_string(types[i]);
    }
    out += ']';
}
} // namespace

std::string FuncType::to_string() const {
    std::string out;
    append_types(out, params);
    out += " -> ";
    append_types(out, results);
    return out;
}

std::string Error::to_string() const {
    if (offset == npos) return message;
    char buf[32];
    std::snprintf(buf, sizeof buf, " at offset 0x%zx", offset);
    return message + buf;
}

const char* trap_message(TrapCode code) {
    switch (code) {
    case TrapCode::None: return "no trap";
    case TrapCode::Unreachable: return "unreachable";
    case TrapCode::IntegerDivideByZero: return "integer divide by zero";
    case TrapCode::IntegerOverflow: return "integer overflow";
    case TrapCode::InvalidConversionToInteger: return "invalid conversion to integer";
    case TrapCode::OutOfBoundsMemoryAccess: return "out of bounds memory access";
    case TrapCode::OutOfBoundsTableAccess: return "out of bounds table access";
    case TrapCode::UndefinedElement: return "undefined element";
    case TrapCode::UninitializedElement: return "uninitialized element";
    case TrapCode::IndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapCode::CallStackExhausted: return "call stack exhausted";
    case TrapCode::HostTrap: return "host trap";
    case TrapCode::Interrupted: return "interrupted";
    }
    return "unknown trap";
}

} // namespace tycho::wasm
