#include "json.h"

#include <charconv>
#include <system_error>

namespace tycho::spec {

Json Json::boolean(bool value) {
    Json j;
    j.kind_ = Kind::Bool;
    j.bool_ = value;
    return j;
}

Json Json::number(double value, std::string text) {
    Json j;
    j.kind_ = Kind::Number;
    j.number_ = value;
    j.text_ = std::move(text);
    return j;
}

Json Json::string(std::string value) {
    Json j;
    j.kind_ = Kind::String;
    j.text_ = std::move(value);
    return j;
}

Json Json::array(Array elements) {
    Json j;
    j.kind_ = Kind::Array;
    j.array_ = std::move(elements);
    return j;
}

Json Json::object(Object members) {
    Json j;
    j.kind_ = Kind::Object;
    j.object_ = std::move(members);
    return j;
}

std::optional<double> Json::as_number() const {
    if (kind_ != Kind::Number) return std::nullopt;
    return number_;
}

std::optional<int64_t> Json::as_int() const {
    if (kind_ != Kind::Number) return std::nullopt;
    int64_t value = 0;
    const char* end = text_.data() + text_.size();
    auto [ptr, ec] = std::from_chars(text_.data(), end, value);
    if (ec != std::errc() || ptr != end) return std::nullopt; // fraction, exponent or too big
    return value;
}

const Json* Json::find(std::string_view key) const {
    if (kind_ != Kind::Object) return nullptr;
    for (const Member& m : object_)
        if (m.first == key) return &m.second;
    return nullptr;
}

const char* to_string(Json::Kind kind) {
    switch (kind) {
    case Json::Kind::Null: return "null";
    case Json::Kind::Bool: return "boolean";
    case Json::Kind::Number: return "number";
    case Json::Kind::String: return "string";
    case Json::Kind::Array: return "array";
    case Json::Kind::Object: return "object";
    }
    return "?";
}

std::string JsonError::to_string() const {
    return "JSON error at byte " + std::to_string(offset) + ": " + message;
}

namespace {

// Nesting deeper than this is refused rather than risking the native stack.
constexpr int kMaxDepth = 256;

class Parser {
  public:
    explicit Parser(std::string_view text) : text_(text) {}

    bool document(Json& out) {
        skip_whitespace();
        if (!value(out, 0)) return false;
        skip_whitespace();
        if (pos_ != text_.size()) return fail("unexpected data after the value");
        return true;
    }

    JsonError error() const { return error_; }

  private:
    bool fail(std::string message) { return fail_at(pos_, std::move(message)); }
    bool fail_at(size_t offset, std::string message) {
        error_ = JsonError{std::move(message), offset};
        return false;
    }

    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return text_[pos_]; }

    void skip_whitespace() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++pos_;
    }

    bool value(Json& out, int depth) {
        if (at_end()) return fail("unexpected end of input, expected a value");
        switch (peek()) {
        case '{': return object(out, depth + 1);
        case '[': return array(out, depth + 1);
        case '"': {
            std::string s;
            if (!string(s)) return false;
            out = Json::string(std::move(s));
            return true;
        }
        case 't': return literal("true", Json::boolean(true), out);
        case 'f': return literal("false", Json::boolean(false), out);
        case 'n': return literal("null", Json(), out);
        default:
            if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number(out);
            return fail(std::string("unexpected character '") + peek() + "'");
        }
    }

    bool literal(std::string_view word, Json value, Json& out) {
        if (text_.substr(pos_, word.size()) != word) return fail("invalid literal");
        pos_ += word.size();
        out = std::move(value);
        return true;
    }

    bool object(Json& out, int depth) {
        if (depth > kMaxDepth) return fail("nesting too deep");
        ++pos_; // '{'
        Json::Object members;
        skip_whitespace();
        if (!at_end() && peek() == '}') {
            ++pos_;
            out = Json::object(std::move(members));
            return true;
        }
        for (;;) {
            skip_whitespace();
            if (at_end() || peek() != '"') return fail("expected a member name");
            size_t key_offset = pos_;
            std::string key;
            if (!string(key)) return false;
            for (const Json::Member& m : members)
                if (m.first == key) return fail_at(key_offset, "duplicate member \"" + key + "\"");
            skip_whitespace();
            if (at_end() || peek() != ':') return fail("expected ':'");
            ++pos_;
            skip_whitespace();
            Json member;
            if (!value(member, depth)) return false;
            members.emplace_back(std::move(key), std::move(member));
            skip_whitespace();
            if (at_end()) return fail("unexpected end of input in an object");
            if (peek() == '}') break;
            if (peek() != ',') return fail("expected ',' or '}'");
            ++pos_;
        }
        ++pos_; // '}'
        out = Json::object(std::move(members));
        return true;
    }

