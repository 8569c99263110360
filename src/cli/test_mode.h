// `cargo test` mode (lunatic-abi.md §14.2-14.3): when cargo runs a test binary built for
// wasm32 through tycho, tycho runs the binary's #lunatic_test_ exports as tests, each the
// root process of an environment of its own, with its output captured, and reports them as
// libtest does.
#pragma once

#include "run_process.h"
#include "test_args.h"

#include <cstdint>
#include <optional>

namespace tycho::cli {

// Runs the tests of `run.file`; `run.args` are the arguments after the file (test_args.h),
// `timeout_seconds` a --test-timeout given before the file. Returns the exit status: 0 when
// no test failed, 1 when one did (or the module could not be loaded), 2 for bad arguments.
int run_cargo_tests(const RunRequest& run, std::optional<uint64_t> timeout_seconds);

} // namespace tycho::cli
