// Small statistics helpers for the benchmark harnesses.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace tycho::bench {

// Median of the samples (mean of the middle two for an even count); 0 when empty.
inline double median(std::vector<double> samples) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    size_t mid = samples.size() / 2;
    return samples.size() % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
}

// Geometric mean of positive values; 0 when empty.
inline double geometric_mean(const std::vector<double>& values) {
    if (values.empty()) return 0;
    double log_sum = 0;
    for (double v : values)
        log_sum += std::log(v);
    return std::exp(log_sum / double(values.size()));
}

// Wall-clock milliseconds spent in `f()`; the result of `f` goes to `out`.
template <class F, class R> double time_ms(F&& f, R& out) {
    auto start = std::chrono::steady_clock::now();
    out = f();
    auto end = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::milli>(end - start).count();
}

// Nanoseconds per operation: `batch(n)` performs n operations; the median over `rounds`.
template <class F> double median_ns_per_op(int rounds, long n, F&& batch) {
    std::vector<double> samples;
    for (int r = 0; r < rounds; ++r) {
        int sink = 0;
        const double ms = time_ms(
            [&] {
                batch(n);
                return 0;
            },
            sink);
        samples.push_back(ms * 1e6 / double(n));
    }
    return median(samples);
}

} // namespace tycho::bench
