// libFuzzer target: runs a module in the interpreter and in native code and traps on the
// first observable difference (tier_comparison.h). Inputs are mostly recipes for the
// module generator; inputs that start with the Wasm magic run as they are.
#include "tier_comparison.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

// Where a differing module and its description go: $TYCHO_FUZZ_DIFF_DIR, or the current
// directory. libFuzzer keeps the input itself as its crash artifact.
void report(const tycho::fuzz::TierComparison& comparison) {
    const char* dir = std::getenv("TYCHO_FUZZ_DIFF_DIR");
    const std::string base = std::string(dir && *dir ? dir : ".") + "/tiers-difference";
    std::ofstream(base + ".wasm", std::ios::binary)
        .write(reinterpret_cast<const char*>(comparison.wasm.data()),
               std::streamsize(comparison.wasm.size()));
    std::ofstream(base + ".txt") << comparison.description << '\n';
    std::fprintf(stderr, "tiers differ: %s\nmodule: %s.wasm\n", comparison.description.c_str(),
                 base.c_str());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Without the plugin every input would "differ"; say so once instead.
    if (!tycho::fuzz::native_tier_available()) std::exit(2);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tycho::fuzz::TierStats stats;
    const auto comparison = tycho::fuzz::compare_tiers({data, size}, stats);
    if (comparison.differs) {
        report(comparison);
        __builtin_trap();
    }
    return 0;
}
