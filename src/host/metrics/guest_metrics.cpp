#include "host/metrics/guest_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>

namespace tycho::host {

namespace {

template <class T> constexpr MetricKind kind_of();
template <> constexpr MetricKind kind_of<prometheus::Counter>() {
    return MetricKind::counter;
}
template <> constexpr MetricKind kind_of<prometheus::Gauge>() {
    return MetricKind::gauge;
}
template <> constexpr MetricKind kind_of<prometheus::Histogram>() {
    return MetricKind::histogram;
}

const char* help_of(MetricKind kind) {
    switch (kind) {
    case MetricKind::counter: return "A counter a guest records (lunatic::metrics::counter).";
    case MetricKind::gauge: return "A gauge a guest records (lunatic::metrics::gauge).";
    case MetricKind::histogram: return "A histogram a guest records (lunatic::metrics::histogram).";
    }
    return "";
}

// The names a family of `kind` writes in the text format, itself included.
std::vector<std::string> sample_names(const std::string& family, MetricKind kind) {
    if (kind != MetricKind::histogram) return {family};
    return {family, family + "_bucket", family + "_sum", family + "_count"};
}

// An estimate of what one series costs the host: prometheus-cpp's family and metric, the
// map entries here, and the names in each (a histogram holds one counter per bucket).
uint64_t series_bytes(const std::string& family, MetricKind kind) {
    const uint64_t names = family.size() * (kind == MetricKind::histogram ? 10 : 4);
    if (kind != MetricKind::histogram) return 512 + names;
    return 1024 + 64 * (GuestMetrics::histogram_buckets().size() + 1) + names;
}

// At most this much of a refused name goes into the warning (sanitised: one line).
constexpr size_t kWarnedNameBytes = 64;

} // namespace

const char* GuestMetrics::label_of(Drop reason) {
    switch (reason) {
    case Drop::name_length: return "name_length";
    case Drop::series_limit: return "series_limit";
    case Drop::memory_budget: return "memory_budget";
    case Drop::name_conflict: return "name_conflict";
    }
    return "";
}

const std::vector<double>& GuestMetrics::histogram_buckets() {
    static const std::vector<double> buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                0.5,   1,    2.5,   5,    10};
    return buckets;
}

GuestMetrics::GuestMetrics(runtime::MemoryBudget& budget, Limits limits, Warn warn)
    : budget_(budget), limits_(limits), warn_(std::move(warn)),
      registry_(std::make_shared<prometheus::Registry>()) {}

GuestMetrics::~GuestMetrics() {
    budget_.release(charged_);
}

std::shared_ptr<prometheus::Collectable> GuestMetrics::collectable() const {
    return registry_;
}

size_t GuestMetrics::series() const {
    std::shared_lock guard(lock_);
    return series_.size();
}

uint64_t GuestMetrics::charged_bytes() const {
    std::shared_lock guard(lock_);
    return charged_;
}

void GuestMetrics::drop(Drop reason, std::string_view name) {
    dropped_[size_t(reason)].fetch_add(1, std::memory_order_relaxed);
    if (warned_.exchange(true, std::memory_order_relaxed) || !warn_) return;
    std::string why;
    switch (reason) {
    case Drop::name_length:
        why =
            "its name is empty or longer than " + std::to_string(limits_.max_name_bytes) + " bytes";
        break;
    case Drop::series_limit:
        why = "the limit of " + std::to_string(limits_.max_series) + " series is reached";
        break;
    case Drop::memory_budget: why = "the runtime's memory budget is used up"; break;
    case Drop::name_conflict: why = "its name is taken by a metric of another kind"; break;
    }
    const std::string shown =
        name.empty() ? ""
                     : prometheus_metric_name(name.substr(0, kWarnedNameBytes), MetricKind::gauge);
    warn_("guest metric '" + shown + "' ignored: " + why +
          " (further ones are only counted, in tycho_guest_metrics_dropped_total)");
}

