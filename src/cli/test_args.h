// The command line of `cargo test` mode (lunatic-abi.md §14.2):
//   tycho [run] [RUN OPTIONS] FILE.wasm [FILTER] [--dir DIR]... [--ignored] [--nocapture]
//         [--show-output] [--list --format terse] [--exact] [--test-timeout SECONDS]
//         [GUEST ARGS...]
// that is, what cargo passes to its test runner after the test binary: the first word that
// is not an option is the filter, the options may come anywhere, and everything else is
// passed to the tests as their argv.
#pragma once

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tycho::cli {

// A hung test is failed after this long unless --test-timeout says otherwise.
inline constexpr uint64_t kDefaultTestTimeoutSeconds = 600;

struct TestArgs {
    std::optional<std::string> filter;
    bool exact = false;
    bool ignored = false; // run only the ignored tests
    bool nocapture = false;
    bool show_output = false;
    bool list = false; // --list --format terse
    std::vector<std::string> dirs;
    std::vector<std::string> guest_args;
    std::optional<uint64_t> timeout_seconds;
};

// The arguments after FILE.wasm, or a one-line usage error.
wasm::Result<TestArgs, std::string> parse_test_args(std::span<const std::string> args);

// Whether `tycho run FILE ARGS...` is cargo's test runner at work: CARGO_MANIFEST_DIR is set
// (`manifest_dir` is its value, or nullptr), FILE ends in
// target/wasm32-(wasi|unknown-unknown)/(debug|release)/deps/NAME.wasm (as Lunatic, the
// "target" may end a longer directory name, as in CARGO_TARGET_DIR=build-target), and no
// argument is --bench (`cargo bench` runs the program normally).
bool is_cargo_test_invocation(const char* manifest_dir, const std::string& file,
                              std::span<const std::string> args);

} // namespace tycho::cli