    bool array(Json& out, int depth) {
        if (depth > kMaxDepth) return fail("nesting too deep");
        ++pos_; // '['
        Json::Array elements;
        skip_whitespace();
        if (!at_end() && peek() == ']') {
            ++pos_;
            out = Json::array(std::move(elements));
            return true;
        }
        for (;;) {
            skip_whitespace();
            Json element;
            if (!value(element, depth)) return false;
            elements.push_back(std::move(element));
            skip_whitespace();
            if (at_end()) return fail("unexpected end of input in an array");
            if (peek() == ']') break;
            if (peek() != ',') return fail("expected ',' or ']'");
            ++pos_;
        }
        ++pos_; // ']'
        out = Json::array(std::move(elements));
        return true;
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    bool number(Json& out) {
        size_t start = pos_;
        auto digit = [&] { return !at_end() && peek() >= '0' && peek() <= '9'; };
        auto digits = [&] {
            if (!digit()) return false;
            while (digit())
                ++pos_;
            return true;
        };
        if (peek() == '-') ++pos_;
        if (!at_end() && peek() == '0') {
            ++pos_;
            if (digit()) return fail("leading zero in a number");
        } else if (!digits()) {
            return fail("expected a digit");
        }
        if (!at_end() && peek() == '.') {
            ++pos_;
            if (!digits()) return fail("expected a digit after '.'");
        }
        if (!at_end() && (peek() == 'e' || peek() == 'E')) {
            ++pos_;
            if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
            if (!digits()) return fail("expected a digit in the exponent");
        }
        std::string_view text = text_.substr(start, pos_ - start);
        double value = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc::result_out_of_range) return fail_at(start, "number out of range");
        if (ec != std::errc() || ptr != text.data() + text.size())
            return fail_at(start, "invalid number");
        out = Json::number(value, std::string(text));
        return true;
    }

    // Four hex digits after "\u".
    bool hex4(uint32_t& out) {
        if (text_.size() - pos_ < 4) return fail("truncated \\u escape");
        out = 0;
        for (int i = 0; i < 4; ++i) {
            char c = text_[pos_ + i];
            uint32_t d;
            if (c >= '0' && c <= '9')
                d = uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                d = uint32_t(c - 'A' + 10);
            else
                return fail("invalid hex digit in a \\u escape");
            out = out * 16 + d;
        }
        pos_ += 4;
        return true;
    }

    static void append_utf8(std::string& s, uint32_t cp) {
        if (cp < 0x80) {
            s += char(cp);
        } else if (cp < 0x800) {
            s += char(0xC0 | (cp >> 6));
            s += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            s += char(0xE0 | (cp >> 12));
            s += char(0x80 | ((cp >> 6) & 0x3F));
            s += char(0x80 | (cp & 0x3F));
        } else {
            s += char(0xF0 | (cp >> 18));
            s += char(0x80 | ((cp >> 12) & 0x3F));
            s += char(0x80 | ((cp >> 6) & 0x3F));
            s += char(0x80 | (cp & 0x3F));
        }
    }

    // After the backslash and 'u': one code point, combining a surrogate pair.
    bool unicode_escape(std::string& s) {
        size_t start = pos_ - 2;
        uint32_t cp;
        if (!hex4(cp)) return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return fail_at(start, "unpaired low surrogate");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (text_.substr(pos_, 2) != "\\u") return fail_at(start, "unpaired high surrogate");
            pos_ += 2;
            uint32_t low;
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return fail_at(start, "unpaired high surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(s, cp);
        return true;
    }

    // Copies one raw UTF-8 sequence starting at a byte >= 0x80, rejecting invalid ones
    // (overlong forms, encoded surrogates, code points above U+10FFFF).
    bool utf8_sequence(std::string& s) {
        auto byte = [&](size_t i) { return uint8_t(text_[pos_ + i]); };
        uint8_t lead = byte(0);
        size_t length;
        uint32_t cp;
        if (lead >= 0xC2 && lead <= 0xDF)
            length = 2, cp = lead & 0x1F;
        else if (lead >= 0xE0 && lead <= 0xEF)
            length = 3, cp = lead & 0x0F;
        else if (lead >= 0xF0 && lead <= 0xF4)
            length = 4, cp = lead & 0x07;
        else
            return fail("invalid UTF-8");
        if (text_.size() - pos_ < length) return fail("truncated UTF-8 sequence");
        for (size_t i = 1; i < length; ++i) {
            if ((byte(i) & 0xC0) != 0x80) return fail("invalid UTF-8");
            cp = (cp << 6) | (byte(i) & 0x3F);
        }
        static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return fail("invalid UTF-8");
        s.append(text_.substr(pos_, length));
        pos_ += length;
        return true;
    }

    bool string(std::string& out) {
        ++pos_; // opening quote
        for (;;) {
            if (at_end()) return fail("unterminated string");
            char c = peek();
            if (c == '"') {
                ++pos_;
                return true;
            }
            if (uint8_t(c) < 0x20) return fail("control character in a string");
            if (uint8_t(c) >= 0x80) {
                if (!utf8_sequence(out)) return false;
                continue;
            }
            ++pos_;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (at_end()) return fail("unterminated string");
            char e = text_[pos_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u':
                if (!unicode_escape(out)) return false;
                break;
            default: return fail_at(pos_ - 2, "invalid escape sequence");
            }
        }
    }

    std::string_view text_;
    size_t pos_ = 0;
    JsonError error_;
};

} // namespace

wasm::Result<Json, JsonError> parse_json(std::string_view text) {
    Parser parser(text);
    Json result;
    if (!parser.document(result)) return parser.error();
    return result;
}

} // namespace tycho::spec
