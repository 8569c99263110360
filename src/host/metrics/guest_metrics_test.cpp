// The guest-metrics registry (guest_metrics.h): what each call records, how names are
// turned into Prometheus names, and the limits a hostile guest runs into.
#include "host/metrics/guest_metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/text_serializer.h>

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace tycho::host {
namespace {

using Drop = GuestMetrics::Drop;

// The registry's exposition text.
std::string exposition(const GuestMetrics& metrics) {
    return prometheus::TextSerializer().Serialize(metrics.collectable()->Collect());
}

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

// Each of `lines` is a whole line of the registry's exposition text.
void expect_lines(const GuestMetrics& metrics, std::initializer_list<std::string> lines) {
    const std::string text = exposition(metrics);
    for (const std::string& line : lines)
        EXPECT_TRUE(has_line(text, line)) << "no line '" << line << "' in:\n" << text;
}

struct Recorded {
    runtime::MemoryBudget budget{uint64_t(1) << 30};
    std::vector<std::string> warnings;
    GuestMetrics metrics;

    explicit Recorded(GuestMetrics::Limits limits = {})
        : metrics(budget, limits, [this](const std::string& line) { warnings.push_back(line); }) {}
};

TEST(GuestMetrics, CounterAddsAndIncrements) {
    Recorded r;
    r.metrics.add_to_counter("requests", 5);
    r.metrics.add_to_counter("requests", 1);
    r.metrics.add_to_counter("requests", 0);
    expect_lines(r.metrics, {"# TYPE requests_total counter", "requests_total 6"});
    EXPECT_EQ(r.metrics.series(), 1u);
}

TEST(GuestMetrics, CounterTakesTheValueAsUnsigned) {
    Recorded r;
    r.metrics.add_to_counter("big", uint64_t(int64_t(-1))); // counter(-1) adds 2^64 - 1
    expect_lines(r.metrics, {"big_total 1.844674407370955e+19"});
}

TEST(GuestMetrics, GaugeIsSetAndMoved) {
    Recorded r;
    r.metrics.set_gauge("temperature", 20.5);
    r.metrics.add_to_gauge("temperature", 2);
    r.metrics.subtract_from_gauge("temperature", 0.25);
    r.metrics.add_to_gauge("fresh", 3); // a gauge first moved starts from 0
    r.metrics.subtract_from_gauge("down", 4);
    expect_lines(r.metrics,
                 {"# TYPE temperature gauge", "temperature 22.25", "fresh 3", "down -4"});
}

TEST(GuestMetrics, HistogramCountsIntoTheDefaultBuckets) {
    Recorded r;
    r.metrics.observe("latency", 0.00390625); // exact binary fractions: an exact sum
    r.metrics.observe("latency", 0.25);
    r.metrics.observe("latency", 42);
    expect_lines(r.metrics, {"# TYPE latency histogram", "latency_count 3",
                             "latency_sum 42.25390625", "latency_bucket{le=\"0.005\"} 1",
                             "latency_bucket{le=\"0.1\"} 1", "latency_bucket{le=\"0.25\"} 2",
                             "latency_bucket{le=\"10\"} 2", "latency_bucket{le=\"+Inf\"} 3"});
}

TEST(GuestMetrics, NamesAreSanitisedAndMayMeetInOneSeries) {
    Recorded r;
    r.metrics.set_gauge("queue.length", 1);
    r.metrics.set_gauge("queue-length", 2); // the same Prometheus name: the same gauge
    r.metrics.set_gauge("tycho_processes_alive", 7);
    expect_lines(r.metrics, {"queue_length 2", "guest_tycho_processes_alive 7"});
    EXPECT_EQ(r.metrics.series(), 2u);
}

TEST(GuestMetrics, ACounterAndAGaugeOfOneNameAreTwoSeries) {
    Recorded r;
    r.metrics.add_to_counter("hits", 2); // hits_total
    r.metrics.set_gauge("hits", 9);      // hits
    expect_lines(r.metrics, {"hits_total 2", "hits 9"});
    EXPECT_EQ(r.metrics.dropped(Drop::name_conflict), 0u);
}

TEST(GuestMetrics, ANameTakenByAnotherKindIsRefused) {
    Recorded r;
    r.metrics.set_gauge("jobs_total", 1);
    r.metrics.add_to_counter("jobs", 5); // jobs_total: the gauge's name
    r.metrics.observe("jobs_total", 1);
    r.metrics.observe("wait", 1); // writes wait_count, wait_sum, wait_bucket
    r.metrics.set_gauge("wait_count", 3);
    r.metrics.add_to_counter("wait_sum_total", 1);
    expect_lines(r.metrics, {"jobs_total 1", "wait_count 1"});
    EXPECT_EQ(r.metrics.dropped(Drop::name_conflict), 3u); // wait_sum_total is free
    EXPECT_EQ(r.metrics.series(), 3u);
}

TEST(GuestMetrics, EmptyAndOverlongNamesAreRefused) {
    Recorded r(GuestMetrics::Limits{10, 8});
    r.metrics.set_gauge("", 1);
    r.metrics.set_gauge("123456789", 1); // 9 bytes
    r.metrics.set_gauge("12345678", 1);  // 8 bytes: fine
    EXPECT_EQ(r.metrics.dropped(Drop::name_length), 2u);
    EXPECT_EQ(r.metrics.series(), 1u);
}

TEST(GuestMetrics, TheSeriesLimitHoldsAndExistingSeriesStillWork) {
    Recorded r(GuestMetrics::Limits{3, 64});
    for (int i = 0; i < 100; ++i)
        r.metrics.add_to_counter("c" + std::to_string(i), 1);
    EXPECT_EQ(r.metrics.series(), 3u);
    EXPECT_EQ(r.metrics.dropped(Drop::series_limit), 97u);
    r.metrics.add_to_counter("c0", 1);
    expect_lines(r.metrics, {"c0_total 2"});
}

TEST(GuestMetrics, OnlyTheFirstRefusalIsReported) {
    Recorded r(GuestMetrics::Limits{1, 16});
    r.metrics.set_gauge("kept", 1);
    r.metrics.set_gauge("second\nline", 1);
    r.metrics.set_gauge("third", 1);
    r.metrics.set_gauge("a name much longer than sixteen bytes", 1);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("'second_line' ignored: the limit of 1 series is reached"),
              std::string::npos)
        << r.warnings[0];
    EXPECT_EQ(r.warnings[0].find('\n'), std::string::npos);
}

TEST(GuestMetrics, SeriesAreChargedToTheMemoryBudgetUntilTheRegistryGoes) {
    runtime::MemoryBudget budget(1 << 20);
    {
        GuestMetrics metrics(budget, {}, nullptr);
        metrics.set_gauge("a", 1);
        metrics.observe("b", 1);
        EXPECT_GT(metrics.charged_bytes(), 0u);
        EXPECT_EQ(budget.used(), metrics.charged_bytes());
    }
    EXPECT_EQ(budget.used(), 0u);
}

TEST(GuestMetrics, AFullMemoryBudgetRefusesNewSeries) {
    runtime::MemoryBudget budget(4096);
    GuestMetrics metrics(budget, {}, nullptr);
    int made = 0;
    for (int i = 0; i < 100; ++i) {
        metrics.set_gauge("g" + std::to_string(i), 1);
        made = int(metrics.series());
    }
    EXPECT_GT(made, 0);
    EXPECT_LT(made, 100);
    EXPECT_EQ(metrics.dropped(Drop::memory_budget), uint64_t(100 - made));
    EXPECT_LE(budget.used(), budget.limit());
}

TEST(GuestMetrics, ManyThreadsRecordingTheSameNamesCountEverything) {
    Recorded r;
    constexpr int kThreads = 4, kCalls = 5000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&r, t] {
            for (int i = 0; i < kCalls; ++i) {
                r.metrics.add_to_counter("shared", 1);
                r.metrics.add_to_gauge("level", 1);
                r.metrics.observe("sizes", 1);
                r.metrics.set_gauge("thread_" + std::to_string(t), i);
            }
        });
    for (auto& thread : threads)
        thread.join();
    expect_lines(r.metrics, {"shared_total 20000", "level 20000", "sizes_count 20000"});
    EXPECT_EQ(r.metrics.series(), 3u + kThreads);
}

} // namespace
} // namespace tycho::host
