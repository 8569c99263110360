// How the engine's compile errors are compared with the reasons the spec testsuite gives
// in assert_invalid and assert_malformed.
#pragma once

#include <span>
#include <string_view>

namespace tycho::spec {

// One accepted wording: where a script expects `spec`, an engine message that starts with
// `engine` ('*' stands for any text) gives that reason.
struct MessageAlias {
    std::string_view spec;
    std::string_view engine;
    std::string_view script; // the only script (file name) it applies to; empty: all
    std::string_view why;
};

// The table of wordings where Tycho and the spec differ (error_messages.cpp).
std::span<const MessageAlias> message_aliases();

// Whether the engine's compile error `engine_message` gives the reason `expected` in the
// script named `script` (a file name such as "binary.wast"). The engine's "function N: "
// context is ignored; then the message matches when it starts with `expected` or with an
// alias of it, the match ending at a word boundary (so "unknown global 1" does not match
// "unknown global 10").
bool compile_error_matches(std::string_view engine_message, std::string_view expected,
                           std::string_view script);

} // namespace tycho::spec
