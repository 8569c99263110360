// The hostile-guest sweep: every function the Host's linker defines, called with
// out-of-bounds and wrapping pointers, unknown and just-dropped ids, from a root's `_start`,
// from a spawned child's entry, from a module's start function and from inside
// lunatic::trap::catch (hostile_module.h). The runtime must never
// die (each host function is its own test process, so a crash names the function), never
// hang (a process that outlives its kill fails the test), and give back everything the
// hostile processes held (the runtime-wide memory budget returns to where it was; the
// sanitizer build checks for leaks). Outcomes per call are printed: ctest -V shows them.
#include "host_functions.h"
#include "hostile_arguments.h"
#include "hostile_module.h"
#include "sweep.h"
#include "sweep_node.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace tycho::hostile {
namespace {

std::string summary(const HostFunction& function, const SweepResult& result) {
    std::map<std::string, int> counts;
    std::ostringstream lines;
    for (const CallResult& call : result.calls) {
        ++counts[to_string(call.outcome)];
        lines << "  [" << to_string(call.place) << "] " << call.pattern << ": "
              << to_string(call.outcome);
        if (!call.detail.empty()) lines << ": " << call.detail.substr(0, 120);
        lines << "\n";
    }
    std::ostringstream out;
    out << function.full_name() << " " << function.type.to_string() << ": " << result.calls.size()
        << " calls in " << result.seconds << " s;";
    for (const auto& [outcome, n] : counts)
        out << " " << outcome << " " << n << ";";
    out << "\n" << lines.str();
    return out.str();
}

// Fresh processes still run to completion: a harmless call from every place returns.
void expect_runtime_still_works(SweepNode& node) {
    const HostFunction harmless{"lunatic::version", "major", {{}, {wasm::ValType::I32}}};
    const std::vector<ArgumentPattern> plain = {patterns_for(harmless).front()};
    const SweepResult fresh = sweep(node, harmless, plain, default_timing());
    ASSERT_TRUE(fresh.all_ended) << "a fresh process hangs after the sweep";
    EXPECT_EQ(fresh.problems, "");
    ASSERT_EQ(fresh.calls.size(), std::size(kPlaces));
    for (const CallResult& call : fresh.calls)
        EXPECT_EQ(call.outcome, Outcome::returned)
            << "after the sweep, a fresh process from " << to_string(call.place) << " "
            << to_string(call.outcome) << ": " << call.detail;
}

class HostileSweep : public ::testing::TestWithParam<HostFunction> {};

// Stops the whole test binary when processes outlived their kill: tearing the node down
// could hang as well.
void exit_if_hung(const HostFunction& function, const SweepResult& result) {
    if (result.all_ended) return;
    std::cerr << "HANG: a process calling " << function.full_name()
              << " did not end after it was killed\n"
              << result.problems << std::flush;
    std::_Exit(1);
}

TEST_P(HostileSweep, NeverCrashesHangsOrLeaks) {
    const HostFunction& function = GetParam();
    SweepNode node;
    const uint64_t budget_before = node.budget_held_by_processes();
    const std::vector<ArgumentPattern> patterns = patterns_for(function);

    const SweepResult result = sweep(node, function, patterns, default_timing());
    std::cout << summary(function, result) << std::flush;
    exit_if_hung(function, result);
    EXPECT_EQ(result.problems, "");
    for (const CallResult& call : result.calls)
        EXPECT_NE(call.outcome, Outcome::setup_failed)
            << call.pattern << " from " << to_string(call.place) << ": " << call.detail;
    EXPECT_EQ(node.budget_held_by_processes(), budget_before)
        << "dead hostile processes left memory charged to the runtime-wide budget";

    // Again, killing every process as soon as all are started: the kills land anywhere,
    // before the start function, inside it, in the prelude, in the call. What each call did
    // is not checked (many never ran), only that everything ends and gives back its memory.
    SweepTiming at_once = default_timing();
    at_once.quiet = Clock::duration::zero();
    const SweepResult killed = sweep(node, function, patterns, at_once);
    exit_if_hung(function, killed);
    EXPECT_EQ(killed.problems, "");
    EXPECT_EQ(node.budget_held_by_processes(), budget_before)
        << "processes killed at once left memory charged to the runtime-wide budget";

    expect_runtime_still_works(node);
    EXPECT_EQ(node.budget_held_by_processes(), budget_before);
}

INSTANTIATE_TEST_SUITE_P(Every, HostileSweep, ::testing::ValuesIn(every_host_function()),
                         [](const ::testing::TestParamInfo<HostFunction>& info) {
                             return info.param.identifier();
                         });

TEST(HostileSweepSetup, SweepsEveryFunctionOfTheHostsLinker) {
    SweepNode node;
    const std::vector<HostFunction> swept = every_host_function();
    const std::vector<HostFunction> defined = functions_of(node.host().linker());
    ASSERT_EQ(swept.size(), defined.size());
    for (size_t i = 0; i < swept.size(); ++i) {
        EXPECT_EQ(swept[i].full_name(), defined[i].full_name());
        EXPECT_EQ(swept[i].type, defined[i].type) << swept[i].full_name();
    }
    // The lunatic namespaces and WASI are all there.
    for (const char* module :
         {"lunatic::distributed", "lunatic::error", "lunatic::message", "lunatic::metrics",
          "lunatic::process", "lunatic::registry", "lunatic::sqlite", "lunatic::timer",
          "lunatic::trap", "lunatic::version", "lunatic::wasi", "wasi_snapshot_preview1"}) {
        EXPECT_TRUE(std::any_of(swept.begin(), swept.end(), [&](const HostFunction& f) {
            return f.module == module;
        })) << module;
    }
}

// The sweep's own machinery: every prelude leaves what it promises and every place reaches
// the call. Calls that return whatever they get (exists, random_get: EFAULT is a return)
// must return from every pattern and place; a prelude that failed would trap instead.
TEST(HostileSweepSetup, EveryPreludeAndPlaceReachesTheCall) {
    SweepNode node;
    for (const HostFunction& function : every_host_function()) {
        if (function.full_name() != "lunatic::process::exists" &&
            function.full_name() != "wasi_snapshot_preview1::random_get")
            continue;
        const std::vector<ArgumentPattern> patterns = patterns_for(function);
        const SweepResult result = sweep(node, function, patterns, default_timing());
        ASSERT_TRUE(result.all_ended);
        EXPECT_EQ(result.problems, "");
        size_t expected_calls = 0;
        for (const ArgumentPattern& pattern : patterns)
            expected_calls += pattern.memory_exported ? std::size(kPlaces) : std::size(kPlaces) - 1;
        EXPECT_EQ(result.calls.size(), expected_calls);
        for (const CallResult& call : result.calls)
            EXPECT_EQ(call.outcome, Outcome::returned)
                << function.full_name() << ", " << call.pattern << " from " << to_string(call.place)
                << ": " << call.detail;
    }
}

// Patterns that need parameters of a kind are left out where there are none; ids go to
// every i64 position in turn.
TEST(HostileSweepSetup, PatternsFitTheParameters) {
    const HostFunction no_params{"m", "f", {}};
    EXPECT_EQ(patterns_for(no_params).size(), 5u); // the plain ones

    const HostFunction one_id{"m", "f", {{wasm::ValType::I64}, {}}};
    const std::vector<ArgumentPattern> id_patterns = patterns_for(one_id);
    EXPECT_EQ(id_patterns.size(), 5u + 11u); // plain, then one per kind of id
    for (const ArgumentPattern& p : id_patterns) {
        EXPECT_TRUE(p.memory_exported) << p.name;
        EXPECT_EQ(p.id_position.has_value(), makes_id(p.prelude)) << p.name;
    }

    const HostFunction two_ids{"m", "f", {{wasm::ValType::I64, wasm::ValType::I64}, {}}};
    std::set<uint32_t> positions;
    for (const ArgumentPattern& p : patterns_for(two_ids))
        if (p.prelude == Prelude::dropped_module) positions.insert(p.id_position.value());
    EXPECT_EQ(positions, (std::set<uint32_t>{0, 1}));

    const HostFunction pointers{"m", "f", {{wasm::ValType::I32, wasm::ValType::I32}, {}}};
    bool wraps = false, no_memory = false;
    for (const ArgumentPattern& p : patterns_for(pointers)) {
        wraps = wraps || (uint64_t(p.i32_argument(0)) + p.i32_argument(1) > UINT32_MAX);
        no_memory = no_memory || !p.memory_exported;
    }
    EXPECT_TRUE(wraps);
    EXPECT_TRUE(no_memory);
}

} // namespace
} // namespace tycho::hostile
