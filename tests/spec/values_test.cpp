#include "values.h"

#include <gtest/gtest.h>

namespace tycho::spec {
namespace {

using wasm::ValType;
using wasm::Value;

Json value_json(std::string_view text) {
    auto r = parse_json(text);
    EXPECT_TRUE(r.ok()) << text;
    return r.ok() ? r.value() : Json();
}

Value arg(std::string_view text) {
    return parse_value(value_json(text));
}
Expected expect(std::string_view text) {
    return parse_expected(value_json(text));
}

TEST(SpecValues, Arguments) {
    Value v = arg(R"({"type": "i32", "value": "4294967295"})");
    EXPECT_EQ(v.type, ValType::I32);
    EXPECT_EQ(v.as_i32(), -1);
    EXPECT_EQ(arg(R"({"type": "i64", "value": "18446744073709551615"})").as_i64(), -1);
    EXPECT_EQ(arg(R"({"type": "f32", "value": "1065353216"})").as_f32(), 1.0f);
    EXPECT_EQ(arg(R"({"type": "f64", "value": "4607182418800017408"})").as_f64(), 1.0);
    // ref.extern N becomes payload N + 1 so that ref.extern 0 is not null.
    EXPECT_EQ(arg(R"({"type": "externref", "value": "0"})").bits, 1u);
    EXPECT_TRUE(arg(R"({"type": "externref", "value": "null"})").is_null());
    EXPECT_TRUE(arg(R"({"type": "funcref", "value": "null"})").is_null());
    EXPECT_EQ(arg(R"({"type": "funcref", "value": "null"})").type, ValType::FuncRef);
}

TEST(SpecValues, BadArguments) {
    EXPECT_THROW(arg(R"({"type": "i32", "value": "4294967296"})"), Malformed);
    EXPECT_THROW(arg(R"({"type": "i32", "value": "-1"})"), Malformed);
    EXPECT_THROW(arg(R"({"type": "i32", "value": ""})"), Malformed);
    EXPECT_THROW(arg(R"({"type": "i32", "value": 5})"), Malformed);
    EXPECT_THROW(arg(R"({"type": "i32"})"), Malformed);
    EXPECT_THROW(arg(R"({"type": "f32", "value": "nan:canonical"})"), Malformed);
    EXPECT_THROW(arg(R"({"type": "v128", "value": "0"})"), Malformed);
    EXPECT_THROW(arg(R"({"type": "funcref", "value": "3"})"), Malformed);
    EXPECT_THROW(arg(R"({"type": "externref", "value": "18446744073709551615"})"), Malformed);
    EXPECT_THROW(arg(R"({"value": "1"})"), Malformed);
    EXPECT_THROW(arg(R"([1])"), Malformed);
}

TEST(SpecValues, ExactMatches) {
    Expected e = expect(R"({"type": "i32", "value": "4294967295"})");
    EXPECT_TRUE(matches(e, Value::i32(-1)));
    EXPECT_FALSE(matches(e, Value::i32(1)));
    EXPECT_FALSE(matches(e, Value::i64(0xffffffff))); // type must agree
    // Bits above the low 32 are not part of an i32.
    EXPECT_TRUE(matches(e, Value{ValType::I32, 0xdeadbeefffffffff}));
    // Floats compare bit-exactly: -0 is not 0.
    Expected zero = expect(R"({"type": "f32", "value": "0"})");
    EXPECT_TRUE(matches(zero, Value::f32(0.0f)));
    EXPECT_FALSE(matches(zero, Value::f32(-0.0f)));
    Expected nan = expect(R"({"type": "f64", "value": "9221120237041090561"})");
    EXPECT_TRUE(matches(nan, Value::f64_bits(0x7ff8000000000001)));
    EXPECT_FALSE(matches(nan, Value::f64_bits(0x7ff8000000000000)));
}

TEST(SpecValues, NanMatches) {
    Expected c32 = expect(R"({"type": "f32", "value": "nan:canonical"})");
    EXPECT_TRUE(matches(c32, Value::f32_bits(0x7fc00000)));
    EXPECT_TRUE(matches(c32, Value::f32_bits(0xffc00000)));
    EXPECT_FALSE(matches(c32, Value::f32_bits(0x7fc00001)));
    EXPECT_FALSE(matches(c32, Value::f32_bits(0x7fa00000))); // signalling
    EXPECT_FALSE(matches(c32, Value::f32_bits(0x7f800000))); // infinity
    Expected a32 = expect(R"({"type": "f32", "value": "nan:arithmetic"})");
    EXPECT_TRUE(matches(a32, Value::f32_bits(0x7fc00000)));
    EXPECT_TRUE(matches(a32, Value::f32_bits(0xffc00001)));
    EXPECT_FALSE(matches(a32, Value::f32_bits(0x7f800001)));
    EXPECT_FALSE(matches(a32, Value::f64_bits(0x7ff8000000000000)));

    Expected c64 = expect(R"({"type": "f64", "value": "nan:canonical"})");
    EXPECT_TRUE(matches(c64, Value::f64_bits(0x7ff8000000000000)));
    EXPECT_TRUE(matches(c64, Value::f64_bits(0xfff8000000000000)));
    EXPECT_FALSE(matches(c64, Value::f64_bits(0x7ff8000000000001)));
    Expected a64 = expect(R"({"type": "f64", "value": "nan:arithmetic"})");
    EXPECT_TRUE(matches(a64, Value::f64_bits(0xfff8000000000123)));
    EXPECT_FALSE(matches(a64, Value::f64_bits(0x7ff0000000000001)));
    EXPECT_THROW(expect(R"({"type": "i32", "value": "nan:canonical"})"), Malformed);
}

TEST(SpecValues, ReferenceMatches) {
    Expected null_extern = expect(R"({"type": "externref", "value": "null"})");
    EXPECT_TRUE(matches(null_extern, Value::null(ValType::ExternRef)));
    EXPECT_FALSE(matches(null_extern, Value::null(ValType::FuncRef)));
    Expected one = expect(R"({"type": "externref", "value": "1"})");
    EXPECT_TRUE(matches(one, Value::externref(2)));
    EXPECT_FALSE(matches(one, Value::externref(1)));
    EXPECT_EQ(describe(Value::externref(2)), "ref.extern 1");

    // An expected funcref without a value means any non-null reference.
    Expected any_func = expect(R"({"type": "funcref"})");
    EXPECT_TRUE(matches(any_func, Value{ValType::FuncRef, 0x1000}));
    EXPECT_FALSE(matches(any_func, Value::null(ValType::FuncRef)));
    Expected null_func = expect(R"({"type": "funcref", "value": "null"})");
    EXPECT_TRUE(matches(null_func, Value::null(ValType::FuncRef)));
    EXPECT_FALSE(matches(null_func, Value{ValType::FuncRef, 0x1000}));
}

TEST(SpecValues, Descriptions) {
    EXPECT_EQ(describe(Value::i32(-7)), "i32:-7");
    EXPECT_EQ(describe(Value::i64(1)), "i64:1");
    EXPECT_EQ(describe(Value::f32(1.5f)), "f32:1.5 (0x3fc00000)");
    EXPECT_EQ(describe(Value::f64(-0.0)), "f64:-0 (0x8000000000000000)");
    EXPECT_EQ(describe(expect(R"({"type": "f32", "value": "nan:canonical"})")),
              "f32:nan:canonical");
    EXPECT_EQ(describe(Value::null(ValType::FuncRef)), "ref.null func");
}

} // namespace
} // namespace tycho::spec
