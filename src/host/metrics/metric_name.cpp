#include "host/metrics/metric_name.h"

#include <array>

namespace tycho::host {

namespace {

// The runtime's, prometheus-cpp's exposer's, and Prometheus's own (for internal use).
constexpr std::array<std::string_view, 3> kReservedPrefixes = {"tycho_", "exposer_", "__"};
constexpr std::string_view kGuestPrefix = "guest_";
constexpr std::string_view kCounterSuffix = "_total";

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_continuation_byte(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

} // namespace

std::string prometheus_metric_name(std::string_view name, MetricKind kind) {
    std::string sanitised;
    sanitised.reserve(name.size() + kGuestPrefix.size() + kCounterSuffix.size() + 1);
    for (char c : name) {
        if (is_name_char(c))
            sanitised += c;
        else if (!is_continuation_byte(c)) // one '_' per character, not per byte
            sanitised += '_';
    }
    if (sanitised.empty() || (sanitised[0] >= '0' && sanitised[0] <= '9'))
        sanitised.insert(sanitised.begin(), '_');
    if (kind == MetricKind::counter && !sanitised.ends_with(kCounterSuffix))
        sanitised += kCounterSuffix;
    // Last: the suffix may make a reserved prefix ("_" becomes "__total").
    for (std::string_view reserved : kReservedPrefixes) {
        if (sanitised.starts_with(reserved)) {
            sanitised.insert(0, kGuestPrefix);
            break;
        }
    }
    return sanitised;
}

} // namespace tycho::host
