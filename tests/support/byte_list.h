// Byte strings written as lists of small integers in tests: bytes_of({0x01, 0xFF}).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace tycho::test {

inline std::vector<uint8_t> bytes_of(std::initializer_list<int> values) {
    std::vector<uint8_t> out;
    out.reserve(values.size());
    for (int v : values)
        out.push_back(uint8_t(v));
    return out;
}

} // namespace tycho::test
