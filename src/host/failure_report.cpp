#include "host/failure_report.h"

#include <cctype>

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

std::optional<LogLevel> parse_log_level(std::string_view name) {
    std::string lower(name);
    for (char& c : lower)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "error") return LogLevel::error;
    if (lower == "warn") return LogLevel::warn;
    if (lower == "info") return LogLevel::info;
    if (lower == "debug") return LogLevel::debug;
    return std::nullopt;
}

ReportDetail report_detail(LogLevel level, Ending ending) {
    if (ending == Ending::crashed || level == LogLevel::debug) return ReportDetail::full;
    // The level from which a deliberate end gets its one line.
    const LogLevel line_from = ending == Ending::exited ? LogLevel::warn : LogLevel::info;
    return level >= line_from ? ReportDetail::line : ReportDetail::none;
}

namespace {

bool same_frame(const wasm::BacktraceFrame& a, const wasm::BacktraceFrame& b) {
    return a.func_index == b.func_index && a.func_name == b.func_name;
}

void append_frame(std::string& out, const wasm::BacktraceFrame& frame, size_t count) {
    out += "    at ";
    out += frame.func_name.empty() ? "<unnamed>" : frame.func_name;
    out += " (function " + std::to_string(frame.func_index) + ")";
    if (count > 1) out += " × " + std::to_string(count);
    out += "\n";
}

} // namespace

std::string format_backtrace(std::span<const wasm::BacktraceFrame> frames) {
    std::string out;
    if (frames.empty()) return out;
    append_frame(out, frames.front(), 1);
    if (frames.size() == 1) return out;
    const auto middle = frames.subspan(1, frames.size() - 2);
    for (size_t i = 0; i < middle.size();) {
        size_t run = 1;
        while (i + run < middle.size() && same_frame(middle[i + run], middle[i]))
            ++run;
        append_frame(out, middle[i], run);
        i += run;
    }
    append_frame(out, frames.back(), 1);
    return out;
}

std::string FailureReport::format(ReportDetail detail) const {
    if (detail == ReportDetail::none) return "";
    std::string out = "tycho: process " + std::to_string(process_id);
    if (registered_name) out += " (registered as \"" + *registered_name + "\")";
    if (!module_name.empty()) out += " [" + module_name + "]";
    out += ending == Ending::crashed ? " failed: " : " ended: ";
    out += reason + "\n";
    if (detail == ReportDetail::line) return out;
    out += format_backtrace(backtrace);
    if (!hint.empty()) out += "  hint: " + hint + "\n";
    return out;
}

} // namespace tycho::host
