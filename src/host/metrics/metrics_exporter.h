// The Prometheus exporter of `tycho run --metrics`: an HTTP server (prometheus-cpp's
// Exposer) that serves, at /metrics, what guests record (GuestMetrics) and the runtime's
// own metrics (RuntimeCollector), both gathered at scrape time.
#pragma once

#include "host/metrics/listen_address.h"
#include "host/node.h"

#include <tycho/wasm/engine.h>

#include <memory>
#include <string>

namespace prometheus {
class Exposer;
}

namespace tycho::host {

class RuntimeCollector;

class MetricsExporter {
    struct Token {
        explicit Token() = default;
    };

  public:
    explicit MetricsExporter(Token);
    // Starts serving `node` (and its host's guest metrics, when it records them) on
    // `address`. An error says why it cannot listen there ("Address already in use"...).
    static wasm::Result<std::unique_ptr<MetricsExporter>, std::string>
    start(const ListenAddress& address, Node& node);
    // Stops the server; scrapes in progress finish first. Destroy it before the node.
    ~MetricsExporter();
    MetricsExporter(const MetricsExporter&) = delete;
    MetricsExporter& operator=(const MetricsExporter&) = delete;

    // Where it listens, with the port the system picked when 0 was asked.
    const ListenAddress& address() const { return address_; }
    std::string url() const { return "http://" + address_.to_string() + "/metrics"; }

  private:
    ListenAddress address_;
    std::shared_ptr<RuntimeCollector> runtime_;
    std::unique_ptr<prometheus::Exposer> exposer_; // last: stopped first
};

} // namespace tycho::host
