// A small, strict JSON reader: enough for what wast2json writes. Parsing never throws;
// a malformed document comes back as a JsonError with the byte offset where it went wrong.
#pragma once

#include <tycho/wasm/result.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tycho::spec {

class Json {
  public:
    enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };
    using Array = std::vector<Json>;
    using Member = std::pair<std::string, Json>;
    using Object = std::vector<Member>; // in document order; keys are unique

    Json() = default; // null
    static Json boolean(bool value);
    // `text` is the number as written in the document, kept for exact integer access.
    static Json number(double value, std::string text);
    static Json string(std::string value);
    static Json array(Array elements);
    static Json object(Object members);

    Kind kind() const { return kind_; }
    bool is_null() const { return kind_ == Kind::Null; }

    // Typed views; nullptr (or nullopt) when the value is of another kind.
    const bool* as_bool() const { return kind_ == Kind::Bool ? &bool_ : nullptr; }
    const std::string* as_string() const { return kind_ == Kind::String ? &text_ : nullptr; }
    const Array* as_array() const { return kind_ == Kind::Array ? &array_ : nullptr; }
    const Object* as_object() const { return kind_ == Kind::Object ? &object_ : nullptr; }
    std::optional<double> as_number() const;
    // The number when it is written as an integer (no fraction, no exponent) that fits.
    std::optional<int64_t> as_int() const;

    // The member named `key`, or nullptr when this is not an object or has no such member.
    const Json* find(std::string_view key) const;

  private:
    Kind kind_ = Kind::Null;
    bool bool_ = false;
    double number_ = 0;
    std::string text_; // a string's contents, or a number's source text
    Array array_;
    Object object_;
};

const char* to_string(Json::Kind kind);

struct JsonError {
    std::string message;
    size_t offset = 0; // byte offset into the document

    std::string to_string() const;
};

// Parses a complete document: one value, optionally surrounded by whitespace.
wasm::Result<Json, JsonError> parse_json(std::string_view text);

} // namespace tycho::spec
