// Values as wast2json writes them: {"type": "i32", "value": "<decimal bit pattern>"}, with
// "nan:canonical"/"nan:arithmetic" for expected floats and "null" or a number for references.
#pragma once

#include "json.h"

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace tycho::spec {

// Thrown when a command's JSON does not have the shape the runner expects; the runner
// reports it as a failure of that command.
struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The value of `key` in `object` when it is a string; throws Malformed otherwise.
const std::string& string_member(const Json& object, std::string_view key);

// An argument of an action. Throws Malformed for unknown types or unparsable values.
wasm::Value parse_value(const Json& json);

// One expected result of assert_return.
struct Expected {
    enum class Kind : uint8_t {
        Bits,          // exactly `bits` (for references: the RefBits)
        CanonicalNan,  // exponent all ones, payload exactly the top mantissa bit, any sign
        ArithmeticNan, // exponent all ones, top mantissa bit set, any sign
        NonNullRef,    // any non-null reference of `type`
    };
    wasm::ValType type = wasm::ValType::I32;
    Kind kind = Kind::Bits;
    uint64_t bits = 0;
};

// Throws Malformed for unknown types or unparsable values.
Expected parse_expected(const Json& json);

bool matches(const Expected& expected, const wasm::Value& actual);

// Human-readable forms for failure messages, e.g. "i32:-1", "f32:nan:0x7fc00000".
std::string describe(const wasm::Value& value);
std::string describe(const Expected& expected);
const char* type_name(wasm::ValType type);

// Maps the testsuite's `ref.extern N` to a non-zero payload (0 stays null) and back.
inline wasm::RefBits extern_payload(uint64_t n) {
    return wasm::RefBits(n + 1);
}

} // namespace tycho::spec
