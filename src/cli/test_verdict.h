// Whether a test passed (lunatic-abi.md §14.3): a plain test passes when its process ends
// normally; a should_panic test when it fails, with a Rust panic whose message contains the
// expected text (or, with no expected text, in any way).
#pragma once

#include "test_catalog.h"

#include <optional>
#include <string>
#include <string_view>

namespace tycho::cli {

// The message of the first Rust panic report in `output`, in either of the formats the
// standard library has printed:
//   thread 'NAME' panicked at 'MESSAGE', FILE:LINE:COL        (Rust 1.72 and before)
//   thread 'NAME' panicked at FILE:LINE:COL:\nMESSAGE         (Rust 1.73 on)
// The report starts a line; the message may span lines. In the newer format it ends before
// the "note: ..." line that follows it (or a report of Tycho's, or the end).
std::optional<std::string> find_panic_message(std::string_view output);

struct Verdict {
    bool passed = false;
    // Why a should_panic test failed, as libtest says it ("" otherwise); shown after its
    // output.
    std::string note;
};

// `status` is the test process's exit status (0: it ended normally); `output` is what the
// test process itself wrote.
Verdict judge(const TestCase& test, int status, std::string_view output);

} // namespace tycho::cli
