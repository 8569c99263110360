// Durations in the ABI are u64 milliseconds (lunatic-abi.md §5); every waiting host
// function converts them here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace tycho::host {

// `millis` from now, saturating far-future durations.
std::chrono::steady_clock::time_point deadline_after(uint64_t millis);
// A timeout argument: u64::MAX means none.
std::optional<std::chrono::steady_clock::time_point> timeout_deadline(int64_t timeout);

} // namespace tycho::host
