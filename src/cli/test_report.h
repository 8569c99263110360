// What `cargo test` mode prints, in libtest's format: "running N tests", one line per test
// as it finishes ("test NAME ... ok" / "FAILED" / "ignored"), the output of the failed
// tests (and of the passed ones with --show-output), and the summary line.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace tycho::cli {

class TestReport {
  public:
    TestReport(std::FILE* out, bool show_output) : out_(out), show_output_(show_output) {}

    void run_start(size_t count);
    void ignored(const std::string& name);
    // A finished test, with what it wrote and, for a failure, a note saying why ("" if it
    // speaks for itself).
    void finished(const std::string& name, bool passed, std::string output,
                  const std::string& note = "");
    // The closing sections and the summary line; returns the exit status (1 if a test
    // failed).
    int finish(size_t filtered_out, double seconds);

  private:
    struct Outcome {
        std::string name;
        std::string output;
    };
    // "\n<title>:\n" then each non-empty output, then the names (libtest's layout).
    void print_section(const char* title, std::vector<Outcome>& outcomes);

    std::FILE* out_;
    bool show_output_;
    size_t passed_ = 0;
    size_t ignored_ = 0;
    std::vector<Outcome> failures_;
    std::vector<Outcome> successes_;
};

} // namespace tycho::cli
