#include "host/timeouts.h"

#include <algorithm>

namespace tycho::host {

std::chrono::steady_clock::time_point deadline_after(uint64_t millis) {
    using Clock = std::chrono::steady_clock;
    const auto now = Clock::now();
    // Far-future durations saturate instead of overflowing the clock's representation.
    constexpr uint64_t kMaxMillis = uint64_t(100) * 365 * 24 * 3600 * 1000;
    return now + std::chrono::milliseconds(std::min(millis, kMaxMillis));
}

std::optional<std::chrono::steady_clock::time_point> timeout_deadline(int64_t timeout) {
    if (uint64_t(timeout) == UINT64_MAX) return std::nullopt;
    return deadline_after(uint64_t(timeout));
}

} // namespace tycho::host
