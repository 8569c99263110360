#include "test_args.h"

#include <charconv>
#include <regex>

namespace tycho::cli {

namespace {

std::optional<uint64_t> parse_seconds(const std::string& text) {
    uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [last, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || last != end || value == 0) return std::nullopt;
    return value;
}

} // namespace

wasm::Result<TestArgs, std::string> parse_test_args(std::span<const std::string> args) {
    TestArgs out;
    std::optional<std::string> format;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::optional<std::string> value;
        if (const size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg.resize(eq);
        }
        const bool takes_value = arg == "--dir" || arg == "--format" || arg == "--test-timeout";
        if (!takes_value) {
            if (value) { // not one of ours: the guest's, as it was written
                out.guest_args.push_back(args[i]);
                continue;
            }
        } else if (!value) {
            if (i + 1 >= args.size()) return std::string(arg + " needs a value");
            value = args[++i];
        }
        if (arg == "--exact") {
            out.exact = true;
        } else if (arg == "--ignored") {
            out.ignored = true;
        } else if (arg == "--nocapture") {
            out.nocapture = true;
        } else if (arg == "--show-output") {
            out.show_output = true;
        } else if (arg == "--list") {
            out.list = true;
        } else if (arg == "--format") {
            if (*value != "terse")
                return "--format supports only 'terse' (with --list), got '" + *value + "'";
            format = *value;
        } else if (arg == "--dir") {
            out.dirs.push_back(*value);
        } else if (arg == "--test-timeout") {
            out.timeout_seconds = parse_seconds(*value);
            if (!out.timeout_seconds)
                return "--test-timeout needs a positive number of seconds, got '" + *value + "'";
        } else if (!out.filter && !arg.starts_with("-")) {
            out.filter = arg;
        } else {
            out.guest_args.push_back(arg);
        }
    }
    if (out.list != format.has_value())
        return std::string(out.list ? "--list needs --format terse"
                                    : "--format terse goes with --list");
    return out;
}

bool is_cargo_test_invocation(const char* manifest_dir, const std::string& file,
                              std::span<const std::string> args) {
    if (manifest_dir == nullptr) return false;
    for (const std::string& arg : args)
        if (arg == "--bench") return false;
    static const std::regex test_binary(
        "target/wasm32-(wasi|unknown-unknown)/(debug|release)/deps/[^/]*\\.wasm$");
    return std::regex_search(file, test_binary);
}

} // namespace tycho::cli
