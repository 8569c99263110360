// Guest metric names to Prometheus names (metric_name.h).
#include "host/metrics/metric_name.h"

#include <prometheus/check_names.h>

#include <gtest/gtest.h>

namespace tycho::host {
namespace {

std::string gauge(std::string_view name) {
    return prometheus_metric_name(name, MetricKind::gauge);
}

TEST(MetricName, ValidNamesStayAsTheyAre) {
    EXPECT_EQ(gauge("queue_length"), "queue_length");
    EXPECT_EQ(gauge("CamelCase_9"), "CamelCase_9");
    EXPECT_EQ(gauge("_leading_underscore"), "_leading_underscore");
    EXPECT_EQ(prometheus_metric_name("latency", MetricKind::histogram), "latency");
}

TEST(MetricName, OtherCharactersBecomeOneUnderscoreEach) {
    EXPECT_EQ(gauge("http.requests-in flight"), "http_requests_in_flight");
    EXPECT_EQ(gauge("app::hits"), "app__hits"); // colons are for recording rules
    EXPECT_EQ(gauge("h\xc3\xa9llo"), "h_llo");  // é: two bytes, one character
    EXPECT_EQ(gauge("\xf0\x9f\x98\x80"), "_");  // one four-byte character
    EXPECT_EQ(gauge(std::string_view("a\0b\nc", 5)), "a_b_c");
}

TEST(MetricName, LeadingDigitGetsAnUnderscore) {
    EXPECT_EQ(gauge("5xx_responses"), "_5xx_responses");
    EXPECT_EQ(gauge("0"), "_0");
}

TEST(MetricName, TheExportersOwnNamespacesAreGivenAGuestPrefix) {
    EXPECT_EQ(gauge("tycho_processes_alive"), "guest_tycho_processes_alive");
    EXPECT_EQ(gauge("tycho.x"), "guest_tycho_x"); // after sanitising
    EXPECT_EQ(gauge("exposer_scrapes_total"), "guest_exposer_scrapes_total");
    EXPECT_EQ(gauge("tychonic"), "tychonic");
    EXPECT_EQ(gauge("__name__"), "guest___name__");
    EXPECT_EQ(gauge("_:x"), "guest___x");
}

TEST(MetricName, CountersEndInTotal) {
    EXPECT_EQ(prometheus_metric_name("requests", MetricKind::counter), "requests_total");
    EXPECT_EQ(prometheus_metric_name("requests_total", MetricKind::counter), "requests_total");
    EXPECT_EQ(prometheus_metric_name("requests.total", MetricKind::counter), "requests_total");
    EXPECT_EQ(prometheus_metric_name("total", MetricKind::counter), "total_total");
    EXPECT_EQ(prometheus_metric_name("_", MetricKind::counter), "guest___total");
    EXPECT_EQ(prometheus_metric_name("tycho", MetricKind::counter), "guest_tycho_total");
}

TEST(MetricName, EveryResultIsAValidPrometheusName) {
    const std::string_view names[] = {"a",    "9",   ":",     "__", "\xc3\xa9", " x ",
                                      "a:b:", "1.5", "tycho", "-",  "_total"};
    for (std::string_view name : names)
        for (MetricKind kind : {MetricKind::counter, MetricKind::gauge, MetricKind::histogram})
            EXPECT_TRUE(prometheus::CheckMetricName(prometheus_metric_name(name, kind)))
                << "'" << name << "' -> '" << prometheus_metric_name(name, kind) << "'";
}

} // namespace
} // namespace tycho::host
