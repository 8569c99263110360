// The tests of a module built with `cargo test` (lunatic-abi.md §14.3): every exported
// function whose name starts with "#lunatic_test_", named
//   "#lunatic_test_" ["#ignore_"] ["#panic_" EXPECTED "#"] TEST_NAME
// where EXPECTED is should_panic's expected text with each '#' written as "\#" (empty when
// none was given) and TEST_NAME is the test's module path and function name.
#pragma once

#include <tycho/wasm/engine.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tycho::cli {

struct TestCase {
    std::string export_name; // the entry the test's process starts at
    std::string name;        // TEST_NAME
    bool ignored = false;
    bool should_panic = false;
    std::string expected; // should_panic's expected text, "\#" read back as '#'
};

// The test an export name stands for; nullopt when it is not a test's or is malformed
// (a "#panic_" without its closing '#').
std::optional<TestCase> parse_test_export(std::string_view export_name);

// The module's tests, sorted by name.
std::vector<TestCase> find_tests(const wasm::Module& module);

struct TestFilter {
    std::optional<std::string> pattern; // a substring of the name, or the name with `exact`
    bool exact = false;
    bool ignored_only = false; // --ignored: run the ignored tests (only them)
};

struct TestSelection {
    std::vector<const TestCase*> run;     // to run, in name order
    std::vector<const TestCase*> ignored; // selected but reported as ignored, not run
    size_t filtered_out = 0;
};

// Which of `tests` run, which are reported as ignored, and how many the filter left out
// (with --ignored, the tests that are not ignored count as filtered out).
TestSelection select_tests(const std::vector<TestCase>& tests, const TestFilter& filter);

} // namespace tycho::cli
