#include "byte_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tycho::wasm {
namespace {

using Bytes = std::vector<uint8_t>;

template <class T> struct Read {
    bool ok;
    T value;
    std::string error;
    size_t consumed;
};

template <class T, class F> Read<T> read(const Bytes& b, F method) {
    ByteReader r(b.data(), b.size());
    T v{};
    const bool ok = (r.*method)(v);
    return {ok, v, ok ? "" : r.error().message, b.size() - r.remaining()};
}

Read<uint32_t> u32(const Bytes& b) {
    return read<uint32_t>(b, &ByteReader::u32);
}
Read<uint64_t> u64(const Bytes& b) {
    return read<uint64_t>(b, &ByteReader::u64);
}
Read<int32_t> s32(const Bytes& b) {
    return read<int32_t>(b, &ByteReader::s32);
}
Read<int64_t> s33(const Bytes& b) {
    return read<int64_t>(b, &ByteReader::s33);
}
Read<int64_t> s64(const Bytes& b) {
    return read<int64_t>(b, &ByteReader::s64);
}

#define EXPECT_VALUE(call, expected)                                                               \
    do {                                                                                           \
        auto r_ = call;                                                                            \
        EXPECT_TRUE(r_.ok) << r_.error;                                                            \
        EXPECT_EQ(r_.value, expected);                                                             \
    } while (0)

#define EXPECT_ERROR(call, message)                                                                \
    do {                                                                                           \
        auto r_ = call;                                                                            \
        EXPECT_FALSE(r_.ok);                                                                       \
        EXPECT_EQ(r_.error, message);                                                              \
    } while (0)

TEST(ByteReaderLeb, U32Values) {
    EXPECT_VALUE(u32({0x00}), 0u);
    EXPECT_VALUE(u32({0x7F}), 127u);
    EXPECT_VALUE(u32({0x80, 0x01}), 128u);
    EXPECT_VALUE(u32({0xE5, 0x8E, 0x26}), 624485u);
    EXPECT_VALUE(u32({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}), 0xFFFFFFFFu);
    // Only the bytes of the number are consumed.
    EXPECT_EQ(u32({0x05, 0x80}).consumed, 1u);
}

TEST(ByteReaderLeb, U32PaddedEncodingsAreAccepted) {
    EXPECT_VALUE(u32({0x80, 0x00}), 0u);
    EXPECT_VALUE(u32({0x80, 0x80, 0x80, 0x80, 0x00}), 0u);
    EXPECT_VALUE(u32({0x82, 0x80, 0x80, 0x80, 0x00}), 2u);
    EXPECT_EQ(u32({0x82, 0x80, 0x80, 0x80, 0x00}).consumed, 5u);
}

TEST(ByteReaderLeb, U32Overlong) {
    EXPECT_ERROR(u32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), "integer representation too long");
    EXPECT_ERROR(u32({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), "integer representation too long");
}

TEST(ByteReaderLeb, U32UnusedBitsMustBeZero) {
    EXPECT_ERROR(u32({0xFF, 0xFF, 0xFF, 0xFF, 0x1F}), "integer too large");
    EXPECT_ERROR(u32({0x80, 0x80, 0x80, 0x80, 0x10}), "integer too large");
    EXPECT_ERROR(u32({0x82, 0x80, 0x80, 0x80, 0x70}), "integer too large");
    EXPECT_ERROR(u32({0x82, 0x80, 0x80, 0x80, 0x40}), "integer too large");
}

TEST(ByteReaderLeb, U32Truncated) {
    EXPECT_ERROR(u32({}), "unexpected end");
    EXPECT_ERROR(u32({0x80}), "unexpected end");
    EXPECT_ERROR(u32({0xFF, 0xFF, 0xFF, 0xFF}), "unexpected end");
}

TEST(ByteReaderLeb, U64) {
    EXPECT_VALUE(u64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}), UINT64_MAX);
    EXPECT_VALUE(u64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), 0u);
    EXPECT_VALUE(u64({0x80, 0x80, 0x80, 0x80, 0x10}), uint64_t(1) << 32);
    EXPECT_ERROR(u64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}),
                 "integer too large");
    EXPECT_ERROR(u64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}),
                 "integer representation too long");
}

