#include "values.h"

#include <charconv>
#include <cstdio>
#include <limits>

namespace tycho::spec {

using wasm::ValType;
using wasm::Value;

namespace {

ValType parse_type(const std::string& name) {
    if (name == "i32") return ValType::I32;
    if (name == "i64") return ValType::I64;
    if (name == "f32") return ValType::F32;
    if (name == "f64") return ValType::F64;
    if (name == "externref") return ValType::ExternRef;
    if (name == "funcref") return ValType::FuncRef;
    throw Malformed("unsupported value type \"" + name + "\"");
}

bool is_32bit(ValType type) {
    return type == ValType::I32 || type == ValType::F32;
}

// The unsigned decimal bit pattern of a number of `type`.
uint64_t parse_bits(ValType type, const std::string& text) {
    uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end)
        throw Malformed(std::string("invalid ") + type_name(type) + " value \"" + text + "\"");
    if (is_32bit(type) && value > std::numeric_limits<uint32_t>::max())
        throw Malformed(std::string(type_name(type)) + " value out of range: " + text);
    return value;
}

// `ref.extern N` for a literal N.
uint64_t parse_extern_payload(const std::string& text) {
    uint64_t n = parse_bits(ValType::I64, text);
    if (extern_payload(n) == 0) throw Malformed("externref value too large: " + text);
    return extern_payload(n);
}

// The "value" member, or nullptr when there is none.
const std::string* value_text(const Json& json) {
    const Json* value = json.find("value");
    if (!value) return nullptr;
    if (!value->as_string()) throw Malformed("\"value\" is not a string");
    return value->as_string();
}

std::string hex(uint64_t bits) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(bits));
    return buf;
}

template <class F> std::string float_text(F value) {
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return ec == std::errc() ? std::string(buf, ptr) : std::string("?");
}

} // namespace

const char* type_name(ValType type) {
    switch (type) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
    }
    return "?";
}

const std::string& string_member(const Json& object, std::string_view key) {
    if (!object.as_object()) throw Malformed("expected an object");
    const Json* member = object.find(key);
    if (!member) throw Malformed("missing \"" + std::string(key) + "\"");
    if (!member->as_string()) throw Malformed("\"" + std::string(key) + "\" is not a string");
    return *member->as_string();
}

Value parse_value(const Json& json) {
    ValType type = parse_type(string_member(json, "type"));
    const std::string* text = value_text(json);
    if (!text) throw Malformed(std::string(type_name(type)) + " argument without a value");
    switch (type) {
    case ValType::ExternRef:
        if (*text == "null") return Value::null(type);
        return Value::externref(parse_extern_payload(*text));
    case ValType::FuncRef:
        // The text format has no way to pass a particular function as an argument.
        if (*text == "null") return Value::null(type);
        throw Malformed("funcref argument \"" + *text + "\" (only null is supported)");
    default: return Value{type, parse_bits(type, *text)};
    }
}

Expected parse_expected(const Json& json) {
    Expected e;
    e.type = parse_type(string_member(json, "type"));
    const std::string* text = value_text(json);
    bool is_float = e.type == ValType::F32 || e.type == ValType::F64;
    if (wasm::is_ref(e.type)) {
        if (!text) {
            e.kind = Expected::Kind::NonNullRef;
        } else if (*text == "null") {
            e.bits = 0;
        } else if (e.type == ValType::ExternRef) {
            e.bits = parse_extern_payload(*text);
        } else {
            throw Malformed("expected funcref \"" + *text + "\" (only null or any is supported)");
        }
    } else if (!text) {
        throw Malformed(std::string("expected ") + type_name(e.type) + " without a value");
    } else if (is_float && *text == "nan:canonical") {
        e.kind = Expected::Kind::CanonicalNan;
    } else if (is_float && *text == "nan:arithmetic") {
        e.kind = Expected::Kind::ArithmeticNan;
    } else {
        e.bits = parse_bits(e.type, *text);
    }
    return e;
}

bool matches(const Expected& expected, const Value& actual) {
    if (actual.type != expected.type) return false;
    // i32 and f32 live in the low half; what the engine leaves above is not the value.
    uint64_t bits = is_32bit(actual.type) ? uint32_t(actual.bits) : actual.bits;
    bool f32 = actual.type == ValType::F32;
    uint64_t exponent_and_quiet = f32 ? 0x7fc00000 : 0x7ff8000000000000;
    uint64_t magnitude = f32 ? 0x7fffffff : 0x7fffffffffffffff;
    switch (expected.kind) {
    case Expected::Kind::Bits: return bits == expected.bits;
    case Expected::Kind::CanonicalNan: return (bits & magnitude) == exponent_and_quiet;
    case Expected::Kind::ArithmeticNan: return (bits & exponent_and_quiet) == exponent_and_quiet;
    case Expected::Kind::NonNullRef: return bits != 0;
    }
    return false;
}

std::string describe(const Value& value) {
    std::string prefix = std::string(type_name(value.type)) + ":";
    switch (value.type) {
    case ValType::I32: return prefix + std::to_string(value.as_i32());
    case ValType::I64: return prefix + std::to_string(value.as_i64());
    case ValType::F32:
        return prefix + float_text(value.as_f32()) + " (" + hex(uint32_t(value.bits)) + ")";
    case ValType::F64: return prefix + float_text(value.as_f64()) + " (" + hex(value.bits) + ")";
    case ValType::ExternRef:
        if (value.is_null()) return "ref.null extern";
        return "ref.extern " + std::to_string(value.bits - 1);
    case ValType::FuncRef: return value.is_null() ? "ref.null func" : "ref.func (non-null)";
    default: return prefix + hex(value.bits);
    }
}

std::string describe(const Expected& expected) {
    std::string prefix = std::string(type_name(expected.type)) + ":";
    switch (expected.kind) {
    case Expected::Kind::CanonicalNan: return prefix + "nan:canonical";
    case Expected::Kind::ArithmeticNan: return prefix + "nan:arithmetic";
    case Expected::Kind::NonNullRef:
        return expected.type == ValType::FuncRef ? "any ref.func" : "any non-null externref";
    case Expected::Kind::Bits: break;
    }
    return describe(Value{expected.type, expected.bits});
}

} // namespace tycho::spec
