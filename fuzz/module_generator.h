// Turns fuzzer bytes into a valid WebAssembly module, so that nearly every input gets past
// the validator and runs in both tiers (tiers_fuzz.cpp).
#pragma once

#include <tycho/wasm/types.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tycho::fuzz {

// The fuzzer's bytes read as a stream of decisions. Once they run out every read yields
// zero, and the generator's choice 0 is always the smallest one, so any input, even an
// empty one, describes a complete module.
class FuzzInput {
  public:
    explicit FuzzInput(std::span<const uint8_t> data) : data_(data) {}

    uint8_t byte() { return position_ < data_.size() ? data_[position_++] : 0; }
    uint32_t u32();
    uint64_t u64();
    // A number in [0, bound); bound must be positive.
    uint32_t below(uint32_t bound);
    // True in about `percent` out of 100 reads.
    bool chance(uint32_t percent) { return below(100) < percent; }
    bool exhausted() const { return position_ >= data_.size(); }

  private:
    std::span<const uint8_t> data_;
    size_t position_ = 0;
};

// Bits of a value of numeric type `type` (low 32 bits for i32 and f32), mostly from a list of
// values that sit on some edge: zeros of both signs, infinities, NaNs with and without
// payload, signalling NaNs, integer extremes, the bounds of float-to-integer conversion.
uint64_t interesting_bits(FuzzInput& input, wasm::ValType type);

// A valid module: types, a funcref table with an element segment, one memory, globals of
// every number type, and functions whose bodies use every numeric operator, memory access,
// control construct and call kind of the MVP and its 2.0 extensions (no SIMD, no
// references beyond the table). Every function is exported as "f<index>", every global as
// "g<index>", the memory as "memory". No imports, no start function.
std::vector<uint8_t> generate_module(FuzzInput& input);

} // namespace tycho::fuzz
