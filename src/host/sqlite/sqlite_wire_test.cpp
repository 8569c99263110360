// Tests of lunatic::sqlite's wire formats (sqlite_wire.h): bind lists decoded from the bytes
// Lunatic's guest library sends, values, rows and errors encoded byte for byte, and
// malformed bind lists refused with a message naming the byte.
#include "host/sqlite/sqlite_wire.h"

#include "byte_list.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace tycho::host::sqlite {
namespace {

using test::bytes_of;

std::string text(std::span<const uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A BindList as the guest library writes it.
struct ListWriter {
    bincode::Writer out;
    explicit ListWriter(uint64_t count) { out.u64(count); }
    ListWriter& none() { return out.variant(0), *this; }
    ListWriter& index(uint64_t i) { return out.variant(1), out.u64(i), *this; }
    ListWriter& name(std::string_view n) { return out.variant(2), out.string(n), *this; }
    ListWriter& null() { return out.variant(0), *this; }
    ListWriter& blob(std::vector<uint8_t> b) { return out.variant(1), out.bytes(b), *this; }
    ListWriter& text(std::string_view t) { return out.variant(2), out.string(t), *this; }
    ListWriter& real(double d) { return out.variant(3), out.f64(d), *this; }
    ListWriter& int32(int32_t i) { return out.variant(4), out.u32(uint32_t(i)), *this; }
    ListWriter& int64(int64_t i) { return out.variant(5), out.i64(i), *this; }
};

std::string error_of(const std::vector<uint8_t>& bytes) {
    auto decoded = decode_bind_list(bytes);
    EXPECT_FALSE(decoded);
    return decoded ? "" : decoded.error().message;
}

TEST(SqliteBindList, EveryKeyAndValueKind) {
    ListWriter w(7);
    w.index(3).null();
    w.index(1).blob({0, 1, 255});
    w.name(":who").text("Ada");
    w.none().real(2.5);
    w.index(2).int32(-7);
    w.index(250000).int64(INT64_MIN);
    w.none().text("");
    auto list = decode_bind_list(w.out.data());
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->size(), 7u);
    const auto& l = *list;
    EXPECT_EQ(l[0].index, 3u);
    EXPECT_EQ(l[0].value.kind, SqlValue::Kind::null);
    EXPECT_EQ(l[1].index, 1u);
    EXPECT_EQ(l[1].value.kind, SqlValue::Kind::blob);
    EXPECT_EQ(std::vector<uint8_t>(l[1].value.bytes.begin(), l[1].value.bytes.end()),
              bytes_of({0, 1, 255}));
    EXPECT_EQ(l[2].index, 1u); // a name binds at 1
    EXPECT_EQ(l[2].value.kind, SqlValue::Kind::text);
    EXPECT_EQ(text(l[2].value.bytes), "Ada");
    EXPECT_EQ(l[3].index, 1u); // so does no key
    EXPECT_EQ(l[3].value.kind, SqlValue::Kind::real);
    EXPECT_EQ(l[3].value.real, 2.5);
    EXPECT_EQ(l[4].value.kind, SqlValue::Kind::integer);
    EXPECT_EQ(l[4].value.integer, -7); // an i32, sign-extended
    EXPECT_EQ(l[5].index, 250000u);
    EXPECT_EQ(l[5].value.integer, INT64_MIN);
    EXPECT_EQ(l[6].value.kind, SqlValue::Kind::text);
    EXPECT_TRUE(l[6].value.bytes.empty());
}

TEST(SqliteBindList, TheExactBytesOfOneBinding) {
    // [(BindKey::Numeric(1), BindValue::Int64(42))]
    const auto bytes = bytes_of({1, 0, 0, 0, 0, 0, 0, 0, 1,  0, 0, 0, 1, 0, 0, 0,
                                 0, 0, 0, 0, 5, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0});
    auto list = decode_bind_list(bytes);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].index, 1u);
    EXPECT_EQ((*list)[0].value.integer, 42);
}

TEST(SqliteBindList, EmptyListsAndTrailingBytes) {
    const auto zero = bytes_of({0, 0, 0, 0, 0, 0, 0, 0});
    auto empty = decode_bind_list(zero);
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    ListWriter w(1);
    w.index(1).null();
    w.out.u32(0xDEADBEEF); // ignored, as bincode 1.x's deserialize does
    EXPECT_TRUE(decode_bind_list(w.out.data()));
}

