// The runtime's own metrics (tycho_...), computed at each scrape from what the node keeps
// anyway: live processes, the scheduler's counters and queues, the pools, the memory budget
// and what the guest-metrics registry holds. Nothing here runs between scrapes.
#pragma once

#include "host/node.h"

#include <prometheus/collectable.h>

#include <chrono>
#include <mutex>
#include <vector>

namespace tycho::host {

class RuntimeCollector final : public prometheus::Collectable {
  public:
    // `node` must outlive every scrape (stop the exporter before the node goes).
    explicit RuntimeCollector(Node& node) : node_(node) {}

    std::vector<prometheus::MetricFamily> Collect() const override;

  private:
    Node& node_;
    // Each worker's (alive, idle) at the previous scrape: utilisation is over the interval
    // since then.
    struct WorkerSample {
        std::chrono::nanoseconds alive{0};
        std::chrono::nanoseconds idle{0};
    };
    mutable std::mutex lock_;
    mutable std::vector<WorkerSample> previous_;
};

} // namespace tycho::host
