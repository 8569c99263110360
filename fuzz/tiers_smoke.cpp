// Runs the tier comparison on generated modules from fixed seeds, without libFuzzer, so
// that the generator and the comparison are tested in every build.
//
//   tycho-tiers-smoke [--keep-going] [SEEDS] [FIRST_SEED] [DUMP_DIR]
//
// With DUMP_DIR, every generated module is also written there as SEED.wasm.
// Exits 1 at the first difference (the module is written to tiers-smoke-SEED.wasm in the
// current directory), or after all seeds with --keep-going (for long sweeps that should
// list every difference), or when too few calls ran to mean anything.
#include "tier_comparison.h"

#include <tycho/wasm/trap_code.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

// splitmix64: a fixed, portable stream of bytes for each seed.
uint64_t next(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
    return z ^ (z >> 31);
}

std::vector<uint8_t> input_for(uint64_t seed) {
    uint64_t state = seed;
    std::vector<uint8_t> bytes(64 + next(state) % 2048);
    for (uint8_t& b : bytes)
        b = uint8_t(next(state));
    // Not the Wasm magic: every input is a generator recipe.
    if (!bytes.empty() && bytes[0] == 0) bytes[0] = 1;
    return bytes;
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

} // namespace

int main(int argc, char** argv) {
    const bool keep_going = argc > 1 && std::string(argv[1]) == "--keep-going";
    if (keep_going) --argc, ++argv;
    const uint64_t seeds = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 300;
    const uint64_t first = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
    const char* dump_dir = argc > 3 ? argv[3] : nullptr;
    if (!tycho::fuzz::native_tier_available()) return 1;

    tycho::fuzz::TierStats stats;
    uint64_t differences = 0;
    for (uint64_t seed = first; seed < first + seeds; ++seed) {
        const auto comparison = tycho::fuzz::compare_tiers(input_for(seed), stats);
        if (dump_dir)
            write_file(std::string(dump_dir) + "/" + std::to_string(seed) + ".wasm",
                       comparison.wasm);
        if (!comparison.differs) continue;
        const std::string file = "tiers-smoke-" + std::to_string(seed) + ".wasm";
        write_file(file, comparison.wasm);
        std::printf("seed %llu: %s\nmodule written to %s\n", static_cast<unsigned long long>(seed),
                    comparison.description.c_str(), file.c_str());
        ++differences;
        if (!keep_going) return 1;
    }
    std::printf("%llu seeds: %llu modules, %llu calls: %llu returned, %llu trapped, %llu "
                "stopped by the budget; %llu modules ended early by stack exhaustion\n",
                static_cast<unsigned long long>(seeds),
                static_cast<unsigned long long>(stats.modules),
                static_cast<unsigned long long>(stats.calls),
                static_cast<unsigned long long>(stats.returned),
                static_cast<unsigned long long>(stats.trapped),
                static_cast<unsigned long long>(stats.stopped),
                static_cast<unsigned long long>(stats.incomparable));
    std::printf("traps by code:");
    for (size_t code = 0; code < stats.traps_by_code.size(); ++code)
        if (stats.traps_by_code[code])
            std::printf(" %s %llu", tycho::wasm::trap_message(tycho::wasm::TrapCode(code)),
                        static_cast<unsigned long long>(stats.traps_by_code[code]));
    std::printf("\n");
    if (differences) {
        std::printf("FAILED: %llu seeds differ\n", static_cast<unsigned long long>(differences));
        return 1;
    }
    // Every seed must give a module both tiers run, and most calls must get somewhere.
    if (stats.modules != seeds || stats.returned == 0 || stats.trapped == 0) {
        std::printf("FAILED: the generator produced too little to compare\n");
        return 1;
    }
    return 0;
}