TEST(ByteReaderLeb, S32Values) {
    EXPECT_VALUE(s32({0x00}), 0);
    EXPECT_VALUE(s32({0x3F}), 63);
    EXPECT_VALUE(s32({0x40}), -64);
    EXPECT_VALUE(s32({0x7F}), -1);
    EXPECT_VALUE(s32({0xC0, 0x00}), 64);
    EXPECT_VALUE(s32({0xBF, 0x7F}), -65);
    EXPECT_VALUE(s32({0xFF, 0xFF, 0xFF, 0xFF, 0x07}), INT32_MAX);
    EXPECT_VALUE(s32({0x80, 0x80, 0x80, 0x80, 0x78}), INT32_MIN);
}

TEST(ByteReaderLeb, S32PaddedEncodingsAreAccepted) {
    EXPECT_VALUE(s32({0x80, 0x00}), 0);
    EXPECT_VALUE(s32({0xFF, 0x7F}), -1);
    EXPECT_VALUE(s32({0x80, 0x80, 0x80, 0x80, 0x00}), 0);
    EXPECT_VALUE(s32({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), -1);
}

TEST(ByteReaderLeb, S32UnusedBitsMustSignExtend) {
    // The last byte carries 4 value bits; its 3 high bits must copy bit 3.
    EXPECT_ERROR(s32({0x80, 0x80, 0x80, 0x80, 0x70}), "integer too large");
    EXPECT_ERROR(s32({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}), "integer too large");
    EXPECT_ERROR(s32({0x80, 0x80, 0x80, 0x80, 0x1F}), "integer too large");
    EXPECT_ERROR(s32({0xFF, 0xFF, 0xFF, 0xFF, 0x4F}), "integer too large");
    EXPECT_ERROR(s32({0x80, 0x80, 0x80, 0x80, 0x08}), "integer too large");
    EXPECT_ERROR(s32({0xFF, 0xFF, 0xFF, 0xFF, 0x77}), "integer too large");
}

TEST(ByteReaderLeb, S32Overlong) {
    EXPECT_ERROR(s32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), "integer representation too long");
    EXPECT_ERROR(s32({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), "integer representation too long");
    EXPECT_ERROR(s32({0xFF}), "unexpected end");
}

TEST(ByteReaderLeb, S33) {
    EXPECT_VALUE(s33({0x40}), -64);
    EXPECT_VALUE(s33({0x7F}), -1);
    // 33 bits hold all of u32 as positive values and -2^32 as the minimum.
    EXPECT_VALUE(s33({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}), int64_t(0xFFFFFFFF));
    EXPECT_VALUE(s33({0x80, 0x80, 0x80, 0x80, 0x70}), -(int64_t(1) << 32));
    EXPECT_VALUE(s33({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), -1);
    // The last byte carries 5 value bits; its 2 high bits must copy bit 4.
    EXPECT_ERROR(s33({0x80, 0x80, 0x80, 0x80, 0x10}), "integer too large");
    EXPECT_ERROR(s33({0x80, 0x80, 0x80, 0x80, 0x20}), "integer too large");
    EXPECT_ERROR(s33({0xFF, 0xFF, 0xFF, 0xFF, 0x5F}), "integer too large");
    EXPECT_ERROR(s33({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), "integer representation too long");
}

TEST(ByteReaderLeb, S64) {
    EXPECT_VALUE(s64({0x7F}), -1);
    EXPECT_VALUE(s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}), INT64_MAX);
    EXPECT_VALUE(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}), INT64_MIN);
    EXPECT_VALUE(s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), -1);
    EXPECT_VALUE(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), 0);
    EXPECT_VALUE(s64({0x80, 0x80, 0x80, 0x80, 0x10}), int64_t(1) << 32);
    EXPECT_VALUE(s64({0x80, 0x80, 0x80, 0x80, 0x70}), -(int64_t(1) << 32));
    // The last byte carries 1 value bit; its 6 high bits must copy it.
    EXPECT_ERROR(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7E}),
                 "integer too large");
    EXPECT_ERROR(s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}),
                 "integer too large");
    EXPECT_ERROR(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02}),
                 "integer too large");
    EXPECT_ERROR(s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x41}),
                 "integer too large");
    EXPECT_ERROR(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}),
                 "integer representation too long");
}

