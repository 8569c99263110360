#include "error_messages.h"

#include <array>
#include <cctype>

namespace tycho::spec {

namespace {

// Where Tycho words a reason differently from the spec's reference interpreter. Keep it
// short: when the engine's message is merely unhelpful, improve the engine instead.
constexpr std::array kAliases = {
    // Wording: the same reason in other words.
    MessageAlias{"unexpected end of section or function", "unexpected end", "",
                 "Tycho does not say which kind of unit ended"},
    MessageAlias{"unexpected end of section or function",
                 "length out of bounds: * declared but only", "",
                 "Tycho checks a vector's count against the bytes left before reading it"},
    MessageAlias{"unexpected end of section or function",
                 "function body must end with the 'end' opcode", "",
                 "a function body without its final end"},
    MessageAlias{"END opcode expected", "function body must end with the 'end' opcode", "",
                 "a function body without its final end"},
    MessageAlias{"integer too large", "malformed limits flags", "",
                 "the reference interpreter reads limits flags as a 1-bit LEB128 integer"},
    MessageAlias{"integer representation too long", "malformed limits flags", "",
                 "the reference interpreter reads limits flags as a 1-bit LEB128 integer"},
    MessageAlias{"unexpected content after last section", "duplicate * section", "",
                 "Tycho names the repeated section"},
    MessageAlias{"unexpected content after last section", "* section out of order", "",
                 "Tycho names the misplaced section"},
    MessageAlias{"unknown data segment", "data count section required", "",
                 "the script's text module has no data segments, so its binary has no data "
                 "count section, which data.drop and memory.init need first"},

    // One binary that two correct decoders reject at different places.
    MessageAlias{"integer representation too long", "unexpected end", "binary-leb128.wast",
                 "the over-long LEB128 integer runs past the end of its section, which Tycho "
                 "notices first"},
    MessageAlias{"integer representation too long", "malformed function type", "binary.wast",
                 "the type's form byte is written as a 2-byte LEB128 integer; the form is a "
                 "byte, which Tycho finds to be no function type"},
    MessageAlias{"section size mismatch", "function body must end with the 'end' opcode",
                 "binary.wast",
                 "a body without its end before the data section: the reference interpreter "
                 "reads the section id as the end (the script says so)"},
    MessageAlias{"length out of bounds", "unexpected end", "binary.wast",
                 "the second export's name length lies past the end of the export section"},
    MessageAlias{"unexpected end", "unknown type", "binary.wast",
                 "br_table with a surplus target: the stray bytes decode as a block of type "
                 "index 11, which Tycho rejects while decoding, before the body ends"},
    MessageAlias{"invalid result arity", "type mismatch", "select.wast",
                 "wast2json encodes `select (result)` with no type as the untyped select, so "
                 "the binary is a select with too few operands"},
};

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// `message` starts with `prefix` and the prefix ends a word there.
bool starts_with_word(std::string_view message, std::string_view prefix) {
    if (!message.starts_with(prefix)) return false;
    if (prefix.empty() || message.size() == prefix.size()) return true;
    return !(is_word_char(prefix.back()) && is_word_char(message[prefix.size()]));
}

// Like starts_with_word, with '*' in `pattern` standing for any text.
bool starts_with_pattern(std::string_view message, std::string_view pattern) {
    const size_t star = pattern.find('*');
    if (star == std::string_view::npos) return starts_with_word(message, pattern);
    const std::string_view head = pattern.substr(0, star), rest = pattern.substr(star + 1);
    if (!message.starts_with(head)) return false;
    for (size_t i = head.size(); i <= message.size(); ++i)
        if (starts_with_pattern(message.substr(i), rest)) return true;
    return false;
}

// Drops the "function N: " that the engine puts before errors inside a function body.
std::string_view without_context(std::string_view message) {
    constexpr std::string_view kFunction = "function ";
    if (!message.starts_with(kFunction)) return message;
    size_t i = kFunction.size();
    const size_t digits = i;
    while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])))
        ++i;
    if (i == digits || !message.substr(i).starts_with(": ")) return message;
    return message.substr(i + 2);
}

} // namespace

std::span<const MessageAlias> message_aliases() {
    return kAliases;
}

bool compile_error_matches(std::string_view engine_message, std::string_view expected,
                           std::string_view script) {
    if (expected.empty()) return false;
    const std::string_view message = without_context(engine_message);
    if (starts_with_word(message, expected)) return true;
    for (const MessageAlias& alias : kAliases) {
        if (!alias.script.empty() && alias.script != script) continue;
        if (starts_with_word(expected, alias.spec) && starts_with_pattern(message, alias.engine))
            return true;
    }
    return false;
}

} // namespace tycho::spec
