#include "host/failure_report.h"

#include <gtest/gtest.h>

namespace tycho::host {
namespace {

wasm::BacktraceFrame frame(const char* name, uint32_t index) {
    return wasm::BacktraceFrame{index, name};
}

TEST(FormatBacktrace, EmptyAndSingle) {
    EXPECT_EQ(format_backtrace({}), "");
    const wasm::BacktraceFrame one[] = {frame("main", 3)};
    EXPECT_EQ(format_backtrace(one), "    at main (function 3)\n");
    const wasm::BacktraceFrame unnamed[] = {frame("", 7)};
    EXPECT_EQ(format_backtrace(unnamed), "    at <unnamed> (function 7)\n");
}

TEST(FormatBacktrace, DistinctFramesAreListedAsTheyAre) {
    const wasm::BacktraceFrame frames[] = {frame("divide", 2), frame("compute", 3),
                                           frame("main", 4)};
    EXPECT_EQ(format_backtrace(frames), "    at divide (function 2)\n"
                                        "    at compute (function 3)\n"
                                        "    at main (function 4)\n");
}

TEST(FormatBacktrace, ARecursionKeepsItsFirstAndLastFrames) {
    std::vector<wasm::BacktraceFrame> frames(64, frame("recurse", 5));
    EXPECT_EQ(format_backtrace(frames), "    at recurse (function 5)\n"
                                        "    at recurse (function 5) × 62\n"
                                        "    at recurse (function 5)\n");
    frames.resize(2);
    EXPECT_EQ(format_backtrace(frames), "    at recurse (function 5)\n"
                                        "    at recurse (function 5)\n");
}

TEST(FormatBacktrace, EveryRunInTheMiddleIsFolded) {
    std::vector<wasm::BacktraceFrame> frames;
    frames.push_back(frame("leaf", 1));
    frames.insert(frames.end(), 3, frame("even", 2));
    frames.push_back(frame("odd", 3));
    frames.insert(frames.end(), 4, frame("walk", 4));
    frames.push_back(frame("walk", 5)); // same name, another function: not the same frame
    frames.push_back(frame("main", 6));
    EXPECT_EQ(format_backtrace(frames), "    at leaf (function 1)\n"
                                        "    at even (function 2) × 3\n"
                                        "    at odd (function 3)\n"
                                        "    at walk (function 4) × 4\n"
                                        "    at walk (function 5)\n"
                                        "    at main (function 6)\n");
}

TEST(FailureReport, ReportsCrashesAtEveryLevel) {
    for (LogLevel level : {LogLevel::error, LogLevel::warn, LogLevel::info, LogLevel::debug})
        EXPECT_EQ(report_detail(level, Ending::crashed), ReportDetail::full);
}

TEST(FailureReport, DeliberateEndsAreQuietByDefault) {
    EXPECT_EQ(report_detail(LogLevel::error, Ending::exited), ReportDetail::none);
    EXPECT_EQ(report_detail(LogLevel::warn, Ending::exited), ReportDetail::line);
    EXPECT_EQ(report_detail(LogLevel::info, Ending::exited), ReportDetail::line);
    EXPECT_EQ(report_detail(LogLevel::debug, Ending::exited), ReportDetail::full);
    for (Ending ending : {Ending::killed, Ending::link_died}) {
        EXPECT_EQ(report_detail(LogLevel::error, ending), ReportDetail::none);
        EXPECT_EQ(report_detail(LogLevel::warn, ending), ReportDetail::none);
        EXPECT_EQ(report_detail(LogLevel::info, ending), ReportDetail::line);
        EXPECT_EQ(report_detail(LogLevel::debug, ending), ReportDetail::full);
    }
}

TEST(FailureReport, FormatsOneLineOrTheWholeReport) {
    FailureReport report;
    report.process_id = 12;
    report.registered_name = "worker";
    report.reason = "killed because linked process 7 failed";
    report.ending = Ending::link_died;
    report.backtrace = {frame("wait", 1), frame("main", 2)};
    report.hint = "a hint";
    EXPECT_EQ(report.format(ReportDetail::none), "");
    const std::string line =
        "tycho: process 12 (registered as \"worker\") ended: killed because linked process 7 "
        "failed\n";
    EXPECT_EQ(report.format(ReportDetail::line), line);
    EXPECT_EQ(report.format(ReportDetail::full),
              line + "    at wait (function 1)\n    at main (function 2)\n  hint: a hint\n");

    report.ending = Ending::crashed;
    report.registered_name.reset();
    report.module_name = "app.wasm";
    report.reason = "unreachable";
    EXPECT_EQ(report.format(ReportDetail::line),
              "tycho: process 12 [app.wasm] failed: unreachable\n");
}

TEST(LogLevel, ParsesTheFourNamesInAnyCase) {
    EXPECT_EQ(parse_log_level("error"), LogLevel::error);
    EXPECT_EQ(parse_log_level("warn"), LogLevel::warn);
    EXPECT_EQ(parse_log_level("Info"), LogLevel::info);
    EXPECT_EQ(parse_log_level("DEBUG"), LogLevel::debug);
    EXPECT_EQ(parse_log_level(""), std::nullopt);
    EXPECT_EQ(parse_log_level("warning"), std::nullopt);
    EXPECT_EQ(parse_log_level("debug "), std::nullopt);
}

} // namespace
} // namespace tycho::host
