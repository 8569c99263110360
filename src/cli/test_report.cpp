#include "test_report.h"

#include <algorithm>

namespace tycho::cli {

void TestReport::run_start(size_t count) {
    std::fprintf(out_, "\nrunning %zu %s\n", count, count == 1 ? "test" : "tests");
    std::fflush(out_);
}

void TestReport::ignored(const std::string& name) {
    ++ignored_;
    std::fprintf(out_, "test %s ... ignored\n", name.c_str());
    std::fflush(out_);
}

void TestReport::finished(const std::string& name, bool passed, std::string output,
                          const std::string& note) {
    std::fprintf(out_, "test %s ... %s\n", name.c_str(), passed ? "ok" : "FAILED");
    std::fflush(out_);
    if (!note.empty()) output += "note: " + note;
    if (passed) {
        ++passed_;
        if (show_output_) successes_.push_back({name, std::move(output)});
    } else {
        failures_.push_back({name, std::move(output)});
    }
}

void TestReport::print_section(const char* title, std::vector<Outcome>& outcomes) {
    std::sort(outcomes.begin(), outcomes.end(),
              [](const Outcome& a, const Outcome& b) { return a.name < b.name; });
    std::fprintf(out_, "\n%s:\n", title);
    std::string outputs;
    for (const Outcome& outcome : outcomes) {
        if (outcome.output.empty()) continue;
        outputs += "---- " + outcome.name + " stdout ----\n" + outcome.output + "\n";
    }
    if (!outputs.empty()) std::fprintf(out_, "\n%s", outputs.c_str());
    std::fprintf(out_, "\n%s:\n", title);
    for (const Outcome& outcome : outcomes)
        std::fprintf(out_, "    %s\n", outcome.name.c_str());
}

int TestReport::finish(size_t filtered_out, double seconds) {
    if (show_output_) print_section("successes", successes_);
    if (!failures_.empty()) print_section("failures", failures_);
    const bool ok = failures_.empty();
    std::fprintf(out_,
                 "\ntest result: %s. %zu passed; %zu failed; %zu ignored; 0 measured; %zu "
                 "filtered out; finished in %.2fs\n\n",
                 ok ? "ok" : "FAILED", passed_, failures_.size(), ignored_, filtered_out, seconds);
    std::fflush(out_);
    return ok ? 0 : 1;
}

} // namespace tycho::cli
