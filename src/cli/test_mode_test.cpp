// cargo test mode's pieces: export names, selection, arguments, detection, panic messages,
// verdicts and the libtest-format report.
#include "test_args.h"
#include "test_catalog.h"
#include "test_report.h"
#include "test_verdict.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <functional>

namespace tycho::cli {
namespace {

TEST(TestExport, PlainIgnoredAndShouldPanic) {
    auto plain = parse_test_export("#lunatic_test_crate::tests::adds");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->name, "crate::tests::adds");
    EXPECT_EQ(plain->export_name, "#lunatic_test_crate::tests::adds");
    EXPECT_FALSE(plain->ignored);
    EXPECT_FALSE(plain->should_panic);

    auto ignored = parse_test_export("#lunatic_test_#ignore_crate::slow");
    ASSERT_TRUE(ignored);
    EXPECT_TRUE(ignored->ignored);
    EXPECT_EQ(ignored->name, "crate::slow");

    auto panics = parse_test_export("#lunatic_test_#ignore_#panic_out of range#crate::pops");
    ASSERT_TRUE(panics);
    EXPECT_TRUE(panics->ignored);
    EXPECT_TRUE(panics->should_panic);
    EXPECT_EQ(panics->expected, "out of range");
    EXPECT_EQ(panics->name, "crate::pops");

