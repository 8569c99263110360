#include "json.h"

#include <gtest/gtest.h>

namespace tycho::spec {
namespace {

Json parse_ok(std::string_view text) {
    auto r = parse_json(text);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? r.value() : Json();
}

// Returns the error offset, or -1 when the text unexpectedly parsed.
long parse_error_offset(std::string_view text) {
    auto r = parse_json(text);
    EXPECT_FALSE(r.ok()) << "accepted: " << text;
    return r.ok() ? -1 : long(r.error().offset);
}

std::string parse_string(std::string_view text) {
    Json j = parse_ok(text);
    const std::string* s = j.as_string();
    EXPECT_NE(s, nullptr) << text;
    return s ? *s : std::string();
}

TEST(Json, Literals) {
    EXPECT_TRUE(parse_ok("null").is_null());
    ASSERT_NE(parse_ok("true").as_bool(), nullptr);
    EXPECT_TRUE(*parse_ok(" true ").as_bool());
    EXPECT_FALSE(*parse_ok("\n\tfalse\r").as_bool());
    parse_error_offset("nul");
    parse_error_offset("True");
    parse_error_offset("truex");
}

TEST(Json, Numbers) {
    EXPECT_EQ(parse_ok("0").as_int(), 0);
    EXPECT_EQ(parse_ok("-12").as_int(), -12);
    EXPECT_EQ(parse_ok("9223372036854775807").as_int(), INT64_MAX);
    EXPECT_EQ(parse_ok("9223372036854775808").as_int(), std::nullopt); // too big for int64
    EXPECT_EQ(parse_ok("1.5").as_int(), std::nullopt);
    EXPECT_EQ(parse_ok("1.5").as_number(), 1.5);
    EXPECT_EQ(parse_ok("-2.5e3").as_number(), -2500.0);
    EXPECT_EQ(parse_ok("1E-2").as_number(), 0.01);
    EXPECT_EQ(parse_ok("1e2").as_int(), std::nullopt);
    EXPECT_EQ(parse_ok("\"1\"").as_number(), std::nullopt);
    parse_error_offset("01");
    parse_error_offset("-");
    parse_error_offset("+1");
    parse_error_offset("1.");
    parse_error_offset(".5");
    parse_error_offset("1e");
    parse_error_offset("1e+");
    parse_error_offset("1e999");
    parse_error_offset("0x10");
}

TEST(Json, Strings) {
    EXPECT_EQ(parse_string(R"("")"), "");
    EXPECT_EQ(parse_string(R"("abc")"), "abc");
    EXPECT_EQ(parse_string(R"("\"\\\/\b\f\n\r\t")"), "\"\\/\b\f\n\r\t");
    EXPECT_EQ(parse_string(R"("\u0041\u00e9\u20AC")"), "A\xC3\xA9\xE2\x82\xAC");
    EXPECT_EQ(parse_string(R"("\u0000")"), std::string(1, '\0'));
    // U+1F600 as a surrogate pair.
    EXPECT_EQ(parse_string(R"("\ud83d\ude00")"), "\xF0\x9F\x98\x80");
    // Raw UTF-8 passes through unchanged.
    EXPECT_EQ(parse_string("\"\xC3\xA9\xF0\x9F\x98\x80\""), "\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(Json, BadStrings) {
    EXPECT_EQ(parse_error_offset(R"("abc)"), 4);
    EXPECT_EQ(parse_error_offset(R"("a\qb")"), 2);
    parse_error_offset("\"a\nb\"");             // raw control character
    parse_error_offset(R"("\u12")");            // truncated escape
    parse_error_offset(R"("\u12G4")");          // bad hex digit
    parse_error_offset(R"("\ud83d")");          // lone high surrogate
    parse_error_offset(R"("\ud83dx")");         // high surrogate followed by text
    parse_error_offset(R"("\ud83d\u0041")");    // high surrogate followed by a non-surrogate
    parse_error_offset(R"("\ude00")");          // lone low surrogate
    parse_error_offset("\"\xC3\"");             // truncated UTF-8
    parse_error_offset("\"\xC0\xAF\"");         // overlong
    parse_error_offset("\"\xED\xA0\x80\"");     // encoded surrogate
    parse_error_offset("\"\xF4\x90\x80\x80\""); // above U+10FFFF
    parse_error_offset("\"\xFF\"");
    parse_error_offset("'a'");
}

TEST(Json, Arrays) {
    Json j = parse_ok(R"([1, "two", [true], {}, null])");
    const Json::Array* a = j.as_array();
    ASSERT_NE(a, nullptr);
    ASSERT_EQ(a->size(), 5u);
    EXPECT_EQ((*a)[0].as_int(), 1);
    EXPECT_EQ(*(*a)[1].as_string(), "two");
    EXPECT_TRUE(*(*(*a)[2].as_array())[0].as_bool());
    EXPECT_TRUE((*a)[3].as_object()->empty());
    EXPECT_TRUE((*a)[4].is_null());
    EXPECT_TRUE(parse_ok("[ ]").as_array()->empty());
    parse_error_offset("[1,]");
    parse_error_offset("[,1]");
    parse_error_offset("[1 2]");
    parse_error_offset("[1");
}

TEST(Json, Objects) {
    Json j = parse_ok(R"({"type": "module", "line": 3, "nested": {"a": [1]}})");
    ASSERT_NE(j.as_object(), nullptr);
    EXPECT_EQ(j.as_object()->size(), 3u);
    EXPECT_EQ(j.as_object()->front().first, "type"); // document order is kept
    EXPECT_EQ(*j.find("type")->as_string(), "module");
    EXPECT_EQ(j.find("line")->as_int(), 3);
    EXPECT_EQ(j.find("nested")->find("a")->as_array()->size(), 1u);
    EXPECT_EQ(j.find("missing"), nullptr);
    EXPECT_EQ(j.find("line")->find("x"), nullptr); // not an object
    EXPECT_EQ(parse_error_offset(R"({"a": 1, "a": 2})"), 9);
    parse_error_offset(R"({"a" 1})");
    parse_error_offset(R"({"a": 1,})");
    parse_error_offset(R"({a: 1})");
    parse_error_offset(R"({"a": 1)");
    parse_error_offset("{1: 2}");
}

TEST(Json, Documents) {
    parse_error_offset("");
    parse_error_offset("   ");
    EXPECT_EQ(parse_error_offset("1 2"), 2);
    EXPECT_EQ(parse_error_offset("{} x"), 3);
    // Deep nesting is refused instead of overflowing the stack.
    parse_error_offset(std::string(100000, '['));
    std::string deep = std::string(100, '[') + std::string(100, ']');
    EXPECT_NE(parse_ok(deep).as_array(), nullptr);
}

TEST(Json, Wast2JsonShape) {
    const char* text = R"({"source_filename": "i32.wast",
 "commands": [
  {"type": "module", "line": 3, "filename": "i32.0.wasm"},
  {"type": "assert_return", "line": 37, "action": {"type": "invoke", "field": "add", "args": [{"type": "i32", "value": "1"}, {"type": "i32", "value": "4294967295"}]}, "expected": [{"type": "i32", "value": "0"}]},
  {"type": "assert_return", "line": 90, "action": {"type": "invoke", "field": "\u0000\u005c"}, "expected": []}]
})";
    Json j = parse_ok(text);
    const Json::Array* commands = j.find("commands")->as_array();
    ASSERT_NE(commands, nullptr);
    ASSERT_EQ(commands->size(), 3u);
    const Json& call = (*commands)[1];
    EXPECT_EQ(call.find("line")->as_int(), 37);
    const Json& arg = (*call.find("action")->find("args")->as_array())[1];
    EXPECT_EQ(*arg.find("value")->as_string(), "4294967295");
    EXPECT_EQ(*(*commands)[2].find("action")->find("field")->as_string(), std::string("\0\\", 2));
}

} // namespace
} // namespace tycho::spec
