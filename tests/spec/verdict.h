// The score of one script and the verdict on it, kept apart from the runner so that the
// rule can be tested without the engine.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace tycho::spec {

// Why a command is skipped when its module is in the text format: Tycho takes only
// binaries, and wast2json leaves these modules as .wat text because they test the text
// parser (wabt's job, not the engine's). The only reason a command may be skipped for.
inline constexpr std::string_view kTextFormat = "text-format module";

struct Tally {
    int passed = 0;
    int failed = 0;
    std::map<std::string, int, std::less<>> skipped; // reason -> count

    int skipped_total() const {
        int n = 0;
        for (const auto& [reason, count] : skipped)
            n += count;
        return n;
    }
};

enum class Verdict : uint8_t { Pass, Fail, Skip };

// A script passes when commands ran and none failed. When nothing ran it is skipped only
// if every command was one Tycho cannot run (a text-format module); a script that had
// other commands, or none at all, and ran nothing fails.
inline Verdict verdict(const Tally& t) {
    if (t.failed > 0) return Verdict::Fail;
    if (t.passed > 0) return Verdict::Pass;
    const bool only_text = t.skipped.size() == 1 && t.skipped.begin()->first == kTextFormat &&
                           t.skipped.begin()->second > 0;
    return only_text ? Verdict::Skip : Verdict::Fail;
}

} // namespace tycho::spec
