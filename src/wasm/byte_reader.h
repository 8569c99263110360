// Bounds-checked reader over a Wasm binary with the spec's exact LEB128 rules.
// Every read reports failure instead of reading past the end; the first error is kept
// with its byte offset.
#pragma once

#include <tycho/wasm/result.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace tycho::wasm {

// True when [data, data+size) is well-formed UTF-8: no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF and no truncated sequences.
bool is_valid_utf8(const uint8_t* data, size_t size);

class ByteReader {
  public:
    ByteReader(const uint8_t* data, size_t size, size_t base_offset = 0)
        : begin_(data), pos_(data), end_(data + size), base_(base_offset) {}

    size_t offset() const { return base_ + size_t(pos_ - begin_); }
    size_t remaining() const { return size_t(end_ - pos_); }
    bool at_end() const { return pos_ == end_; }
    const uint8_t* position() const { return pos_; }
    bool failed() const { return failed_; }
    const Error& error() const { return error_; }

    // Records an error at the current offset (only the first one is kept) and returns false.
    bool fail(std::string message) { return fail_at(offset(), std::move(message)); }
    bool fail_at(size_t at, std::string message) {
        if (!failed_) {
            failed_ = true;
            error_ = Error{std::move(message), at};
        }
        pos_ = end_; // stop all further progress
        return false;
    }

    bool u8(uint8_t& out) {
        if (pos_ == end_) return fail("unexpected end");
        out = *pos_++;
        return true;
    }

    bool bytes(size_t n, const uint8_t*& out) {
        if (remaining() < n) return fail("unexpected end");
        out = pos_;
        pos_ += n;
        return true;
    }

    bool skip(size_t n) {
        const uint8_t* ignored;
        return bytes(n, ignored);
    }

    template <class T> bool fixed(T& out) {
        const uint8_t* p;
        if (!bytes(sizeof(T), p)) return false;
        std::memcpy(&out, p, sizeof(T));
        return true;
    }

    bool u32(uint32_t& out) { return unsigned_leb<uint32_t, 32>(out); }
    bool u64(uint64_t& out) { return unsigned_leb<uint64_t, 64>(out); }
    bool s32(int32_t& out) { return signed_leb<int32_t, 32>(out); }
    bool s33(int64_t& out) { return signed_leb<int64_t, 33>(out); }
    bool s64(int64_t& out) { return signed_leb<int64_t, 64>(out); }

    // A length-prefixed UTF-8 name; malformed UTF-8 is an error.
    bool name(std::string& out);

  private:
    template <class T, unsigned Bits> bool unsigned_leb(T& out) {
        constexpr unsigned kMaxBytes = (Bits + 6) / 7;
        const size_t start = offset();
        T result = 0;
        for (unsigned i = 0; i < kMaxBytes; ++i) {
            if (pos_ == end_) return fail_at(start, "unexpected end");
            const uint8_t byte = *pos_++;
            const unsigned shift = i * 7;
            if (i == kMaxBytes - 1) {
                // The last byte may only carry the bits that remain; the rest must be zero.
                const unsigned used = Bits - shift;
                if ((byte & 0x80) != 0) return fail_at(start, "integer representation too long");
                if ((byte >> used) != 0) return fail_at(start, "integer too large");
            }
            result |= T(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) {
                out = result;
                return true;
            }
        }
        return fail_at(start, "integer representation too long");
    }

    template <class T, unsigned Bits> bool signed_leb(T& out) {
        using U = std::make_unsigned_t<T>;
        constexpr unsigned kMaxBytes = (Bits + 6) / 7;
        const size_t start = offset();
        U result = 0;
        for (unsigned i = 0; i < kMaxBytes; ++i) {
            if (pos_ == end_) return fail_at(start, "unexpected end");
            const uint8_t byte = *pos_++;
            const unsigned shift = i * 7;
            if (i == kMaxBytes - 1) {
                if ((byte & 0x80) != 0) return fail_at(start, "integer representation too long");
                // Unused high bits must all equal the sign bit of the value.
                const unsigned used = Bits - shift; // payload bits in this byte, incl. sign
                const uint8_t high_mask = uint8_t(0x7F & ~((1u << used) - 1u));
                const uint8_t sign = (byte >> (used - 1)) & 1u;
                if ((byte & high_mask) != (sign ? high_mask : 0))
                    return fail_at(start, "integer too large");
            }
            result |= U(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) {
                const unsigned total = shift + 7;
                if (total < sizeof(T) * 8 && (byte & 0x40) != 0) result |= ~U(0) << total;
                out = T(result);
                return true;
            }
        }
        return fail_at(start, "integer representation too long");
    }

    const uint8_t* begin_;
    const uint8_t* pos_;
    const uint8_t* end_;
    size_t base_;
    bool failed_ = false;
    Error error_;
};

} // namespace tycho::wasm