    auto any_panic = parse_test_export("#lunatic_test_#panic_#crate::any");
    ASSERT_TRUE(any_panic);
    EXPECT_TRUE(any_panic->should_panic);
    EXPECT_EQ(any_panic->expected, "");
    EXPECT_EQ(any_panic->name, "crate::any");
}

TEST(TestExport, EscapedHashesInExpectedText) {
    auto test = parse_test_export("#lunatic_test_#panic_issue \\#12 and \\#\\##crate::hashes");
    ASSERT_TRUE(test);
    EXPECT_EQ(test->expected, "issue #12 and ##");
    EXPECT_EQ(test->name, "crate::hashes");
}

TEST(TestExport, NotTests) {
    EXPECT_FALSE(parse_test_export("_start"));
    EXPECT_FALSE(parse_test_export("lunatic_test_x"));
    EXPECT_FALSE(parse_test_export("#lunatic_test_#panic_never closed"));
    EXPECT_FALSE(parse_test_export("#lunatic_test_#panic_escaped at the end\\#"));
}

std::vector<TestCase> sample_tests() {
    std::vector<TestCase> tests;
    for (const char* name : {"#lunatic_test_m::adds", "#lunatic_test_m::adds_more",
                             "#lunatic_test_#ignore_m::slow", "#lunatic_test_#panic_#m::panics"})
        tests.push_back(*parse_test_export(name));
    return tests;
}

std::vector<std::string> names(const std::vector<const TestCase*>& tests) {
    std::vector<std::string> out;
    for (const TestCase* test : tests)
        out.push_back(test->name);
    return out;
}

TEST(TestSelection, NoFilterRunsAllButTheIgnored) {
    const auto tests = sample_tests();
    const TestSelection selection = select_tests(tests, {});
    EXPECT_EQ(names(selection.run),
              (std::vector<std::string>{"m::adds", "m::adds_more", "m::panics"}));
    EXPECT_EQ(names(selection.ignored), (std::vector<std::string>{"m::slow"}));
    EXPECT_EQ(selection.filtered_out, 0u);
}

TEST(TestSelection, SubstringExactAndIgnored) {
    const auto tests = sample_tests();
    TestSelection selection = select_tests(tests, {"adds", false, false});
    EXPECT_EQ(names(selection.run), (std::vector<std::string>{"m::adds", "m::adds_more"}));
    EXPECT_EQ(selection.filtered_out, 2u);

    selection = select_tests(tests, {"m::adds", true, false});
    EXPECT_EQ(names(selection.run), (std::vector<std::string>{"m::adds"}));
    EXPECT_EQ(selection.filtered_out, 3u);

    selection = select_tests(tests, {"adds", true, false});
    EXPECT_TRUE(selection.run.empty());
    EXPECT_EQ(selection.filtered_out, 4u);

    selection = select_tests(tests, {std::nullopt, false, true});
    EXPECT_EQ(names(selection.run), (std::vector<std::string>{"m::slow"}));
    EXPECT_TRUE(selection.ignored.empty());
    EXPECT_EQ(selection.filtered_out, 3u);
}

wasm::Result<TestArgs, std::string> parse(std::vector<std::string> args) {
    return parse_test_args(args);
}

TEST(TestArgsParsing, FilterFlagsAndGuestArguments) {
    auto args = parse({"adds", "--exact", "--nocapture", "--dir", "/tmp", "--show-output",
                       "--ignored", "--test-timeout=5", "extra", "--color=never", "-q"});
    ASSERT_TRUE(args) << args.error();
    EXPECT_EQ(args.value().filter, "adds");
    EXPECT_TRUE(args.value().exact);
    EXPECT_TRUE(args.value().nocapture);
    EXPECT_TRUE(args.value().show_output);
    EXPECT_TRUE(args.value().ignored);
    EXPECT_FALSE(args.value().list);
    EXPECT_EQ(args.value().dirs, (std::vector<std::string>{"/tmp"}));
    EXPECT_EQ(args.value().timeout_seconds, 5u);
    EXPECT_EQ(args.value().guest_args, (std::vector<std::string>{"extra", "--color=never", "-q"}));
}

TEST(TestArgsParsing, ListNeedsTerseFormat) {
    auto args = parse({"--list", "--format", "terse"});
    ASSERT_TRUE(args);
    EXPECT_TRUE(args.value().list);
    EXPECT_FALSE(args.value().filter);
    EXPECT_EQ(parse({"--list"}).error(), "--list needs --format terse");
    EXPECT_EQ(parse({"--format=terse"}).error(), "--format terse goes with --list");
    EXPECT_EQ(parse({"--list", "--format", "json"}).error(),
              "--format supports only 'terse' (with --list), got 'json'");
    EXPECT_EQ(parse({"--dir"}).error(), "--dir needs a value");
    EXPECT_EQ(parse({"--test-timeout", "0"}).error(),
              "--test-timeout needs a positive number of seconds, got '0'");
}

TEST(CargoTestDetection, PathEnvironmentAndBench) {
    const std::string test_binary = "/src/app/target/wasm32-wasi/debug/deps/app-1234abcd.wasm";
    const std::vector<std::string> none;
    EXPECT_TRUE(is_cargo_test_invocation("/src/app", test_binary, none));
    EXPECT_TRUE(is_cargo_test_invocation(
        "/src/app", "target/wasm32-unknown-unknown/release/deps/app.wasm", none));
    EXPECT_FALSE(is_cargo_test_invocation(nullptr, test_binary, none));
    const std::vector<std::string> bench = {"--bench"};
    EXPECT_FALSE(is_cargo_test_invocation("/src/app", test_binary, bench));
    EXPECT_FALSE(
        is_cargo_test_invocation("/src/app", "/src/app/target/wasm32-wasi/debug/app.wasm", none));
    EXPECT_FALSE(is_cargo_test_invocation(
        "/src/app", "/src/app/target/wasm32-wasi/debug/deps/sub/app.wasm", none));
    EXPECT_TRUE(is_cargo_test_invocation(
        "/src/app", "/src/app/build-target/wasm32-wasi/debug/deps/app.wasm", none));
    EXPECT_FALSE(is_cargo_test_invocation(
        "/src/app", "/src/app/target/wasm32-wasi/profiling/deps/app.wasm", none));
    EXPECT_FALSE(is_cargo_test_invocation(
        "/src/app", "/src/app/target/x86_64-unknown-linux-gnu/debug/deps/app.wasm", none));
}

TEST(PanicMessage, BothFormats) {
    EXPECT_EQ(find_panic_message("noise\nthread 'main' panicked at 'boom', src/lib.rs:4:5\n"
                                 "note: run with `RUST_BACKTRACE=1`\n"),
              "boom");
    EXPECT_EQ(find_panic_message("thread '<unnamed>' panicked at src/lib.rs:4:5:\nboom\n"
                                 "note: run with `RUST_BACKTRACE=1`\n"),
              "boom");
    // Messages over several lines, and with what looks like the end of one inside.
    EXPECT_EQ(find_panic_message("thread 'x' panicked at 'one\ntwo', 'three', a.rs:1:2\n"),
              "one\ntwo', 'three");
    EXPECT_EQ(find_panic_message("thread 'x' panicked at a.rs:1:2:\none\ntwo\n"
                                 "tycho: process 1 failed: unreachable\n"),
              "one\ntwo");
    EXPECT_EQ(find_panic_message("thread 'x' panicked at a.rs:1:2:\nno newline at the end"),
              "no newline at the end");
}

TEST(PanicMessage, NotAPanicReport) {
    EXPECT_FALSE(find_panic_message(""));
    EXPECT_FALSE(
        find_panic_message("some thread 'x' panicked at 'not at a line start', a.rs:1:2\n"));
    EXPECT_FALSE(find_panic_message("thread 'x' panicked at 'no location'\n"));
    EXPECT_FALSE(find_panic_message("thread 'x' panicked at a.rs:1:\nmissing column\n"));
    EXPECT_FALSE(find_panic_message("thread 'x' panicked at a.rs:1:2\nno colon after it\n"));
}

TEST(Verdict, PlainAndShouldPanic) {
    const TestCase plain = *parse_test_export("#lunatic_test_m::t");
    EXPECT_TRUE(judge(plain, 0, "").passed);
    EXPECT_FALSE(judge(plain, 1, "").passed);

    const TestCase any = *parse_test_export("#lunatic_test_#panic_#m::t");
    EXPECT_TRUE(judge(any, 1, "").passed); // killed, or a trap without a panic message
    Verdict v = judge(any, 0, "");
    EXPECT_FALSE(v.passed);
    EXPECT_EQ(v.note, "test did not panic as expected");

    const TestCase expected = *parse_test_export("#lunatic_test_#panic_out of range#m::t");
    const std::string old_format = "thread 'main' panicked at 'index out of range', a.rs:1:2\n";
    const std::string new_format = "thread 'main' panicked at a.rs:1:2:\nindex out of range\n";
    EXPECT_TRUE(judge(expected, 1, old_format).passed);
    EXPECT_TRUE(judge(expected, 1, new_format).passed);
    v = judge(expected, 1, "thread 'main' panicked at 'other \"text\"', a.rs:1:2\n");
    EXPECT_FALSE(v.passed);
    EXPECT_EQ(v.note, "panic did not contain expected string\n"
                      "      panic message: `\"other \\\"text\\\"\"`,\n"
                      " expected substring: `\"out of range\"`");
    EXPECT_FALSE(judge(expected, 1, "").passed);
}

std::string report_text(const std::function<void(TestReport&)>& fill, bool show_output,
                        int& status) {
    char* buffer = nullptr;
    size_t size = 0;
    std::FILE* out = open_memstream(&buffer, &size);
    TestReport report(out, show_output);
    fill(report);
    status = report.finish(3, 0.5);
    std::fclose(out);
    std::string text(buffer, size);
    std::free(buffer);
    return text;
}

TEST(Report, LibtestLayout) {
    int status = -1;
    const std::string text = report_text(
        [](TestReport& report) {
            report.run_start(4);
            report.ignored("m::slow");
            report.finished("m::b", false, "b's output\n", "test did not panic as expected");
            report.finished("m::ok", true, "quiet\n");
            report.finished("m::a", false, "");
        },
        false, status);
    EXPECT_EQ(status, 1);
    EXPECT_EQ(text, "\nrunning 4 tests\n"
                    "test m::slow ... ignored\n"
                    "test m::b ... FAILED\n"
                    "test m::ok ... ok\n"
                    "test m::a ... FAILED\n"
                    "\nfailures:\n"
                    "\n---- m::b stdout ----\nb's output\nnote: test did not panic as expected\n"
                    "\nfailures:\n    m::a\n    m::b\n"
                    "\ntest result: FAILED. 1 passed; 2 failed; 1 ignored; 0 measured; 3 "
                    "filtered out; finished in 0.50s\n\n");
}

TEST(Report, ShowOutputAndSuccess) {
    int status = -1;
    const std::string text = report_text(
        [](TestReport& report) {
            report.run_start(1);
            report.finished("m::ok", true, "said something\n");
        },
        true, status);
    EXPECT_EQ(status, 0);
    EXPECT_EQ(text, "\nrunning 1 test\n"
                    "test m::ok ... ok\n"
                    "\nsuccesses:\n"
                    "\n---- m::ok stdout ----\nsaid something\n\n"
                    "\nsuccesses:\n    m::ok\n"
                    "\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 3 filtered "
                    "out; finished in 0.50s\n\n");
}

} // namespace
} // namespace tycho::cli
