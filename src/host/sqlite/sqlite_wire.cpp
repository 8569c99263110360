#include "host/sqlite/sqlite_wire.h"

#include "host/guest_memory.h"

namespace tycho::host::sqlite {

namespace {

// Variant indices of the Rust enums (lunatic-abi.md §27).
enum BindKeyVariant : uint32_t { kKeyNone = 0, kKeyNumeric = 1, kKeyName = 2 };
enum BindValueVariant : uint32_t {
    kBindNull = 0,
    kBindBlob = 1,
    kBindText = 2,
    kBindDouble = 3,
    kBindInt = 4,
    kBindInt64 = 5,
};
enum SqliteValueVariant : uint32_t {
    kValueNull = 0,
    kValueBlob = 1,
    kValueText = 2,
    kValueDouble = 3,
    kValueInteger = 4,
};

// The smallest (BindKey, BindValue): two variant indices.
constexpr uint64_t kSmallestBinding = 8;

std::optional<uint64_t> read_key(bincode::Reader& in) {
    auto variant = in.u32("a BindKey");
    if (!variant) return std::nullopt;
    switch (*variant) {
    case kKeyNone: return 1;
    case kKeyNumeric: {
        auto index = in.u64("a BindKey's parameter index");
        if (index && *index == 0) in.fail("parameter index 0 (indices start at 1)");
        return in.failed() ? std::nullopt : index;
    }
    case kKeyName:
        if (!in.string("a BindKey's name")) return std::nullopt;
        return 1; // names bind positionally, as on Lunatic
    default: break;
    }
    in.fail("unknown BindKey variant " + std::to_string(*variant));
    return std::nullopt;
}

std::optional<SqlValue> read_value(bincode::Reader& in) {
    auto variant = in.u32("a BindValue");
    if (!variant) return std::nullopt;
    SqlValue value;
    switch (*variant) {
    case kBindNull: return value;
    case kBindBlob: {
        auto bytes = in.bytes("a BindValue's blob");
        if (!bytes) return std::nullopt;
        value.kind = SqlValue::Kind::blob;
        value.bytes = *bytes;
        return value;
    }
    case kBindText: {
        auto text = in.string("a BindValue's text");
        if (!text) return std::nullopt;
        value.kind = SqlValue::Kind::text;
        value.bytes = {reinterpret_cast<const uint8_t*>(text->data()), text->size()};
        return value;
    }
    case kBindDouble: {
        auto real = in.f64("a BindValue's double");
        if (!real) return std::nullopt;
        value.kind = SqlValue::Kind::real;
        value.real = *real;
        return value;
    }
    case kBindInt: {
        auto integer = in.i32("a BindValue's int");
        if (!integer) return std::nullopt;
        value.kind = SqlValue::Kind::integer;
        value.integer = *integer;
        return value;
    }
    case kBindInt64: {
        auto integer = in.i64("a BindValue's int64");
        if (!integer) return std::nullopt;
        value.kind = SqlValue::Kind::integer;
        value.integer = *integer;
        return value;
    }
    default: break;
    }
    in.fail("unknown BindValue variant " + std::to_string(*variant));
    return std::nullopt;
}

// The UTF-8 sequence at `i`: its length and whether it is valid. An invalid one is its
// maximal valid prefix (at least one byte), which decoders replace by one U+FFFD.
std::pair<size_t, bool> sequence_at(std::string_view text, size_t i) {
    const auto lead = uint8_t(text[i]);
    if (lead < 0x80) return {1, true};
    if (lead < 0xC2 || lead > 0xF4) return {1, false};
    const size_t length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    // The second byte's range excludes overlong forms, surrogates and values past U+10FFFF.
    uint8_t low = 0x80, high = 0xBF;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
    size_t n = 1;
    while (n < length && i + n < text.size()) {
        const auto b = uint8_t(text[i + n]);
        if (n == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF)) break;
        ++n;
    }
    return {n, n == length};
}

// Calls `valid(run)` for each run of valid UTF-8 in `text` and `invalid()` for each invalid
// sequence.
template <class Valid, class Invalid>
void split_utf8(std::string_view text, Valid valid, Invalid invalid) {
    size_t start = 0, i = 0;
    while (i < text.size()) {
        const auto [length, ok] = sequence_at(text, i);
        if (!ok) {
            if (i > start) valid(text.substr(start, i - start));
            invalid();
            start = i + length;
        }
        i += length;
    }
    if (i > start) valid(text.substr(start, i - start));
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

std::string_view text_of(const SqlValue& value) {
    return {reinterpret_cast<const char*>(value.bytes.data()), value.bytes.size()};
}

} // namespace

wasm::Result<std::vector<Binding>, WireError> decode_bind_list(std::span<const uint8_t> bytes) {
    bincode::Reader in(bytes);
    std::vector<Binding> list;
    if (auto count = in.count("the BindList's length", kSmallestBinding)) {
        list.reserve(size_t(*count));
        for (uint64_t i = 0; i < *count && !in.failed(); ++i) {
            auto index = read_key(in);
            auto value = index ? read_value(in) : std::nullopt;
            if (value) list.push_back({*index, *value});
        }
    }
    if (in.failed()) return WireError{"malformed BindList: " + in.error()};
    return list;
}

std::string valid_utf8(std::string_view text) {
    if (is_valid_utf8(text)) return std::string(text);
    std::string out;
    out.reserve(valid_utf8_size(text));
    split_utf8(text, [&](std::string_view run) { out += run; }, [&] { out += kReplacement; });
    return out;
}

uint64_t valid_utf8_size(std::string_view text) {
    if (is_valid_utf8(text)) return text.size();
    uint64_t size = 0;
    split_utf8(
        text, [&](std::string_view run) { size += run.size(); },
        [&] { size += kReplacement.size(); });
    return size;
}

uint64_t encoded_size(const SqlValue& value) {
    switch (value.kind) {
    case SqlValue::Kind::null: return 4;
    case SqlValue::Kind::blob: return 4 + bincode::Writer::sized(value.bytes.size());
    case SqlValue::Kind::text: return 4 + bincode::Writer::sized(valid_utf8_size(text_of(value)));
    case SqlValue::Kind::real:
    case SqlValue::Kind::integer: return 4 + 8;
    }
    return 4;
}

void encode_value(bincode::Writer& out, const SqlValue& value) {
    switch (value.kind) {
    case SqlValue::Kind::null: out.variant(kValueNull); return;
    case SqlValue::Kind::blob:
        out.variant(kValueBlob);
        out.bytes(value.bytes);
        return;
    case SqlValue::Kind::text: {
        out.variant(kValueText);
        const std::string_view text = text_of(value);
        if (is_valid_utf8(text))
            out.string(text);
        else
            out.string(valid_utf8(text));
        return;
    }
    case SqlValue::Kind::real:
        out.variant(kValueDouble);
        out.f64(value.real);
        return;
    case SqlValue::Kind::integer:
        out.variant(kValueInteger);
        out.i64(value.integer);
        return;
    }
}

void encode_error(bincode::Writer& out, std::optional<uint32_t> code,
                  std::optional<std::string_view> message) {
    if (code) {
        out.some();
        out.u32(*code);
    } else {
        out.none();
    }
    if (message) {
        out.some();
        out.string(valid_utf8(*message));
    } else {
        out.none();
    }
}

} // namespace tycho::host::sqlite
