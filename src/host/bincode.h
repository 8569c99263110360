// The bincode 1.x encoding (its default options) that Lunatic's guest libraries use for the
// values lunatic::sqlite and lunatic::distributed exchange with the host (lunatic-abi.md
// §25, §27): little-endian fixed-width integers, sequences, strings and byte vectors as a
// u64 length and their contents, enum variants as a u32 index and their payload, Option as
// a u8 0 or 1 and the value when 1.
//
// The reader never trusts a length: it checks it against the bytes that are left before
// using it, so malformed input costs nothing but a precise error.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tycho::host::bincode {

class Writer {
  public:
    void u8(uint8_t value) { bytes_.push_back(value); }
    void u32(uint32_t value) { little_endian(value, 4); }
    void u64(uint64_t value) { little_endian(value, 8); }
    void i64(int64_t value) { little_endian(uint64_t(value), 8); }
    void f64(double value);
    void bytes(std::span<const uint8_t> value);
    void string(std::string_view value) {
        bytes({reinterpret_cast<const uint8_t*>(value.data()), value.size()});
    }
    void variant(uint32_t index) { u32(index); }
    void none() { u8(0); }
    void some() { u8(1); } // then the value

    // Bytes a string or byte vector of `length` bytes takes.
    static constexpr uint64_t sized(uint64_t length) { return 8 + length; }
    void reserve(size_t bytes) { bytes_.reserve(bytes); }
    const std::vector<uint8_t>& data() const { return bytes_; }
    std::vector<uint8_t> take() { return std::move(bytes_); }

  private:
    void little_endian(uint64_t value, int width);
    std::vector<uint8_t> bytes_;
};

// Reads values one after the other. After the first failure every read fails and error()
// says what was wrong and where ("byte 12: ..."); `what` names the value in that text.
class Reader {
  public:
    explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

    std::optional<uint8_t> u8(std::string_view what);
    std::optional<uint32_t> u32(std::string_view what);
    std::optional<uint64_t> u64(std::string_view what);
    std::optional<int32_t> i32(std::string_view what);
    std::optional<int64_t> i64(std::string_view what);
    std::optional<double> f64(std::string_view what);
    // A byte vector or string: a view into the input.
    std::optional<std::span<const uint8_t>> bytes(std::string_view what);
    // A string, which must be UTF-8.
    std::optional<std::string_view> string(std::string_view what);
    // A sequence's element count, checked against what is left: each element takes at least
    // `min_element_bytes`.
    std::optional<uint64_t> count(std::string_view what, uint64_t min_element_bytes);
    // Fails with "byte N: <message>" (for values whose content is wrong, such as an
    // unknown variant index read just before).
    void fail(std::string_view message);

    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    size_t position() const { return position_; }
    size_t remaining() const { return bytes_.size() - position_; }

  private:
    std::optional<std::span<const uint8_t>> take(size_t n, std::string_view what);
    void fail_at(size_t position, std::string_view message);

    std::span<const uint8_t> bytes_;
    size_t position_ = 0;
    size_t value_start_ = 0; // where the value being read began, for messages
    std::string error_;
};

} // namespace tycho::host::bincode
