// Why a WebAssembly computation stopped abnormally. Returned as a value on the hot path.
#pragma once

#include <cstdint>

namespace tycho::wasm {

enum class TrapCode : uint8_t {
    None = 0,
    Unreachable,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
    OutOfBoundsMemoryAccess,
    OutOfBoundsTableAccess,
    UndefinedElement,
    UninitializedElement,
    IndirectCallTypeMismatch,
    CallStackExhausted,
    HostTrap,    // a host function trapped; Trap::message says why
    Interrupted, // the reduction hook asked to stop; Trap::message says why
};

// The spec's wording for a trap ("integer divide by zero", ...).
const char* trap_message(TrapCode code);

} // namespace tycho::wasm
