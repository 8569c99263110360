#include "host/bincode.h"

#include "host/guest_memory.h"

#include <cstring>

namespace tycho::host::bincode {

void Writer::little_endian(uint64_t value, int width) {
    for (int i = 0; i < width; ++i)
        bytes_.push_back(uint8_t(value >> (8 * i)));
}

void Writer::f64(double value) {
    uint64_t bits;
    std::memcpy(&bits, &value, 8);
    u64(bits);
}

void Writer::bytes(std::span<const uint8_t> value) {
    u64(value.size());
    bytes_.insert(bytes_.end(), value.begin(), value.end());
}

void Reader::fail_at(size_t position, std::string_view message) {
    if (failed()) return;
    error_ = "byte " + std::to_string(position) + ": " + std::string(message);
}

void Reader::fail(std::string_view message) {
    fail_at(value_start_, message);
}

std::optional<std::span<const uint8_t>> Reader::take(size_t n, std::string_view what) {
    if (failed()) return std::nullopt;
    value_start_ = position_;
    if (n > remaining()) {
        fail_at(position_, "the data ends inside " + std::string(what) + " (" + std::to_string(n) +
                               " bytes needed, " + std::to_string(remaining()) + " left)");
        return std::nullopt;
    }
    auto out = bytes_.subspan(position_, n);
    position_ += n;
    return out;
}

namespace {
uint64_t little_endian(std::span<const uint8_t> bytes) {
    uint64_t value = 0;
    for (size_t i = 0; i < bytes.size(); ++i)
        value |= uint64_t(bytes[i]) << (8 * i);
    return value;
}
} // namespace

std::optional<uint8_t> Reader::u8(std::string_view what) {
    auto b = take(1, what);
    if (!b) return std::nullopt;
    return (*b)[0];
}

std::optional<uint32_t> Reader::u32(std::string_view what) {
    auto b = take(4, what);
    if (!b) return std::nullopt;
    return uint32_t(little_endian(*b));
}

std::optional<uint64_t> Reader::u64(std::string_view what) {
    auto b = take(8, what);
    if (!b) return std::nullopt;
    return little_endian(*b);
}

std::optional<int32_t> Reader::i32(std::string_view what) {
    auto v = u32(what);
    if (!v) return std::nullopt;
    return int32_t(*v);
}

std::optional<int64_t> Reader::i64(std::string_view what) {
    auto v = u64(what);
    if (!v) return std::nullopt;
    return int64_t(*v);
}

std::optional<double> Reader::f64(std::string_view what) {
    auto v = u64(what);
    if (!v) return std::nullopt;
    double value;
    std::memcpy(&value, &*v, 8);
    return value;
}

std::optional<std::span<const uint8_t>> Reader::bytes(std::string_view what) {
    const size_t start = position_;
    auto length = u64(std::string(what) + "'s length");
    if (!length) return std::nullopt;
    if (*length > remaining()) {
        fail_at(start, std::string(what) + " claims " + std::to_string(*length) + " bytes, but " +
                           std::to_string(remaining()) + " are left");
        return std::nullopt;
    }
    auto out = take(size_t(*length), what);
    value_start_ = start;
    return out;
}

std::optional<std::string_view> Reader::string(std::string_view what) {
    auto b = bytes(what);
    if (!b) return std::nullopt;
    std::string_view text(reinterpret_cast<const char*>(b->data()), b->size());
    if (!is_valid_utf8(text)) {
        fail(std::string(what) + " is not valid UTF-8");
        return std::nullopt;
    }
    return text;
}

std::optional<uint64_t> Reader::count(std::string_view what, uint64_t min_element_bytes) {
    const size_t start = position_;
    auto n = u64(what);
    if (!n) return std::nullopt;
    if (min_element_bytes != 0 && *n > remaining() / min_element_bytes) {
        fail_at(start, std::string(what) + " is " + std::to_string(*n) + ", but only " +
                           std::to_string(remaining()) + " bytes follow");
        return std::nullopt;
    }
    value_start_ = start;
    return n;
}

} // namespace tycho::host::bincode
