#include "test_catalog.h"

#include <algorithm>

namespace tycho::cli {

namespace {

constexpr std::string_view kTestPrefix = "#lunatic_test_";
constexpr std::string_view kIgnoreMark = "#ignore_";
constexpr std::string_view kPanicMark = "#panic_";

bool consume(std::string_view& text, std::string_view prefix) {
    if (!text.starts_with(prefix)) return false;
    text.remove_prefix(prefix.size());
    return true;
}

// The expected text up to the first '#' that is not written "\#", with each "\#" read back
// as '#'; `text` is left after that '#'. nullopt when there is no such '#'.
std::optional<std::string> take_expected(std::string_view& text) {
    std::string expected;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '#') {
            expected += '#';
            ++i;
        } else if (text[i] == '#') {
            text.remove_prefix(i + 1);
            return expected;
        } else {
            expected += text[i];
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<TestCase> parse_test_export(std::string_view export_name) {
    std::string_view rest = export_name;
    if (!consume(rest, kTestPrefix)) return std::nullopt;
    TestCase test;
    test.export_name = std::string(export_name);
    test.ignored = consume(rest, kIgnoreMark);
    if (consume(rest, kPanicMark)) {
        auto expected = take_expected(rest);
        if (!expected) return std::nullopt;
        test.should_panic = true;
        test.expected = std::move(*expected);
    }
    test.name = std::string(rest);
    return test;
}

std::vector<TestCase> find_tests(const wasm::Module& module) {
    std::vector<TestCase> tests;
    for (const wasm::Export& exported : module.info().exports) {
        if (exported.kind != wasm::ExternKind::Func) continue;
        if (auto test = parse_test_export(exported.name)) tests.push_back(std::move(*test));
    }
    std::stable_sort(tests.begin(), tests.end(),
                     [](const TestCase& a, const TestCase& b) { return a.name < b.name; });
    return tests;
}

TestSelection select_tests(const std::vector<TestCase>& tests, const TestFilter& filter) {
    TestSelection selection;
    for (const TestCase& test : tests) {
        bool matches = true;
        if (filter.pattern)
            matches = filter.exact ? test.name == *filter.pattern
                                   : test.name.find(*filter.pattern) != std::string::npos;
        if (filter.ignored_only && !test.ignored) matches = false;
        if (!matches)
            ++selection.filtered_out;
        else if (test.ignored && !filter.ignored_only)
            selection.ignored.push_back(&test);
        else
            selection.run.push_back(&test);
    }
    return selection;
}

} // namespace tycho::cli
