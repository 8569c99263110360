#include "test_verdict.h"

#include <cctype>

namespace tycho::cli {

namespace {

constexpr std::string_view kThread = "thread '";
constexpr std::string_view kPanicked = "' panicked at ";

bool starts_line(std::string_view text, size_t at) {
    return at == 0 || text[at - 1] == '\n';
}

// Whether `text` is FILE:LINE:COL (FILE not empty, LINE and COL decimal).
bool is_location(std::string_view text) {
    size_t digits_start = text.size();
    for (int field = 0; field < 2; ++field) {
        size_t i = digits_start;
        while (i > 0 && std::isdigit(static_cast<unsigned char>(text[i - 1])))
            --i;
        if (i == digits_start || i == 0 || text[i - 1] != ':') return false;
        digits_start = i - 1;
    }
    return digits_start > 0;
}

// `', FILE:LINE:COL` closing the message that starts at `from` (Rust 1.72 and before): on
// the first line that ends in a location after a "', ", the last "', " of that line.
std::optional<std::string> old_format_message(std::string_view text, size_t from) {
    for (size_t line = from; line < text.size();) {
        size_t line_end = text.find('\n', line);
        if (line_end == std::string_view::npos) line_end = text.size();
        const std::string_view content = text.substr(line, line_end - line);
        const size_t close = content.rfind("', ");
        if (close != std::string_view::npos && is_location(content.substr(close + 3)))
            return std::string(text.substr(from, line + close - from));
        line = line_end + 1;
    }
    return std::nullopt;
}

// `FILE:LINE:COL:` ending the line at `from`, then the message (Rust 1.73 on).
std::optional<std::string> new_format_message(std::string_view text, size_t from) {
    const size_t line_end = text.find('\n', from);
    if (line_end == std::string_view::npos) return std::nullopt;
    const std::string_view location = text.substr(from, line_end - from);
    if (!location.ends_with(':') || !is_location(location.substr(0, location.size() - 1)))
        return std::nullopt;
    const size_t start = line_end + 1;
    size_t end = start;
    while (end < text.size()) {
        const std::string_view line = text.substr(end);
        if (line.starts_with("note: ") || line.starts_with("stack backtrace:") ||
            line.starts_with("tycho: process "))
            break;
        const size_t next = text.find('\n', end);
        if (next == std::string_view::npos) {
            end = text.size();
            break;
        }
        end = next + 1;
    }
    std::string_view message = text.substr(start, end - start);
    if (message.ends_with('\n')) message.remove_suffix(1);
    return std::string(message);
}

// A string as Rust's {:?} shows it.
std::string debug_quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
        }
    }
    return out + "\"";
}

} // namespace

std::optional<std::string> find_panic_message(std::string_view output) {
    for (size_t at = output.find(kThread); at != std::string_view::npos;
         at = output.find(kThread, at + 1)) {
        if (!starts_line(output, at)) continue;
        const size_t name_end = output.find(kPanicked, at + kThread.size());
        if (name_end == std::string_view::npos) return std::nullopt;
        if (output.substr(at, name_end - at).find('\n') != std::string_view::npos) continue;
        const size_t after = name_end + kPanicked.size();
        if (output.substr(after).starts_with("'")) {
            if (auto message = old_format_message(output, after + 1)) return message;
        } else if (auto message = new_format_message(output, after)) {
            return message;
        }
    }
    return std::nullopt;
}

Verdict judge(const TestCase& test, int status, std::string_view output) {
    if (!test.should_panic) return {status == 0, ""};
    if (status == 0) return {false, "test did not panic as expected"};
    const auto message = find_panic_message(output);
    if (!message) {
        if (test.expected.empty()) return {true, ""};
        return {false, "test failed without a panic message\n expected substring: `" +
                           debug_quoted(test.expected) + "`"};
    }
    if (message->find(test.expected) != std::string::npos) return {true, ""};
    return {false, "panic did not contain expected string\n      panic message: `" +
                       debug_quoted(*message) + "`,\n expected substring: `" +
                       debug_quoted(test.expected) + "`"};
}

} // namespace tycho::cli
