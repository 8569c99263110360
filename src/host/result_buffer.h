// Results the host hands to the guest in a buffer the guest allocates (lunatic-abi.md §9.1):
// the host makes the bytes first, then calls the guest's `lunatic_alloc(i32 size) -> i32`
// export re-entrantly, copies the bytes to the pointer it returned, writes their length to
// the caller's out-pointer as a u64 and returns the pointer. Used by lunatic::sqlite and
// lunatic::distributed.
#pragma once

#include <tycho/wasm/engine.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tycho::host {

// Gives `bytes` to the guest that made the host call `function` (named in messages, e.g.
// "lunatic::sqlite::read_row") and writes their length to `len_ptr`; returns the guest
// pointer. nullopt after trapping `caller`: the module exports no `lunatic_alloc`, or one of
// another type, it trapped, or the range it returned (or `len_ptr`) lies outside the memory.
// A kill or proc_exit inside `lunatic_alloc` stops the caller instead (it unwinds as one).
// The guest code may do anything, host calls included: callers must hold nothing that such
// a call could change or free (make the bytes first, as the protocol says).
std::optional<uint32_t> give_result_buffer(wasm::Caller& caller, std::string_view function,
                                           std::span<const uint8_t> bytes, uint32_t len_ptr);

} // namespace tycho::host
