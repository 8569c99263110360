// The ciovec arrays of tcp_write_vectored and tls_write_vectored (lunatic-abi.md §20.2):
// `count` entries of 8 bytes (u32 LE buffer pointer, u32 LE length), every one checked.
#pragma once

#include "host/guest_memory.h"

#include <sys/uio.h>

#include <optional>
#include <vector>

namespace tycho::host {

// The guest's buffers as host iovecs, once the array and every buffer it names are known
// to lie in memory (else nullopt after trapping). Only the first `max_entries` are returned:
// one vectored write may write fewer bytes than supplied. The pointers stay valid while the
// process does not run (its memory cannot move or grow meanwhile).
std::optional<std::vector<iovec>> read_ciovecs(GuestMemory& memory, uint32_t array_ptr,
                                               uint32_t count, size_t max_entries);

} // namespace tycho::host
