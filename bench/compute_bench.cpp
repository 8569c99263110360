// tycho-bench-compute: runs each compute kernel natively and in Tycho, alternating, and
// reports the median times and their ratio. Results must agree bit for bit.
//
//   tycho-bench-compute [--quick] [--reps N] [--only NAME,...] [--module FILE] [--tsv FILE]
//                       [--interp-only]
//
// Each kernel runs natively, in the interpreter, as native code from the optimizing tier
// (after a warm-up call), and as native code that counts no reductions; the tier's compile
// time is reported too. --quick uses tiny sizes and one repetition (the ctest smoke test,
// which also checks every engine's results against native code); --tsv also writes one
// tab-separated line per kernel for scripts (write_tsv says which columns).
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
    bool interp_only = false; // --interp-only: skip the optimizing tier
};

[[noreturn]] void usage(const char* argv0) {
    std::fprintf(stderr,
                 "usage: %s [--quick] [--reps N] [--only NAME,...] [--module FILE] "
                 "[--tsv FILE] [--interp-only]\n",
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
        else if (arg == "--interp-only")
            options.interp_only = true;
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

// The ways the guest runs: the interpreter, native code, and native code that does not
// count reductions (only to measure what counting costs there).
enum Engine { kInterp, kJit, kJitNoCount, kEngines };
const char* const kEngineNames[kEngines] = {"interpreter", "native", "native without counting"};

struct Guests {
    std::unique_ptr<GuestKernels> engine[kEngines];
};

struct Measurement {
    const Kernel* kernel;
    uint32_t arg;
    double native_ms;
    double ms[kEngines]; // 0 for an engine not measured
    uint64_t checksum;
};

// One untimed warm-up call of each, then `reps` timed rounds, each calling native code and
// then every engine. Returns false (after printing why) on a trap or a result mismatch.
bool measure(const Kernel& kernel, uint32_t arg, int reps, Guests& guests, Measurement& out) {
    std::vector<double> native_ms, engine_ms[kEngines];
    const uint64_t expected = kernel.native(arg);
    for (int rep = -1; rep < reps; rep++) {
        uint64_t native_result = 0;
        double native_time = time_ms([&] { return kernel.native(arg); }, native_result);
        if (native_result != expected) {
            std::fprintf(stderr, "error: %s(%u): native results differ\n", kernel.name, arg);
            return false;
        }
        if (rep >= 0) native_ms.push_back(native_time);
        for (int e = 0; e < kEngines; ++e) {
            if (!guests.engine[e]) continue;
            tycho::wasm::Result<uint64_t> result = uint64_t(0);
            double t = time_ms([&] { return guests.engine[e]->call(kernel.name, arg); }, result);
            if (!result) {
                std::fprintf(stderr, "error (%s): %s\n", kEngineNames[e],
                             result.error().message.c_str());
                return false;
            }
            if (result.value() != expected) {
                std::fprintf(stderr,
                             "error: %s(%u) results differ: native %" PRIu64 ", %s %" PRIu64 "\n",
                             kernel.name, arg, expected, kEngineNames[e], result.value());
                return false;
            }
            if (rep >= 0) engine_ms[e].push_back(t);
        }
    }
    out = {&kernel, arg, median(native_ms), {}, expected};
    for (int e = 0; e < kEngines; ++e)
        out.ms[e] = median(engine_ms[e]);
    return true;
}

void print_tables(const std::vector<Measurement>& rows, const Options& options,
                  const Guests& guests) {
    std::printf("Tycho compute benchmark (%s), median of %d run%s\n", TYCHO_BENCH_VARIANT,
                options.reps, options.reps == 1 ? "" : "s");
    const bool jit = guests.engine[kJit] != nullptr;
    const double compile_ms = jit ? guests.engine[kJit]->compile_ms() : 0;
    std::printf("%-10s %9s %10s %11s %8s", "kernel", "arg", "native ms", "interp ms", "ratio");
    if (jit) std::printf(" %10s %8s %14s %8s", "jit ms", "ratio", "jit+compile ms", "ratio");
    std::printf("\n");
    std::vector<double> interp_ratios, jit_ratios, with_compile_ratios, counting;
    for (const Measurement& m : rows) {
        interp_ratios.push_back(m.ms[kInterp] / m.native_ms);
        std::printf("%-10s %9u %10.2f %11.2f %7.2fx", m.kernel->name, m.arg, m.native_ms,
                    m.ms[kInterp], interp_ratios.back());
        if (jit) {
            jit_ratios.push_back(m.ms[kJit] / m.native_ms);
            with_compile_ratios.push_back((m.ms[kJit] + compile_ms) / m.native_ms);
            counting.push_back(m.ms[kJit] / m.ms[kJitNoCount]);
            std::printf(" %10.2f %7.2fx %14.2f %7.2fx", m.ms[kJit], jit_ratios.back(),
                        m.ms[kJit] + compile_ms, with_compile_ratios.back());
        }
        std::printf("\n");
    }
    if (rows.empty()) return;
    std::printf("geometric mean ratio to native: interpreter %.2fx", geometric_mean(interp_ratios));
    if (jit)
        std::printf(", jit %.2fx, jit including compile %.2fx", geometric_mean(jit_ratios),
                    geometric_mean(with_compile_ratios));
    std::printf("\n");
    if (jit) {
        const double kb = double(guests.engine[kJit]->module_bytes()) / 1024;
        std::printf("\nOptimizing tier: %.1f KB of Wasm compiled in %.1f ms (%.2f ms per KB)\n", kb,
                    compile_ms, compile_ms / kb);
        std::printf("Reduction counting in native code (jit ms, counting against not counting)\n");
        for (size_t i = 0; i < rows.size(); ++i)
            std::printf("%-10s %10.2f %10.2f %+8.1f%%\n", rows[i].kernel->name, rows[i].ms[kJit],
                        rows[i].ms[kJitNoCount], (counting[i] - 1) * 100);
        std::printf("geometric mean overhead: %+.1f%%\n", (geometric_mean(counting) - 1) * 100);
    }
    std::fflush(stdout);
}

// Columns: kernel, native ms, interpreter ms, ratio, checksum, jit ms, jit without counting.
bool write_tsv(const std::vector<Measurement>& rows, const std::string& path) {
    FILE* file = std::fopen(path.c_str(), "w");
    if (!file) return false;
    for (const Measurement& m : rows)
        std::fprintf(file, "%s\t%.4f\t%.4f\t%.4f\t%" PRIu64 "\t%.4f\t%.4f\n", m.kernel->name,
                     m.native_ms, m.ms[kInterp], m.ms[kInterp] / m.native_ms, m.checksum,
                     m.ms[kJit], m.ms[kJitNoCount]);
    return std::fclose(file) == 0;
}

} // namespace

int main(int argc, char** argv) {
    Options options = parse_options(argc, argv);

    Guests guests;
    for (int e = 0; e < kEngines; ++e) {
        if (options.interp_only && e != kInterp) continue;
        tycho::wasm::CompileOptions compile;
        compile.tier = e == kInterp ? tycho::wasm::Tier::Interpreter : tycho::wasm::Tier::Jit;
        compile.count_reductions = e != kJitNoCount;
        auto guest = GuestKernels::load(options.module_path, compile);
        if (!guest) {
            std::fprintf(stderr, "error (%s): %s\n", kEngineNames[e],
                         guest.error().message.c_str());
            return 2;
        }
        guests.engine[e] = std::move(guest.value());
    }

    std::vector<Measurement> rows;
    bool ok = true;
    for (const Kernel& kernel : kKernels) {
        if (!selected(options, kernel.name)) continue;
        uint32_t arg = options.quick ? kernel.quick_arg : kernel.arg;
        Measurement m;
        if (measure(kernel, arg, options.reps, guests, m))
            rows.push_back(m);
        else
            ok = false;
    }

    if (rows.empty() && ok) {
        std::fprintf(stderr, "error: --only %s matches no kernel\n", options.only.c_str());
        return 2;
    }
    print_tables(rows, options, guests);
    if (!options.tsv_path.empty() && !write_tsv(rows, options.tsv_path)) {
        std::fprintf(stderr, "error: cannot write %s\n", options.tsv_path.c_str());
        return 2;
    }
    if (!ok) std::fprintf(stderr, "FAILED: see the errors above\n");
    return ok ? 0 : 1;
}
