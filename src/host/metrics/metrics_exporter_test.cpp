// The exporter over real HTTP: the runtime's metrics and the guests' at /metrics, a free
// port when 0 is asked, and a precise error when the address cannot be listened on.
#include "host/metrics/metrics_exporter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace tycho::host {
namespace {

// The body of GET http://127.0.0.1:PORT/PATH, or "" when the request fails.
std::string http_get(uint16_t port, const std::string& path) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return "";
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &where.sin_addr);
    std::string response;
    if (connect(fd, reinterpret_cast<sockaddr*>(&where), sizeof where) == 0) {
        const std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
        if (write(fd, request.data(), request.size()) == ssize_t(request.size())) {
            char buffer[4096];
            ssize_t n;
            while ((n = read(fd, buffer, sizeof buffer)) > 0)
                response.append(buffer, size_t(n));
        }
    }
    close(fd);
    return response;
}

// The value of the sample `series` (a name, with its labels) in exposition text, or -1.
double sample(const std::string& text, const std::string& series) {
    const std::regex line(
        "(^|\n)" + std::regex_replace(series, std::regex(R"([{}\[\]().+*?^$|\\])"), R"(\$&)") +
        " ([^\n]+)");
    std::smatch match;
    if (!std::regex_search(text, match, line)) return -1;
    return std::stod(match[2]);
}

NodeOptions recording_node() {
    NodeOptions options;
    options.workers = 2;
    options.host.record_guest_metrics = true;
    return options;
}

TEST(MetricsExporter, ServesRuntimeAndGuestMetricsOnAFreePort) {
    Node node(recording_node());
    auto exporter = MetricsExporter::start({"127.0.0.1", 0}, node);
    ASSERT_TRUE(exporter) << exporter.error();
    const uint16_t port = exporter.value()->address().port;
    EXPECT_NE(port, 0);
    EXPECT_EQ(exporter.value()->url(), "http://127.0.0.1:" + std::to_string(port) + "/metrics");

    node.host().guest_metrics()->add_to_counter("jobs", 3);
    node.host().guest_metrics()->set_gauge("level", 1.5);
    const std::string text = http_get(port, "/metrics");
    ASSERT_NE(text.find("200 OK"), std::string::npos) << text;
    EXPECT_EQ(sample(text, "jobs_total"), 3);
    EXPECT_EQ(sample(text, "level"), 1.5);
    EXPECT_EQ(sample(text, "tycho_processes_alive"), 0);
    EXPECT_EQ(sample(text, "tycho_scheduler_workers"), 2);
    EXPECT_GE(sample(text, "tycho_scheduler_run_queue_length{worker=\"1\"}"), 0);
    EXPECT_GE(sample(text, "tycho_scheduler_utilisation{worker=\"0\"}"), 0);
    EXPECT_LE(sample(text, "tycho_scheduler_utilisation{worker=\"0\"}"), 1);
    EXPECT_EQ(sample(text, "tycho_guest_metrics_series"), 2);
    EXPECT_EQ(sample(text, "tycho_guest_metrics_dropped_total{reason=\"series_limit\"}"), 0);
    EXPECT_EQ(sample(text, "tycho_memory_budget_limit_bytes"),
              double(node.host().memory_budget().limit()));
    EXPECT_GT(sample(text, "tycho_memory_budget_used_bytes"), 0); // the guest series
    EXPECT_EQ(sample(text, "tycho_stack_pool_stacks{state=\"in_use\"}"), 0);

    EXPECT_NE(http_get(port, "/other").find("404"), std::string::npos);
}

TEST(MetricsExporter, WithoutGuestMetricsServesTheRuntimesAlone) {
    Node node(NodeOptions{});
    ASSERT_EQ(node.host().guest_metrics(), nullptr);
    auto exporter = MetricsExporter::start({"127.0.0.1", 0}, node);
    ASSERT_TRUE(exporter) << exporter.error();
    const std::string text = http_get(exporter.value()->address().port, "/metrics");
    EXPECT_EQ(sample(text, "tycho_processes_spawned_total"), 0);
    EXPECT_EQ(text.find("tycho_guest_metrics"), std::string::npos);
}

TEST(MetricsExporter, APortInUseIsAnError) {
    Node node(recording_node());
    auto first = MetricsExporter::start({"127.0.0.1", 0}, node);
    ASSERT_TRUE(first) << first.error();
    auto second = MetricsExporter::start(first.value()->address(), node);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error(), "Address already in use");
}

} // namespace
} // namespace tycho::host
