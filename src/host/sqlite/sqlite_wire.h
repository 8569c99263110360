// The bincode values lunatic::sqlite exchanges with guests (lunatic-abi.md §27): the bind
// lists guests send, and the column values, rows, column names and errors the host returns.
#pragma once

#include "host/bincode.h"

#include <tycho/wasm/result.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tycho::host::sqlite {

// One SQL value, as a column holds it or a guest binds it. Text and blob bytes are views.
struct SqlValue {
    enum class Kind : uint8_t { null, blob, text, real, integer };
    Kind kind = Kind::null;
    std::span<const uint8_t> bytes; // blob, text
    double real = 0;
    int64_t integer = 0;
};

// One (key, value) of a BindList, with the parameter it binds: a numeric key's index, or 1
// for a name key or no key (Lunatic binds those positionally, §27).
struct Binding {
    uint64_t index = 1;
    SqlValue value;
};

struct WireError {
    std::string message;
};

// Decodes a BindList (the bincode of Vec<(BindKey, BindValue)>); views point into `bytes`.
// Trailing bytes are ignored, as bincode 1.x does. The error says what is wrong and where.
wasm::Result<std::vector<Binding>, WireError> decode_bind_list(std::span<const uint8_t> bytes);

// SqliteValue: 0 null, 1 blob, 2 text, 3 double, 4 integer. Text that is not valid UTF-8
// (SQLite stores whatever bytes it is given) is sent with U+FFFD for each invalid sequence,
// so that guests can decode it as a string.
void encode_value(bincode::Writer& out, const SqlValue& value);
// How many bytes encode_value writes for `value`.
uint64_t encoded_size(const SqlValue& value);
// SqliteError: Option<u32> code, then Option<String> message.
void encode_error(bincode::Writer& out, std::optional<uint32_t> code,
                  std::optional<std::string_view> message);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD, and the size of that.
std::string valid_utf8(std::string_view text);
uint64_t valid_utf8_size(std::string_view text);

} // namespace tycho::host::sqlite
