#include "host/failure_report.h"

namespace tycho::host {

std::string hint_for(wasm::TrapCode code, const std::string& message) {
    using wasm::TrapCode;
    switch (code) {
    case TrapCode::Unreachable:
        return "'unreachable' is what abort(), __builtin_trap() and Rust panics compile to; "
               "look for an assertion or panic message printed just before";
    case TrapCode::OutOfBoundsMemoryAccess:
        return "a load or store outside linear memory: a bad pointer, an index past the end "
               "of an array, or a use after free";
    case TrapCode::CallStackExhausted:
        return "the call stack is too deep: look for unbounded recursion";
    case TrapCode::IntegerDivideByZero: return "a division or remainder by zero";
    case TrapCode::IndirectCallTypeMismatch:
        return "a function pointer was called with the wrong type: a cast between "
               "incompatible function pointer types?";
    case TrapCode::Interrupted:
        if (message.find("fuel") != std::string::npos)
            return "the code used up its max_fuel: raise --max-fuel for the root process or "
                   "--invoke, or max_fuel in the config a process is spawned with (0 = "
                   "unlimited)";
        return "";
    default: break;
    }
    if (message.find("no memory named 'memory'") != std::string::npos)
        return "host functions that take pointers need the module to export its memory as "
               "'memory'";
    return "";
}

std::string FailureReport::format() const {
    std::string out = "tycho: process " + std::to_string(process_id);
    if (registered_name) out += " (registered as \"" + *registered_name + "\")";
    if (!module_name.empty()) out += " [" + module_name + "]";
    out += " failed: " + reason + "\n";
    for (const auto& frame : backtrace) {
        out += "    at ";
        out += frame.func_name.empty() ? "<unnamed>" : frame.func_name;
        out += " (function " + std::to_string(frame.func_index) + ")\n";
    }
    if (!hint.empty()) out += "  hint: " + hint + "\n";
    return out;
}

} // namespace tycho::host
