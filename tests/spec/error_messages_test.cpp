#include "error_messages.h"

#include <gtest/gtest.h>

#include <string>

namespace tycho::spec {
namespace {

TEST(ErrorMessages, TheEngineMessageMustStartWithTheExpectedText) {
    EXPECT_TRUE(compile_error_matches("type mismatch", "type mismatch", "a.wast"));
    EXPECT_TRUE(compile_error_matches("type mismatch: i32.add needs two operands", "type mismatch",
                                      "a.wast"));
    EXPECT_TRUE(compile_error_matches("unknown global 1 in initializer of global 2",
                                      "unknown global 1", "a.wast"));
    EXPECT_FALSE(compile_error_matches("type mismatch", "unknown local", "a.wast"));
    EXPECT_FALSE(compile_error_matches("unknown", "unknown global", "a.wast"));
    EXPECT_FALSE(compile_error_matches("", "type mismatch", "a.wast"));
    EXPECT_FALSE(compile_error_matches("type mismatch", "", "a.wast"));
}

TEST(ErrorMessages, AMatchEndsAtAWordBoundary) {
    EXPECT_FALSE(compile_error_matches("unknown global 10", "unknown global 1", "a.wast"));
    EXPECT_FALSE(compile_error_matches("unknown globals", "unknown global", "a.wast"));
    EXPECT_TRUE(compile_error_matches("unknown global (index 3)", "unknown global", "a.wast"));
}

TEST(ErrorMessages, TheFunctionContextIsIgnored) {
    EXPECT_TRUE(compile_error_matches("function 12: unknown local 3", "unknown local", "a.wast"));
    EXPECT_FALSE(compile_error_matches("function x: unknown local 3", "unknown local", "a.wast"));
}

TEST(ErrorMessages, AliasesMapTychosWordingToTheSpecs) {
    EXPECT_TRUE(compile_error_matches("length out of bounds: 3 element segments declared but only "
                                      "2 bytes remain",
                                      "unexpected end of section or function", "a.wast"));
    EXPECT_TRUE(compile_error_matches("duplicate start section",
                                      "unexpected content after last section", "a.wast"));
    EXPECT_TRUE(compile_error_matches("function 0: data count section required",
                                      "unknown data segment 1", "a.wast"));
    // An alias gives one reason only.
    EXPECT_FALSE(compile_error_matches("duplicate export name \"f\"",
                                       "unexpected content after last section", "a.wast"));
    EXPECT_FALSE(compile_error_matches("malformed limits flags 0x2", "type mismatch", "a.wast"));
}

TEST(ErrorMessages, AScriptsOwnAliasAppliesToThatScriptOnly) {
    EXPECT_TRUE(
        compile_error_matches("function 0: unknown type 11", "unexpected end", "binary.wast"));
    EXPECT_FALSE(
        compile_error_matches("function 0: unknown type 11", "unexpected end", "other.wast"));
}

TEST(ErrorMessages, EveryAliasIsExplainedAndNeeded) {
    for (const MessageAlias& alias : message_aliases()) {
        SCOPED_TRACE(std::string(alias.spec) + " <- " + std::string(alias.engine));
        EXPECT_FALSE(alias.spec.empty());
        EXPECT_FALSE(alias.engine.empty());
        EXPECT_FALSE(alias.why.empty());
        // An alias whose engine wording already starts with the spec's text is dead weight.
        EXPECT_FALSE(alias.engine.starts_with(alias.spec));
    }
}

} // namespace
} // namespace tycho::spec
