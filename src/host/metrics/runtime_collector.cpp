#include "host/metrics/runtime_collector.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>

namespace tycho::host {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using Labels = std::vector<ClientMetric::Label>;

// The families of one scrape, built one sample at a time.
class Families {
  public:
    MetricFamily& add(std::string name, std::string help, MetricType type) {
        families_.push_back(MetricFamily{std::move(name), std::move(help), type, {}});
        return families_.back();
    }
    void sample(double value, Labels labels = {}) {
        MetricFamily& family = families_.back();
        ClientMetric metric;
        metric.label = std::move(labels);
        if (family.type == MetricType::Counter)
            metric.counter.value = value;
        else
            metric.gauge.value = value;
        family.metric.push_back(std::move(metric));
    }
    void counter(std::string name, std::string help, double value) {
        add(std::move(name), std::move(help), MetricType::Counter);
        sample(value);
    }
    void gauge(std::string name, std::string help, double value) {
        add(std::move(name), std::move(help), MetricType::Gauge);
        sample(value);
    }
    // One sample per (state, value), labelled state="...".
    void by_state(std::initializer_list<std::pair<const char*, size_t>> states) {
        for (const auto& [state, value] : states)
            sample(double(value), {{"state", state}});
    }
    std::vector<MetricFamily> take() { return std::move(families_); }

  private:
    std::vector<MetricFamily> families_;
};

double seconds(std::chrono::nanoseconds duration) {
    return std::chrono::duration<double>(duration).count();
}

} // namespace

std::vector<MetricFamily> RuntimeCollector::Collect() const {
    runtime::Environment& environment = node_.environment();
    runtime::Scheduler& scheduler = environment.scheduler();
    Host& host = node_.host();
    Families out;

    using runtime::Counter;
    out.gauge("tycho_processes_alive", "Processes started and not yet ended.",
              double(environment.size()));
    out.counter("tycho_processes_spawned_total", "Processes started.",
                double(scheduler.total(Counter::processes_spawned)));
    out.counter("tycho_processes_failed_total",
                "Processes that ended with a failure (a trap, a kill, a linked failure).",
                double(scheduler.total(Counter::processes_failed)));
    out.counter("tycho_messages_sent_total",
                "Messages processes sent (directly or with send_after) that reached a mailbox.",
                double(scheduler.total(Counter::messages_sent)));
    out.counter("tycho_messages_received_total", "Messages processes took from their mailboxes.",
                double(scheduler.total(Counter::messages_received)));
    out.counter("tycho_reductions_total",
                "Reductions (function entries and loop back-edges) processes ran, within a slice.",
                double(scheduler.total(Counter::reductions)));

    // Per worker.
    const std::vector<runtime::Scheduler::WorkerStats> workers = scheduler.worker_stats();
    out.gauge("tycho_scheduler_workers", "Worker threads that run processes.",
              double(workers.size()));
    out.add("tycho_scheduler_run_queue_length", "Processes waiting in each worker's run queue.",
            MetricType::Gauge);
    for (size_t i = 0; i < workers.size(); ++i)
        out.sample(double(workers[i].queued), {{"worker", std::to_string(i)}});
    out.add("tycho_scheduler_busy_seconds_total",
            "Time each worker spent running processes or looking for them, not idle.",
            MetricType::Counter);
    for (size_t i = 0; i < workers.size(); ++i)
        out.sample(seconds(workers[i].alive - workers[i].idle), {{"worker", std::to_string(i)}});
    out.add("tycho_scheduler_utilisation",
            "Share of time each worker was busy (0 to 1), since the previous scrape.",
            MetricType::Gauge);
    {
        std::lock_guard guard(lock_);
        previous_.resize(workers.size());
        for (size_t i = 0; i < workers.size(); ++i) {
            const auto alive = workers[i].alive - previous_[i].alive;
            const auto idle = workers[i].idle - previous_[i].idle;
            const double share = alive.count() > 0 ? 1.0 - seconds(idle) / seconds(alive) : 0.0;
            out.sample(std::clamp(share, 0.0, 1.0), {{"worker", std::to_string(i)}});
            previous_[i] = {workers[i].alive, workers[i].idle};
        }
    }

    // Pools and the memory budget.
    const runtime::StackPool::Stats stacks = environment.stacks().stats();
    out.add("tycho_stack_pool_stacks",
            "Fiber stacks of the pool: in use, free with pages kept (cached), prepared ahead, "
            "free with pages returned (released).",
            MetricType::Gauge);
    out.by_state({{"in_use", stacks.in_use()},
                  {"cached", stacks.cached},
                  {"prepared", stacks.prepared},
                  {"released", stacks.released}});
    out.gauge("tycho_stack_pool_reserved_bytes", "Address space the stack pool has mapped.",
              double(stacks.reserved_bytes));
    out.gauge("tycho_stack_pool_stack_bytes", "Usable bytes of each fiber stack.",
              double(environment.stacks().stack_bytes()));

    const wasm::MemoryPool::Stats memories = host.memory_pool()->stats();
    out.add("tycho_memory_pool_cells",
            "Linear-memory cells of the pool: in use, free with zeroed pages kept (cached), "
            "free with pages returned (released).",
            MetricType::Gauge);
    out.by_state({{"in_use", memories.in_use()},
                  {"cached", memories.cached},
                  {"released", memories.released}});
    out.gauge("tycho_memory_pool_reserved_bytes",
              "Address space the linear-memory pool has mapped.", double(memories.reserved_bytes));
    out.gauge("tycho_memory_pool_cell_bytes", "Bytes each linear-memory cell reserves.",
              double(host.memory_pool()->reservation_bytes()));

    const runtime::MemoryBudget& budget = host.memory_budget();
    out.gauge("tycho_memory_budget_used_bytes",
              "Host memory processes hold, counted against --max-total-memory.",
              double(budget.used()));
    out.gauge("tycho_memory_budget_limit_bytes", "The runtime-wide memory budget.",
              double(budget.limit()));

    if (const GuestMetrics* guest = host.guest_metrics()) {
        out.gauge("tycho_guest_metrics_series", "Metrics guests created with lunatic::metrics.",
                  double(guest->series()));
        out.gauge("tycho_guest_metrics_bytes",
                  "What guests' metrics take of the memory budget (an estimate).",
                  double(guest->charged_bytes()));
        out.add("tycho_guest_metrics_dropped_total",
                "lunatic::metrics calls ignored, by reason: a name empty or too long, the "
                "series limit, the memory budget, a name taken by another kind of metric.",
                MetricType::Counter);
        for (GuestMetrics::Drop reason : GuestMetrics::kDrops)
            out.sample(double(guest->dropped(reason)),
                       {{"reason", GuestMetrics::label_of(reason)}});
    }
    return out.take();
}

} // namespace tycho::host