template <class T> T* GuestMetrics::find_or_add(std::string_view name) {
    if (name.empty() || name.size() > limits_.max_name_bytes) {
        drop(Drop::name_length, name);
        return nullptr;
    }
    const std::string family = prometheus_metric_name(name, kind_of<T>());
    {
        std::shared_lock guard(lock_);
        if (auto found = series_.find(family); found != series_.end()) {
            if (T* const* metric = std::get_if<T*>(&found->second)) return *metric;
            guard.unlock();
            drop(Drop::name_conflict, name);
            return nullptr;
        }
    }
    std::unique_lock guard(lock_);
    if (auto found = series_.find(family); found != series_.end()) { // added meanwhile
        if (T* const* metric = std::get_if<T*>(&found->second)) return *metric;
        guard.unlock();
        drop(Drop::name_conflict, name);
        return nullptr;
    }
    std::optional<Drop> refused;
    const std::vector<std::string> samples = sample_names(family, kind_of<T>());
    const uint64_t bytes = series_bytes(family, kind_of<T>());
    if (series_.size() >= limits_.max_series) {
        refused = Drop::series_limit;
    } else if (std::any_of(samples.begin(), samples.end(),
                           [&](const std::string& sample) { return taken_.contains(sample); })) {
        refused = Drop::name_conflict;
    } else if (!budget_.try_charge(bytes)) {
        refused = Drop::memory_budget;
    }
    T* metric = nullptr;
    if (!refused) {
        metric = add<T>(family, refused);
        if (!metric) budget_.release(bytes);
    }
    if (refused) {
        guard.unlock();
        drop(*refused, name);
        return nullptr;
    }
    charged_ += bytes;
    series_.emplace(family, metric);
    taken_.insert(samples.begin(), samples.end());
    return metric;
}

// Registers the family and its one (unlabelled) metric; nullptr (and `refused` set) when
// prometheus-cpp refuses: it throws for invalid or duplicate names, which metric_name.h and
// the checks above exclude, and when memory runs out. Called with lock_ held exclusively.
template <class T> T* GuestMetrics::add(const std::string& family, std::optional<Drop>& refused) {
    try {
        if constexpr (std::is_same_v<T, prometheus::Counter>)
            return &prometheus::BuildCounter()
                        .Name(family)
                        .Help(help_of(MetricKind::counter))
                        .Register(*registry_)
                        .Add({});
        else if constexpr (std::is_same_v<T, prometheus::Gauge>)
            return &prometheus::BuildGauge()
                        .Name(family)
                        .Help(help_of(MetricKind::gauge))
                        .Register(*registry_)
                        .Add({});
        else
            return &prometheus::BuildHistogram()
                        .Name(family)
                        .Help(help_of(MetricKind::histogram))
                        .Register(*registry_)
                        .Add({}, histogram_buckets());
    } catch (const std::invalid_argument&) {
        refused = Drop::name_conflict;
    } catch (const std::bad_alloc&) {
        refused = Drop::memory_budget;
    }
    return nullptr;
}

void GuestMetrics::add_to_counter(std::string_view name, uint64_t value) {
    if (auto* counter = find_or_add<prometheus::Counter>(name)) counter->Increment(double(value));
}

void GuestMetrics::set_gauge(std::string_view name, double value) {
    if (auto* gauge = find_or_add<prometheus::Gauge>(name)) gauge->Set(value);
}

void GuestMetrics::add_to_gauge(std::string_view name, double value) {
    if (auto* gauge = find_or_add<prometheus::Gauge>(name)) gauge->Increment(value);
}

void GuestMetrics::subtract_from_gauge(std::string_view name, double value) {
    if (auto* gauge = find_or_add<prometheus::Gauge>(name)) gauge->Decrement(value);
}

void GuestMetrics::observe(std::string_view name, double value) {
    if (auto* histogram = find_or_add<prometheus::Histogram>(name)) histogram->Observe(value);
}

} // namespace tycho::host
