#include "verdict.h"

#include <gtest/gtest.h>

namespace tycho::spec {
namespace {

TEST(Verdict, CommandsThatRanDecide) {
    EXPECT_EQ(verdict(Tally{3, 0, {}}), Verdict::Pass);
    EXPECT_EQ(verdict(Tally{3, 1, {}}), Verdict::Fail);
    EXPECT_EQ(verdict(Tally{3, 0, {{std::string(kTextFormat), 5}}}), Verdict::Pass);
    EXPECT_EQ(verdict(Tally{0, 1, {{std::string(kTextFormat), 5}}}), Verdict::Fail);
}

TEST(Verdict, AScriptOfTextFormatModulesOnlyIsSkipped) {
    EXPECT_EQ(verdict(Tally{0, 0, {{std::string(kTextFormat), 176}}}), Verdict::Skip);
}

TEST(Verdict, AScriptThatRanNothingElseFails) {
    EXPECT_EQ(verdict(Tally{}), Verdict::Fail);
    EXPECT_EQ(verdict(Tally{0, 0, {{"some other reason", 2}}}), Verdict::Fail);
    EXPECT_EQ(verdict(Tally{0, 0, {{std::string(kTextFormat), 2}, {"some other reason", 1}}}),
              Verdict::Fail);
}

} // namespace
} // namespace tycho::spec
