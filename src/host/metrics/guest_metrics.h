// The metrics guests record with lunatic::metrics (lunatic-abi.md §26): one prometheus-cpp
// registry for the whole runtime, shared by all processes, that an exporter serves.
// Names become Prometheus names as metric_name.h says; there are no labels (the ABI has
// none). A counter adds, a gauge is set or moved, a histogram counts samples into the
// Prometheus client libraries' default buckets (0.005 ... 10, meant for seconds).
//
// A guest must not make the host allocate without bound, so every new series (one name of
// one kind) is checked first, and refused when
//   - the guest's name is empty or longer than Limits::max_name_bytes,
//   - Limits::max_series series exist already,
//   - its estimated size does not fit the runtime-wide memory budget (series live until
//     the runtime ends, so they are charged to the budget itself, not to a process),
//   - its Prometheus name, or one of the sample names it would write (a histogram's
//     _bucket, _sum and _count), is taken by a series of another kind.
// A refused call does nothing (the guest is not told, as with Lunatic, where metrics are
// fire-and-forget); it is counted by reason (dropped()), and the first refusal is reported
// through the `warn` callback, once per registry.
//
// Thread-safe: calls for existing series take a shared lock for the lookup, then update the
// metric (atomically, or under the histogram's own lock).
#pragma once

#include "host/metrics/metric_name.h"
#include "runtime/memory_budget.h"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

namespace prometheus {
class Collectable;
class Counter;
class Gauge;
class Histogram;
class Registry;
} // namespace prometheus

namespace tycho::host {

class GuestMetrics {
  public:
    struct Limits {
        size_t max_series = 1000;
        size_t max_name_bytes = 256; // of the guest's UTF-8 name
    };
    enum class Drop : unsigned char { name_length, series_limit, memory_budget, name_conflict };
    static constexpr std::array<Drop, 4> kDrops = {Drop::name_length, Drop::series_limit,
                                                   Drop::memory_budget, Drop::name_conflict};
    // "name_length", ...: the value of the `reason` label the exporter gives it.
    static const char* label_of(Drop reason);

    using Warn = std::function<void(const std::string& line)>;
    GuestMetrics(runtime::MemoryBudget& budget, Limits limits, Warn warn);
    // Gives back what the series took from the budget.
    ~GuestMetrics();
    GuestMetrics(const GuestMetrics&) = delete;
    GuestMetrics& operator=(const GuestMetrics&) = delete;

    // `name` is the guest's (valid UTF-8) name, before metric_name.h's rules.
    void add_to_counter(std::string_view name, uint64_t value);
    void set_gauge(std::string_view name, double value);
    void add_to_gauge(std::string_view name, double value);
    void subtract_from_gauge(std::string_view name, double value);
    void observe(std::string_view name, double value);

    // The registry, for an exporter to serve.
    std::shared_ptr<prometheus::Collectable> collectable() const;
    size_t series() const;
    uint64_t dropped(Drop reason) const {
        return dropped_[size_t(reason)].load(std::memory_order_relaxed);
    }
    // What the series hold of the memory budget.
    uint64_t charged_bytes() const;

    static const std::vector<double>& histogram_buckets();

  private:
    using Metric = std::variant<prometheus::Counter*, prometheus::Gauge*, prometheus::Histogram*>;
    // The metric of `name` of type T, made if need be; nullptr when refused (counted).
    template <class T> T* find_or_add(std::string_view name);
    template <class T> T* add(const std::string& family, std::optional<Drop>& refused);
    void drop(Drop reason, std::string_view name);

    runtime::MemoryBudget& budget_;
    const Limits limits_;
    const Warn warn_;
    std::shared_ptr<prometheus::Registry> registry_;
    mutable std::shared_mutex lock_;
    std::unordered_map<std::string, Metric> series_; // by Prometheus family name
    std::unordered_set<std::string> taken_;          // every family and sample name in use
    uint64_t charged_ = 0;                           // guarded by lock_
    std::array<std::atomic<uint64_t>, kDrops.size()> dropped_{};
    std::atomic<bool> warned_{false};
};

} // namespace tycho::host
