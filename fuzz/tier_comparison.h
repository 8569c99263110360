// Runs one module in the interpreter and in native code and compares everything a caller
// can observe. Used by the libFuzzer target (tiers_fuzz.cpp) and by the smoke test
// (tiers_smoke.cpp), so the comparison itself is tested without libFuzzer.
#pragma once

#include "module_generator.h"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tycho::fuzz {

// What the runs did, summed over inputs.
struct TierStats {
    uint64_t modules = 0;                     // compiled by both tiers
    uint64_t rejected = 0;                    // raw modules neither tier accepts
    uint64_t calls = 0;                       // export calls compared
    uint64_t returned = 0;                    // ... that returned
    uint64_t trapped = 0;                     // ... that trapped (other than below)
    uint64_t stopped = 0;                     // ... that the reduction hook stopped
    uint64_t incomparable = 0;                // modules abandoned after a call exhausted a stack
    std::array<uint64_t, 16> traps_by_code{}; // indexed by TrapCode
};

struct TierComparison {
    bool differs = false;
    std::string description;   // what differed, when it did
    std::vector<uint8_t> wasm; // the module that ran
};

// An input is a raw module when it starts with the Wasm magic (so the spec corpus can seed
// the fuzzer): its exports get zero arguments, and a module both tiers reject is fine.
// Any other input is a recipe for generate_module; the bytes it leaves give the
// arguments, and the generated module must compile.
TierComparison compare_tiers(std::span<const uint8_t> input, TierStats& stats);

// Whether the native tier can be loaded at all (the error is printed when it cannot).
bool native_tier_available();

} // namespace tycho::fuzz
