// The report printed when a process fails (a trap, a host-function trap, a bad entry, a
// non-zero exit, a kill): who failed, why, where in the guest, and a hint when the cause is
// obvious from the trap; and how much of it each log level shows.
//
// As in Erlang, crashes are logged and deliberate ends are not: a kill, a death caused by a
// linked process, or a non-zero proc_exit is a failure for the process's links and monitors,
// but at the default level it prints nothing.
#pragma once

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tycho::host {

// How much Tycho says about processes that fail (tycho run --log-level, TYCHO_LOG).
enum class LogLevel : uint8_t {
    error, // crashes: full reports (the default)
    warn,  // also one line per non-zero exit
    info,  // also one line per process ended by a kill or a linked process's failure
    debug, // full reports of all of them
};
inline constexpr const char* kLogLevelNames = "error, warn, info, debug";
// "error", "warn", "info" or "debug" in any case; nullopt for anything else.
std::optional<LogLevel> parse_log_level(std::string_view name);

// How a failed process ended.
enum class Ending : uint8_t {
    crashed,   // a trap (running out of fuel included), or an entry that cannot be called
    exited,    // proc_exit with a non-zero status: deliberate
    killed,    // lunatic::process::kill: deliberate, by another process
    link_died, // a linked process failed (the report's reason names it)
};

enum class ReportDetail : uint8_t { none, line, full };
// How much of the report of a process that ended so is shown at `level`.
ReportDetail report_detail(LogLevel level, Ending ending);

struct FailureReport {
    uint64_t process_id = 0;
    std::optional<std::string> registered_name;
    std::string module_name; // the file name for the root module, "" otherwise
    std::string reason;      // the trap message, or what ended the process
    Ending ending = Ending::crashed;
    wasm::TrapCode code = wasm::TrapCode::None;
    std::vector<wasm::BacktraceFrame> backtrace; // innermost first
    std::string hint;                            // "" when there is none

    // The first line only, or the whole report (several lines); each line ends in a
    // newline. "" for ReportDetail::none.
    std::string format(ReportDetail detail = ReportDetail::full) const;
};

// "    at NAME (function N)" lines, innermost frame first. A run of identical consecutive
// frames (deep recursion) is folded into one "    at NAME (function N) × COUNT" line;
// the first and the last frame are always shown on lines of their own.
std::string format_backtrace(std::span<const wasm::BacktraceFrame> frames);

// A hint for a trap, or "" when the trap speaks for itself.
std::string hint_for(wasm::TrapCode code, const std::string& message);

} // namespace tycho::host
