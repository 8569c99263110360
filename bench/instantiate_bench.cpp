// How long instantiating a compiled module takes: the part of a spawn the engine does.
// Printed next to the floor of any design that gives each instance its own memory:
// mapping, touching and unmapping that memory, measured in the same run. Measured with
// each memory mapped on its own and with memories from a MemoryPool.
#include "bench_stats.h"

#include <tycho/wasm/engine.h>

#include <sys/mman.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

using namespace tycho;

namespace {

std::vector<uint8_t> read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Microseconds per call of `body`, median over `rounds` batches of `n` calls.
template <class F> double us_per_op(int rounds, int n, F&& body) {
    return bench::median_ns_per_op(rounds, n,
                                   [&](long count) {
                                       for (long i = 0; i < count; ++i)
                                           body();
                                   }) /
           1000.0;
}

} // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int rounds = quick ? 1 : 7;
    const int n = quick ? 200 : 20000;

    const auto bytes = read_file(TYCHO_BENCH_SPAWN_GUEST_WASM);
    std::vector<double> compile_samples;
    std::shared_ptr<const wasm::Module> module;
    for (int r = 0; r < rounds; ++r) {
        int sink = 0;
        compile_samples.push_back(bench::time_ms(
            [&] {
                auto m = wasm::Module::compile(bytes);
                if (!m) {
                    std::fprintf(stderr, "compile failed: %s\n", m.error().to_string().c_str());
                    std::exit(1);
                }
                module = m.value();
                return 0;
            },
            sink));
    }
    const uint32_t pages = module->info().memories.at(0).limits.min;

    auto context = wasm::ExecutionContext::create();
    wasm::Linker linker;
    bool ok = true;
    const double instantiate_us = us_per_op(rounds, n, [&] {
        auto instance = linker.instantiate(*context, module);
        ok &= bool(instance);
    });
    auto spawn = [&](const wasm::InstantiateOptions& options) {
        auto instance = linker.instantiate(*context, module, options);
        if (!instance) {
            ok = false;
            return;
        }
        const wasm::Value arg = wasm::Value::i32(1);
        ok &= bool(instance.value()->exported_function("run")->call(*context, {&arg, 1}));
    };
    const double spawn_us = us_per_op(rounds, n, [&] { spawn({}); });
    const wasm::InstantiateOptions pooled{wasm::MemoryPool::create()};
    const double pooled_instantiate_us = us_per_op(rounds, n, [&] {
        auto instance = linker.instantiate(*context, module, pooled);
        ok &= bool(instance);
    });
    const double pooled_spawn_us = us_per_op(rounds, n, [&] { spawn(pooled); });
    const size_t bytes_mapped = size_t(pages) * wasm::kPageSize;
    const double mmap_us = us_per_op(rounds, n, [&] {
        void* p = mmap(nullptr, bytes_mapped, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        static_cast<volatile uint8_t*>(p)[1024] = 1; // the data segment's page
        munmap(p, bytes_mapped);
    });
    if (!ok) {
        std::fprintf(stderr, "an instantiation or call failed\n");
        return 1;
    }

    std::printf("Instantiation benchmark (%s, %u pages of memory), median of %d x %d\n",
                TYCHO_BENCH_SPAWN_GUEST_NAME, pages, rounds, n);
    std::printf("%-44s %10.3f ms\n", "compile (decode, validate, translate)",
                bench::median(compile_samples));
    std::printf("%-44s %10.2f us\n", "instantiate + drop", instantiate_us);
    std::printf("%-44s %10.2f us\n", "instantiate + call run() + drop", spawn_us);
    std::printf("%-44s %10.2f us\n", "instantiate + drop, pooled memory", pooled_instantiate_us);
    std::printf("%-44s %10.2f us\n", "instantiate + call run() + drop, pooled", pooled_spawn_us);
    std::printf("%-44s %10.2f us\n", "baseline: mmap + touch 1 page + munmap", mmap_us);
    std::printf("%-44s %10.2fx\n", "instantiate / baseline", instantiate_us / mmap_us);
    std::printf("%-44s %10.2fx\n", "pooled instantiate / baseline",
                pooled_instantiate_us / mmap_us);
    return 0;
}
