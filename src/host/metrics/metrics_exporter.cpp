#include "host/metrics/metrics_exporter.h"

#include "host/metrics/runtime_collector.h"

#include <prometheus/exposer.h>

#include <exception>

namespace tycho::host {

wasm::Result<std::unique_ptr<MetricsExporter>, std::string>
MetricsExporter::start(const ListenAddress& address, Node& node) {
    // The HTTP server only says that it failed; asking the system first tells why.
    if (auto problem = check_can_listen(address)) return *problem;
    auto exporter = std::make_unique<MetricsExporter>(Token{});
    exporter->address_ = address;
    exporter->runtime_ = std::make_shared<RuntimeCollector>(node);
    try {
        // One thread is enough for Prometheus scraping now and then.
        exporter->exposer_ = std::make_unique<prometheus::Exposer>(address.to_string(), 1);
    } catch (const std::exception& failure) {
        return std::string("the HTTP server did not start: ") + failure.what();
    }
    const std::vector<int> ports = exporter->exposer_->GetListeningPorts();
    if (ports.empty()) return std::string("the HTTP server listens on no port");
    exporter->address_.port = uint16_t(ports.front());
    exporter->exposer_->RegisterCollectable(exporter->runtime_);
    if (GuestMetrics* guest = node.host().guest_metrics())
        exporter->exposer_->RegisterCollectable(guest->collectable());
    return exporter;
}

MetricsExporter::MetricsExporter(Token) {}
MetricsExporter::~MetricsExporter() = default;

} // namespace tycho::host
