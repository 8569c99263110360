#include "sweep.h"

namespace tycho::hostile {

const char* to_string(Outcome outcome) {
    switch (outcome) {
    case Outcome::returned: return "returned";
    case Outcome::trapped: return "trapped";
    case Outcome::exited: return "exited";
    case Outcome::killed: return "killed";
    case Outcome::link_died: return "link died";
    case Outcome::killed_by_sweep: return "killed by the sweep";
    case Outcome::setup_failed: return "setup failed";
    }
    return "?";
}

SweepTiming default_timing() {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
    return {std::chrono::milliseconds(500), std::chrono::seconds(20)};
#endif
#endif
    return {std::chrono::milliseconds(200), std::chrono::seconds(10)};
}

namespace {

struct Started {
    const ArgumentPattern* pattern;
    Place place;
    runtime::ProcessId root;
};

std::pair<Outcome, std::string> outcome_of(const Ended& ended,
                                           std::optional<Clock::time_point> kill) {
    if (!ended.report) return {Outcome::returned, ""};
    const host::FailureReport& report = *ended.report;
    switch (report.ending) {
    case host::Ending::crashed: return {Outcome::trapped, report.reason};
    case host::Ending::exited: return {Outcome::exited, report.reason};
    case host::Ending::link_died: return {Outcome::link_died, report.reason};
    case host::Ending::killed:
        if (kill && ended.at >= *kill) return {Outcome::killed_by_sweep, ""};
        return {Outcome::killed, ""};
    }
    return {Outcome::trapped, report.reason};
}

// What became of the call `run` made; for spawned_entry, the root's exit status names the
// child that made it.
CallResult result_of(const SweepNode& node, const Started& run,
                     std::optional<Clock::time_point> kill) {
    CallResult result{run.pattern->name, run.place, Outcome::setup_failed, ""};
    const std::optional<Ended> root = node.ended(run.root);
    if (!root) {
        result.detail = "the root process never ended";
        return result;
    }
    if (run.place != Place::spawned_entry) {
        std::tie(result.outcome, result.detail) = outcome_of(*root, kill);
        return result;
    }
    if (!root->report || root->report->ending != host::Ending::exited || root->status <= 0) {
        const auto [outcome, detail] = outcome_of(*root, kill);
        result.detail = std::string("the spawning root ") + to_string(outcome) + ": " + detail;
        return result;
    }
    const std::optional<Ended> child = node.ended(runtime::ProcessId(root->status));
    if (!child) {
        result.detail = "the child never ended";
        return result;
    }
    std::tie(result.outcome, result.detail) = outcome_of(*child, kill);
    return result;
}

} // namespace

SweepResult sweep(SweepNode& node, const HostFunction& function,
                  const std::vector<ArgumentPattern>& patterns, SweepTiming timing) {
    SweepResult result;
    const Clock::time_point begin = Clock::now();
    const runtime::ProcessId first = node.id_fence();
    std::vector<Started> started;
    for (const ArgumentPattern& pattern : patterns) {
        for (Place place : kPlaces) {
            if (place == Place::spawned_entry && !pattern.memory_exported) continue;
            const std::string what = pattern.name + " from " + to_string(place);
            std::string error;
            auto module =
                node.compile(hostile_module(node.host().linker(), function, pattern, place), error);
            if (!module) {
                result.problems += what + ": the module was refused: " + error + "\n";
                continue;
            }
            auto root = node.start(std::move(module), error);
            if (!root) {
                result.problems += what + ": the spawn was refused: " + error + "\n";
                continue;
            }
            started.push_back({&pattern, place, *root});
        }
    }
    const SweepNode::Settled settled = node.settle(first, timing.quiet, timing.hang_limit);
    result.all_ended = settled.all_ended;
    for (const Started& run : started)
        result.calls.push_back(result_of(node, run, settled.kill));
    result.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
    return result;
}

} // namespace tycho::hostile