TEST(ByteReader, ErrorOffsetsIncludeBaseAndKeepTheFirstError) {
    const Bytes b = {0x01, 0x80, 0x80};
    ByteReader r(b.data(), b.size(), 100);
    uint32_t v;
    EXPECT_TRUE(r.u32(v));
    EXPECT_EQ(r.offset(), 101u);
    EXPECT_FALSE(r.u32(v));
    EXPECT_EQ(r.error().offset, 101u); // where the number starts
    EXPECT_EQ(r.error().message, "unexpected end");
    EXPECT_FALSE(r.fail("second"));
    EXPECT_EQ(r.error().message, "unexpected end");
    EXPECT_TRUE(r.at_end());
}

TEST(ByteReader, FixedAndBytesAreBoundsChecked) {
    const Bytes b = {0x01, 0x02, 0x03, 0x04, 0x05};
    ByteReader r(b.data(), b.size());
    uint32_t v;
    EXPECT_TRUE(r.fixed(v));
    EXPECT_EQ(v, 0x04030201u);
    uint32_t w;
    EXPECT_FALSE(r.fixed(w));
    EXPECT_TRUE(r.failed());

    ByteReader r2(b.data(), b.size());
    const uint8_t* p;
    EXPECT_FALSE(r2.bytes(6, p));
    ByteReader r3(b.data(), b.size());
    EXPECT_TRUE(r3.skip(5));
    EXPECT_TRUE(r3.at_end());
    EXPECT_FALSE(r3.skip(1));
}

// ---------------------------------------------------------------------------------------------
// Names and UTF-8

Read<std::string> name(const Bytes& b) {
    return read<std::string>(b, &ByteReader::name);
}

