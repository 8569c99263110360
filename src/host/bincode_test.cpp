// Tests of the bincode 1.x codec (bincode.h): byte-exact encodings, and readers that reject
// truncated, oversized and invalid input with a message naming the byte.
#include "host/bincode.h"

#include "byte_list.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace tycho::host::bincode {
namespace {

using test::bytes_of;

TEST(BincodeWriter, IntegersAreLittleEndianAndFixedWidth) {
    Writer w;
    w.u8(0xAB);
    w.u32(0x01020304);
    w.u64(0x0102030405060708);
    w.i64(-2);
    EXPECT_EQ(w.data(), bytes_of({0xAB, 4, 3,    2,    1,    8,    7,    6,    5,    4,   3,
                                  2,    1, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
}

TEST(BincodeWriter, StringsAndBytesHaveAU64Length) {
    Writer w;
    w.string("hé");
    const uint8_t blob[] = {0, 255};
    w.bytes(blob);
    w.string("");
    EXPECT_EQ(w.data(), bytes_of({3, 0, 0, 0, 0, 0,   0, 0, 'h', 0xC3, 0xA9, 2, 0, 0, 0,
                                  0, 0, 0, 0, 0, 255, 0, 0, 0,   0,    0,    0, 0, 0}));
    EXPECT_EQ(Writer::sized(3), 11u);
}

TEST(BincodeWriter, DoublesVariantsAndOptions) {
    Writer w;
    w.f64(1.5); // 0x3FF8000000000000
    w.variant(4);
    w.none();
    w.some();
    w.u32(7);
    EXPECT_EQ(w.data(), bytes_of({0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 4, 0, 0, 0, 0, 1, 7, 0, 0, 0}));
}

TEST(BincodeReader, ReadsWhatTheWriterWrote) {
    Writer w;
    w.u8(9);
    w.u32(0xDEADBEEF);
    w.i64(-123456789012345);
    w.f64(-0.25);
    w.string("name");
    const uint8_t blob[] = {1, 2, 3};
    w.bytes(blob);
    w.u32(uint32_t(-5));
    Reader r(w.data());
    EXPECT_EQ(r.u8("a"), 9);
    EXPECT_EQ(r.u32("b"), 0xDEADBEEFu);
    EXPECT_EQ(r.i64("c"), -123456789012345);
    EXPECT_EQ(r.f64("d"), -0.25);
    EXPECT_EQ(r.string("e"), "name");
    auto b = r.bytes("f");
    ASSERT_TRUE(b);
    EXPECT_EQ(std::vector<uint8_t>(b->begin(), b->end()), bytes_of({1, 2, 3}));
    EXPECT_EQ(r.i32("g"), -5);
    EXPECT_FALSE(r.failed());
    EXPECT_EQ(r.remaining(), 0u);
}

TEST(BincodeReader, NaNAndInfinityPassThrough) {
    Writer w;
    w.f64(std::nan(""));
    w.f64(-INFINITY);
    Reader r(w.data());
    EXPECT_TRUE(std::isnan(r.f64("x").value()));
    EXPECT_EQ(r.f64("y"), -INFINITY);
}

TEST(BincodeReader, TruncatedIntegersNameTheByteAndTheValue) {
    const auto data = bytes_of({1, 2, 3, 4, 5, 6});
    Reader r(data);
    EXPECT_EQ(r.u32("the tag"), 0x04030201u);
    EXPECT_FALSE(r.u64("the count"));
    EXPECT_EQ(r.error(), "byte 4: the data ends inside the count (8 bytes needed, 2 left)");
}

TEST(BincodeReader, AFailureIsSticky) {
    const auto data = bytes_of({1});
    Reader r(data);
    EXPECT_FALSE(r.u32("first"));
    const std::string first = r.error();
    EXPECT_FALSE(r.u8("second")); // a byte is there, but the reader has failed
    EXPECT_EQ(r.error(), first);
}

TEST(BincodeReader, LengthsBeyondTheDataAreRefusedBeforeUse) {
    // A length of 2^63: nothing may be allocated or read for it.
    const auto data = bytes_of({0, 0, 0, 0, 0, 0, 0, 0x80, 'a', 'b'});
    Reader r(data);
    EXPECT_FALSE(r.string("the name"));
    EXPECT_EQ(r.error(), "byte 0: the name claims 9223372036854775808 bytes, but 2 are left");
    const auto short_data = bytes_of({3, 0, 0, 0, 0, 0, 0, 0, 1, 2});
    Reader short_bytes(short_data);
    EXPECT_FALSE(short_bytes.bytes("the blob"));
    EXPECT_EQ(short_bytes.error(), "byte 0: the blob claims 3 bytes, but 2 are left");
    const auto no_length_data = bytes_of({3, 0, 0});
    Reader no_length(no_length_data);
    EXPECT_FALSE(no_length.bytes("the blob"));
    EXPECT_EQ(no_length.error(),
              "byte 0: the data ends inside the blob's length (8 bytes needed, 3 left)");
}

TEST(BincodeReader, StringsMustBeUtf8) {
    const auto data = bytes_of({2, 0, 0, 0, 0, 0, 0, 0, 0xC3, 0x28});
    Reader r(data);
    EXPECT_FALSE(r.string("the text"));
    EXPECT_EQ(r.error(), "byte 0: the text is not valid UTF-8");
    // The same bytes are a fine byte vector.
    Reader b(data);
    EXPECT_TRUE(b.bytes("the blob"));
}

TEST(BincodeReader, CountsAreCheckedAgainstTheSmallestElement) {
    Writer w;
    w.u64(3);
    for (int i = 0; i < 24; ++i)
        w.u8(0);
    Reader fits(w.data());
    EXPECT_EQ(fits.count("the count", 8), 3u);
    Reader too_many(w.data());
    EXPECT_FALSE(too_many.count("the count", 9));
    EXPECT_EQ(too_many.error(), "byte 0: the count is 3, but only 24 bytes follow");
    Writer huge;
    huge.u64(UINT64_MAX);
    Reader r(huge.data());
    EXPECT_FALSE(r.count("the count", 1));
}

TEST(BincodeReader, FailNamesWhereTheLastValueBegan) {
    Writer w;
    w.u64(0);
    w.u32(99);
    Reader r(w.data());
    ASSERT_TRUE(r.u64("a"));
    ASSERT_EQ(r.u32("the variant"), 99u);
    r.fail("unknown variant 99");
    EXPECT_EQ(r.error(), "byte 8: unknown variant 99");
}

} // namespace
} // namespace tycho::host::bincode
