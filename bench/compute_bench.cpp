// tycho-bench-compute: runs each compute kernel natively and in Tycho, alternating, and
// reports the median times and their ratio. Results must agree bit for bit.
//
//   tycho-bench-compute [--quick] [--reps N] [--only NAME,...] [--module FILE] [--tsv FILE]
//
// --quick uses tiny sizes and one repetition (the ctest smoke test); --tsv also writes one
// tab-separated line per kernel (name, native ms, tycho ms, ratio, checksum) for scripts.
#include "bench_stats.h"
#include "guest_kernels.h"
#include "kernels/kernels.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#ifndef TYCHO_BENCH_VARIANT
#define TYCHO_BENCH_VARIANT "reduction counting on"
#endif

namespace {

using namespace tycho::bench;

struct Kernel {
    const char* name; // the Wasm export
    uint64_t (*native)(uint32_t);
    uint32_t arg;       // sized for roughly 50-100 ms natively
    uint32_t quick_arg; // sized for well under a second in the interpreter
};

const Kernel kKernels[] = {
    {"fib", tycho_kernel_fib, 37, 20},
    {"sieve", tycho_kernel_sieve, 2000000, 10000},
    {"matmul", tycho_kernel_matmul, 200, 24},
    {"sha_mix", tycho_kernel_sha_mix, 400000, 50},
    {"stream", tycho_kernel_stream, 512 * 1024, 4096},
};

struct Options {
    bool quick = false;
    int reps = 5;
    std::string only; // comma-separated kernel names; empty means all
    std::string module_path = TYCHO_BENCH_KERNELS_WASM;
    std::string tsv_path;
};

[[noreturn]] void usage(const char* argv0) {
    std::fprintf(stderr,
                 "usage: %s [--quick] [--reps N] [--only NAME,...] [--module FILE] "
                 "[--tsv FILE]\n",
                 argv0);
    std::exit(2);
}

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(argv[0]);
            return argv[++i];
        };
        if (arg == "--quick")
            options.quick = true;
        else if (arg == "--reps")
            options.reps = std::atoi(value().c_str());
        else if (arg == "--only")
            options.only = value();
        else if (arg == "--module")
            options.module_path = value();
        else if (arg == "--tsv")
            options.tsv_path = value();
        else
            usage(argv[0]);
    }
    if (options.reps < 1) usage(argv[0]);
    if (options.quick) options.reps = 1;
    return options;
}

bool selected(const Options& options, const char* name) {
    if (options.only.empty()) return true;
    std::string list = "," + options.only + ",";
    return list.find("," + std::string(name) + ",") != std::string::npos;
}

struct Measurement {
    const Kernel* kernel;
    uint32_t arg;
    double native_ms;
    double tycho_ms;
    uint64_t checksum;
};

// One untimed warm-up call of each, then `reps` timed calls alternating native and Tycho.
// Returns false (after printing why) on a trap or a result mismatch.
bool measure(const Kernel& kernel, uint32_t arg, int reps, GuestKernels& guest, Measurement& out) {
    std::vector<double> native_ms, tycho_ms;
    const uint64_t expected = kernel.native(arg);
    for (int rep = -1; rep < reps; rep++) {
        uint64_t native_result = 0;
        double native_time = time_ms([&] { return kernel.native(arg); }, native_result);
        tycho::wasm::Result<uint64_t> tycho_result = uint64_t(0);
        double tycho_time = time_ms([&] { return guest.call(kernel.name, arg); }, tycho_result);
        if (!tycho_result) {
            std::fprintf(stderr, "error: %s\n", tycho_result.error().message.c_str());
            return false;
        }
        if (native_result != expected || tycho_result.value() != expected) {
            std::fprintf(stderr,
                         "error: %s(%u) results differ: native %" PRIu64 " then %" PRIu64
                         ", tycho %" PRIu64 "\n",
                         kernel.name, arg, expected, native_result, tycho_result.value());
            return false;
        }
        if (rep < 0) continue; // warm-up
        native_ms.push_back(native_time);
        tycho_ms.push_back(tycho_time);
    }
    out = {&kernel, arg, median(native_ms), median(tycho_ms), expected};
    return true;
}

void print_table(const std::vector<Measurement>& rows, const Options& options) {
    std::printf("Tycho compute benchmark (%s), median of %d run%s\n", TYCHO_BENCH_VARIANT,
                options.reps, options.reps == 1 ? "" : "s");
    std::printf("%-10s %10s %12s %12s %9s\n", "kernel", "arg", "native ms", "tycho ms", "ratio");
    std::vector<double> ratios;
    for (const Measurement& m : rows) {
        double ratio = m.tycho_ms / m.native_ms;
        ratios.push_back(ratio);
        std::printf("%-10s %10u %12.2f %12.2f %8.2fx\n", m.kernel->name, m.arg, m.native_ms,
                    m.tycho_ms, ratio);
    }
    if (!ratios.empty()) std::printf("geometric mean ratio: %.2fx\n", geometric_mean(ratios));
    std::fflush(stdout);
}

bool write_tsv(const std::vector<Measurement>& rows, const std::string& path) {
    FILE* file = std::fopen(path.c_str(), "w");
    if (!file) return false;
    for (const Measurement& m : rows)
        std::fprintf(file, "%s\t%.4f\t%.4f\t%.4f\t%" PRIu64 "\n", m.kernel->name, m.native_ms,
                     m.tycho_ms, m.tycho_ms / m.native_ms, m.checksum);
    return std::fclose(file) == 0;
}

} // namespace

int main(int argc, char** argv) {
    Options options = parse_options(argc, argv);

    auto guest = GuestKernels::load(options.module_path);
    if (!guest) {
        std::fprintf(stderr, "error: %s\n", guest.error().message.c_str());
        return 2;
    }

    std::vector<Measurement> rows;
    bool ok = true;
    for (const Kernel& kernel : kKernels) {
        if (!selected(options, kernel.name)) continue;
        uint32_t arg = options.quick ? kernel.quick_arg : kernel.arg;
        Measurement m;
        if (measure(kernel, arg, options.reps, *guest.value(), m))
            rows.push_back(m);
        else
            ok = false;
    }

    if (rows.empty() && ok) {
        std::fprintf(stderr, "error: --only %s matches no kernel\n", options.only.c_str());
        return 2;
    }
    print_table(rows, options);
    if (!options.tsv_path.empty() && !write_tsv(rows, options.tsv_path)) {
        std::fprintf(stderr, "error: cannot write %s\n", options.tsv_path.c_str());
        return 2;
    }
    if (!ok) std::fprintf(stderr, "FAILED: see the errors above\n");
    return ok ? 0 : 1;
}
