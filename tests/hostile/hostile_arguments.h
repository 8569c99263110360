// The hostile argument patterns the sweep calls every host function with. A pattern gives
// each i32 parameter (pointers, lengths, descriptors, flags alike) and each i64 parameter
// (ids, tags, timeouts, sizes) a value, and may first run a prelude in the same process:
// a message in the scratch slot, an id that is live, or one that was live a moment ago.
#pragma once

#include "host_functions.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tycho::hostile {

// The guest's memory is one page (hostile_module.h).
inline constexpr uint32_t kMemoryBytes = 65536;

// What runs before the hostile call. Every prelude but `none` ends with a 16-byte data
// message (tag 7) in the scratch slot; those that make an id leave it for the call.
enum class Prelude {
    none,
    message,
    dropped_config,  // create_config, then drop_config
    dropped_module,  // compile_module (a valid empty module), then drop_module
    dropped_error,   // compile_module of garbage makes an error id; error::drop drops it
    cancelled_timer, // send_after (to itself, far in the future), then cancel_timer
    own_id,          // the caller's own process id
    live_config,     // create_config
    live_module,     // compile_module; the module is also pushed into the message
    live_error,      // compile_module of garbage
    live_database,   // sqlite::open(":memory:")
    live_row,        // open, query_prepare of a one-row query, sqlite3_step
    finalized_stmt,  // open, query_prepare, sqlite3_finalize
};
const char* to_string(Prelude prelude);
bool makes_id(Prelude prelude);

struct ArgumentPattern {
    std::string name;
    Prelude prelude = Prelude::none;
    // The k-th i32 parameter gets i32_cycle[k % size], or `i32_first` when k == 0 and it is
    // set (a descriptor such as stdout before (pointer, length) pairs).
    std::vector<uint32_t> i32_cycle;
    std::optional<uint32_t> i32_first;
    // Every i64 parameter gets `i64_value`, except the one at `id_position` (counting i64
    // parameters only), which gets the prelude's id.
    int64_t i64_value = 0;
    std::optional<uint32_t> id_position;
    // False: the module exports no memory. Host functions then refuse every pointer, and
    // no root can spawn the child (the entry's name is in memory): such patterns are not
    // run from a spawned entry.
    bool memory_exported = true;

    uint32_t i32_argument(uint32_t k) const;
};

// The patterns for `function`: the plain ones for every function; (pointer, length) pairs
// and a module without memory where it has i32 parameters; live and dead ids, in each i64
// position in turn (the other ids -1: the caller's own config and module), where it has
// i64 parameters.
std::vector<ArgumentPattern> patterns_for(const HostFunction& function);

} // namespace tycho::hostile
