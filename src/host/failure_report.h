// The report printed when a process fails (a trap, a host-function trap, a bad entry, a
// non-zero exit, a kill): who failed, why, where in the guest, and a hint when the cause is
// obvious from the trap.
#pragma once

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tycho::host {

struct FailureReport {
    uint64_t process_id = 0;
    std::optional<std::string> registered_name;
    std::string module_name; // the file name for the root module, "" otherwise
    std::string reason;      // the trap message, or what ended the process
    wasm::TrapCode code = wasm::TrapCode::None;
    std::vector<wasm::BacktraceFrame> backtrace; // innermost first
    std::string hint;                            // "" when there is none

    // The whole report, several lines, ending in a newline.
    std::string format() const;
};

// A hint for a trap, or "" when the trap speaks for itself.
std::string hint_for(wasm::TrapCode code, const std::string& message);

} // namespace tycho::host
