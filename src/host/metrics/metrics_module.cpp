// lunatic::metrics (lunatic-abi.md §26): counters, gauges and histograms by name, no labels.
// Every call reads its name first (out of bounds or invalid UTF-8 traps, §3), so a guest
// behaves the same whether or not the runtime records metrics; only then does it go to the
// host's GuestMetrics, if there is one (tycho run --metrics), and otherwise does nothing.
#include "host/guest_memory.h"
#include "host/wasm_process.h"

namespace tycho::host {

namespace {

constexpr std::string_view kNamespace = "lunatic::metrics";

// Reads the name and calls `record(metrics, name)` when metrics are being recorded.
template <class Record>
void with_name(wasm::Caller& caller, uint32_t name_ptr, uint32_t name_len, Record record) {
    GuestMemory memory(caller);
    auto name = memory.utf8(name_ptr, name_len);
    if (!name) return;
    if (GuestMetrics* metrics = WasmProcess::of(caller).host().guest_metrics())
        record(*metrics, *name);
}

// A function (name_ptr, name_len, value: f64) that hands the value to `record`.
template <void (GuestMetrics::*record)(std::string_view, double)>
void define_f64_function(wasm::Linker& linker, std::string_view name) {
    linker.func(kNamespace, name,
                [](wasm::Caller& caller, uint32_t name_ptr, uint32_t name_len, double value) {
                    with_name(caller, name_ptr, name_len,
                              [value](GuestMetrics& metrics, std::string_view metric) {
                                  (metrics.*record)(metric, value);
                              });
                });
}

} // namespace

void define_metrics_module(wasm::Linker& linker) {
    // Adds (despite its name, as in Lunatic): the i64 is taken as a u64.
    linker.func(kNamespace, "counter",
                [](wasm::Caller& caller, uint32_t name_ptr, uint32_t name_len, int64_t value) {
                    with_name(caller, name_ptr, name_len,
                              [value](GuestMetrics& metrics, std::string_view name) {
                                  metrics.add_to_counter(name, uint64_t(value));
                              });
                });
    linker.func(kNamespace, "increment_counter",
                [](wasm::Caller& caller, uint32_t name_ptr, uint32_t name_len) {
                    with_name(caller, name_ptr, name_len,
                              [](GuestMetrics& metrics, std::string_view name) {
                                  metrics.add_to_counter(name, 1);
                              });
                });
    define_f64_function<&GuestMetrics::set_gauge>(linker, "gauge");
    define_f64_function<&GuestMetrics::add_to_gauge>(linker, "increment_gauge");
    define_f64_function<&GuestMetrics::subtract_from_gauge>(linker, "decrement_gauge");
    define_f64_function<&GuestMetrics::observe>(linker, "histogram");
}

} // namespace tycho::host
