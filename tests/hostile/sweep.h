// One sweep: for a host function, every argument pattern that applies to it, from every
// place, all started at once in a SweepNode; then what became of each call.
#pragma once

#include "host_functions.h"
#include "hostile_arguments.h"
#include "hostile_module.h"
#include "sweep_node.h"

#include <ostream>
#include <string>
#include <vector>

namespace tycho::hostile {

enum class Outcome {
    returned,        // the call returned and the process ended normally
    trapped,         // the process crashed (the call trapped, most likely)
    exited,          // proc_exit with a non-zero status
    killed,          // a kill from a guest (the hostile call killed its own process)
    link_died,       // a linked process failed (or did not exist when linked)
    killed_by_sweep, // still waiting (as asked) when all else had ended: the sweep killed it
    setup_failed,    // the call was never made: the spawning root or the spawn failed
};
const char* to_string(Outcome outcome);
inline void PrintTo(Outcome outcome, std::ostream* out) {
    *out << to_string(outcome);
}

struct CallResult {
    std::string pattern;
    Place place;
    Outcome outcome;
    std::string detail; // the failure report's reason, or why the setup failed
};

struct SweepResult {
    std::vector<CallResult> calls;
    bool all_ended = true; // false: some process survived its kill
    std::string problems;  // modules refused, spawns refused, processes never ended
    double seconds = 0;
};

struct SweepTiming {
    Clock::duration quiet;      // no process ended for this long: the rest are killed
    Clock::duration hang_limit; // a process still live this long after its kill hangs
};
// Longer under sanitizers, which slow everything down several times.
SweepTiming default_timing();

SweepResult sweep(SweepNode& node, const HostFunction& function,
                  const std::vector<ArgumentPattern>& patterns, SweepTiming timing);

} // namespace tycho::hostile