Bytes with_length(Bytes payload) {
    Bytes out = {uint8_t(payload.size())};
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

bool valid(const Bytes& payload) {
    return name(with_length(payload)).ok;
}

TEST(ByteReaderName, ReadsLengthPrefixedNames) {
    EXPECT_VALUE(name({0x00}), "");
    EXPECT_VALUE(name({0x03, 'a', 'b', 'c', 'x'}), "abc");
    EXPECT_EQ(name({0x03, 'a', 'b', 'c', 'x'}).consumed, 4u);
    // Padded length.
    EXPECT_VALUE(name({0x81, 0x00, 'z'}), "z");
    EXPECT_ERROR(name({0x04, 'a', 'b', 'c'}), "length out of bounds");
    EXPECT_ERROR(name({0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 'a'}), "length out of bounds");
    EXPECT_ERROR(name({}), "unexpected end");
}

TEST(ByteReaderName, AcceptsWellFormedUtf8) {
    EXPECT_TRUE(valid({0x7F}));
    EXPECT_TRUE(valid({0xC2, 0x80}));             // U+0080
    EXPECT_TRUE(valid({0xDF, 0xBF}));             // U+07FF
    EXPECT_TRUE(valid({0xE0, 0xA0, 0x80}));       // U+0800
    EXPECT_TRUE(valid({0xE2, 0x82, 0xAC}));       // U+20AC
    EXPECT_TRUE(valid({0xED, 0x9F, 0xBF}));       // U+D7FF, just below the surrogates
    EXPECT_TRUE(valid({0xEE, 0x80, 0x80}));       // U+E000, just above them
    EXPECT_TRUE(valid({0xEF, 0xBF, 0xBF}));       // U+FFFF
    EXPECT_TRUE(valid({0xF0, 0x90, 0x80, 0x80})); // U+10000
    EXPECT_TRUE(valid({0xF0, 0x9D, 0x84, 0x9E})); // U+1D11E
    EXPECT_TRUE(valid({0xF4, 0x8F, 0xBF, 0xBF})); // U+10FFFF
    EXPECT_TRUE(valid({'a', 0xC3, 0xA9, 'b', 0xF0, 0x9F, 0x98, 0x80, 'c'}));
    EXPECT_TRUE(valid({0x00}));
}

TEST(ByteReaderName, RejectsOverlongForms) {
    EXPECT_FALSE(valid({0xC0, 0x80}));
    EXPECT_FALSE(valid({0xC1, 0xBF}));
    EXPECT_FALSE(valid({0xE0, 0x80, 0x80}));
    EXPECT_FALSE(valid({0xE0, 0x9F, 0xBF}));
    EXPECT_FALSE(valid({0xF0, 0x80, 0x80, 0x80}));
    EXPECT_FALSE(valid({0xF0, 0x8F, 0xBF, 0xBF}));
}

TEST(ByteReaderName, RejectsSurrogatesAndTooLargeCodePoints) {
    EXPECT_FALSE(valid({0xED, 0xA0, 0x80}));       // U+D800
    EXPECT_FALSE(valid({0xED, 0xBF, 0xBF}));       // U+DFFF
    EXPECT_FALSE(valid({0xF4, 0x90, 0x80, 0x80})); // U+110000
    EXPECT_FALSE(valid({0xF5, 0x80, 0x80, 0x80}));
    EXPECT_FALSE(valid({0xF7, 0xBF, 0xBF, 0xBF}));
    EXPECT_FALSE(valid({0xF8, 0x88, 0x80, 0x80, 0x80})); // old 5-byte form
    EXPECT_FALSE(valid({0xFC, 0x84, 0x80, 0x80, 0x80, 0x80}));
    EXPECT_FALSE(valid({0xFE}));
    EXPECT_FALSE(valid({0xFF}));
}

TEST(ByteReaderName, RejectsTruncatedAndBrokenSequences) {
    EXPECT_FALSE(valid({0x80})); // lone continuation byte
    EXPECT_FALSE(valid({0xBF, 'a'}));
    EXPECT_FALSE(valid({0xC3}));       // truncated 2-byte
    EXPECT_FALSE(valid({0xE2, 0x82})); // truncated 3-byte
    EXPECT_FALSE(valid({0xF0, 0x9F, 0x98}));
    EXPECT_FALSE(valid({0xC3, 'a'})); // continuation expected
    EXPECT_FALSE(valid({0xE2, 0x28, 0xA1}));
    EXPECT_FALSE(valid({0xE2, 0x82, 0x28}));
    EXPECT_FALSE(valid({0xF0, 0x9F, 0x28, 0x80}));
    EXPECT_FALSE(valid({0xF0, 0x9F, 0x98, 0x28}));
    // A sequence cut off by the end of the name, even if the next byte would complete it.
    EXPECT_FALSE(name({0x01, 0xC3, 0xA9}).ok);
    EXPECT_ERROR(name({0x01, 0x80}), "malformed UTF-8 encoding");
}

TEST(ByteReaderName, Utf8HelperMatchesName) {
    const Bytes good = {0xE2, 0x82, 0xAC};
    const Bytes bad = {0xED, 0xA0, 0x80};
    EXPECT_TRUE(is_valid_utf8(good.data(), good.size()));
    EXPECT_FALSE(is_valid_utf8(bad.data(), bad.size()));
    EXPECT_TRUE(is_valid_utf8(nullptr, 0));
}

} // namespace
} // namespace tycho::wasm
