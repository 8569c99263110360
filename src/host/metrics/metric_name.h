// How a guest's metric name (any UTF-8 string, lunatic-abi.md §26) becomes a Prometheus
// metric name, as the common exporters do it:
//   - every character outside [a-zA-Z0-9_] becomes '_' (one per character, so "héllo" is
//     "h_llo"; ':' too, as Prometheus keeps colons for recording rules: "app::hits" is
//     "app__hits");
//   - a name starting with a digit gets a '_' in front ("5xx" is "_5xx");
//   - counters end in "_total" (added unless the name already ends so);
//   - then names in the exporter's own namespaces (tycho_..., exposer_...) and those
//     Prometheus reserves (__...) get "guest_" in front, so a guest cannot pose as (or
//     collide with) the runtime's metrics.
// The empty name has no Prometheus form; callers refuse it.
#pragma once

#include <string>
#include <string_view>

namespace tycho::host {

enum class MetricKind : unsigned char { counter, gauge, histogram };

// The Prometheus name of the metric family a guest's `name` of `kind` records into.
std::string prometheus_metric_name(std::string_view name, MetricKind kind);

} // namespace tycho::host