TEST(SqliteBindList, MalformedListsSayWhatAndWhere) {
    EXPECT_EQ(error_of({}), "malformed BindList: byte 0: the data ends inside the BindList's "
                            "length (8 bytes needed, 0 left)");
    EXPECT_EQ(error_of(ListWriter(UINT64_MAX).out.data()),
              "malformed BindList: byte 0: the BindList's length is 18446744073709551615, but "
              "only 0 bytes follow");
    ListWriter bad_key(1);
    bad_key.out.variant(3);
    bad_key.null();
    EXPECT_EQ(error_of(bad_key.out.data()),
              "malformed BindList: byte 8: unknown BindKey variant 3");
    ListWriter bad_value(1);
    bad_value.none();
    bad_value.out.variant(6);
    bad_value.out.u32(0);
    EXPECT_EQ(error_of(bad_value.out.data()),
              "malformed BindList: byte 12: unknown BindValue variant 6");
    ListWriter zero_index(1);
    zero_index.index(0).null();
    EXPECT_EQ(error_of(zero_index.out.data()),
              "malformed BindList: byte 12: parameter index 0 (indices start at 1)");
    ListWriter short_text(1);
    short_text.none();
    short_text.out.variant(2);
    short_text.out.u64(100);
    EXPECT_EQ(error_of(short_text.out.data()),
              "malformed BindList: byte 16: a BindValue's text claims 100 bytes, but 0 are left");
    ListWriter not_utf8(1);
    not_utf8.none().text("\xFF\xFE");
    EXPECT_EQ(error_of(not_utf8.out.data()),
              "malformed BindList: byte 16: a BindValue's text is not valid UTF-8");
    ListWriter bad_name(1);
    bad_name.name("\xC0\x80").null();
    EXPECT_NE(error_of(bad_name.out.data()).find("name is not valid UTF-8"), std::string::npos);
    ListWriter truncated(2); // says two, holds one
    truncated.none().int32(1);
    truncated.out.u32(0);
    EXPECT_NE(error_of(truncated.out.data()).find("the data ends inside a BindValue"),
              std::string::npos);
}

TEST(SqliteValues, EachKindByteForByte) {
    bincode::Writer out;
    encode_value(out, {});
    SqlValue blob{SqlValue::Kind::blob};
    const uint8_t b[] = {9, 8};
    blob.bytes = b;
    encode_value(out, blob);
    SqlValue t{SqlValue::Kind::text};
    t.bytes = {reinterpret_cast<const uint8_t*>("hi"), 2};
    encode_value(out, t);
    SqlValue real{SqlValue::Kind::real};
    real.real = -1.0; // 0xBFF0000000000000
    encode_value(out, real);
    SqlValue integer{SqlValue::Kind::integer};
    integer.integer = -2;
    encode_value(out, integer);
    EXPECT_EQ(
        out.data(),
        bytes_of({0, 0, 0, 0,                                                           // NULL
                  1, 0, 0, 0, 2,    0,    0,    0,    0,    0,    0,    0,    9,   8,   // blob
                  2, 0, 0, 0, 2,    0,    0,    0,    0,    0,    0,    0,    'h', 'i', // text
                  3, 0, 0, 0, 0,    0,    0,    0,    0,    0,    0xF0, 0xBF,           // double
                  4, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));        // integer
    uint64_t total = 0;
    for (const SqlValue& v : {SqlValue{}, blob, t, real, integer})
        total += encoded_size(v);
    EXPECT_EQ(total, out.data().size());
}

TEST(SqliteValues, TextThatIsNotUtf8IsRepaired) {
    const std::string raw = "a\xFF"
                            "b\xE2\x82"
                            "c\xF0\x9F\x98\x80";
    SqlValue t{SqlValue::Kind::text};
    t.bytes = {reinterpret_cast<const uint8_t*>(raw.data()), raw.size()};
    bincode::Writer out;
    encode_value(out, t);
    bincode::Reader in(out.data());
    EXPECT_EQ(in.u32("variant"), 2u);
    EXPECT_EQ(in.string("text"), "a\xEF\xBF\xBD"
                                 "b\xEF\xBF\xBD"
                                 "c\xF0\x9F\x98\x80");
    EXPECT_EQ(encoded_size(t), out.data().size());
    EXPECT_EQ(valid_utf8("plain"), "plain");
    EXPECT_EQ(valid_utf8("\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(valid_utf8_size("\xC3"), 3u);
}

TEST(SqliteErrors, OptionsOfCodeAndMessage) {
    bincode::Writer out;
    encode_error(out, 19, "UNIQUE constraint failed: t.id");
    bincode::Reader in(out.data());
    EXPECT_EQ(in.u8("some"), 1);
    EXPECT_EQ(in.u32("code"), 19u);
    EXPECT_EQ(in.u8("some"), 1);
    EXPECT_EQ(in.string("message"), "UNIQUE constraint failed: t.id");
    EXPECT_EQ(in.remaining(), 0u);
    bincode::Writer none;
    encode_error(none, std::nullopt, std::nullopt);
    EXPECT_EQ(none.data(), bytes_of({0, 0}));
}

} // namespace
} // namespace tycho::host::sqlite
