// The wasi_snapshot_preview1 functions implemented for real, as plain C++ over a process's
// WasiContext and its guest memory (in OnFault::Report mode). wasi.cpp binds them to their
// Wasm names and types.
#pragma once

#include "host/guest_memory.h"
#include "host/wasi/wasi.h"
#include "host/wasi/wasi_abi.h"

#include <cstdint>
#include <span>
#include <string>

namespace tycho::host::wasi {

// args_* and environ_*: `strings` laid out as an array of pointers at `ptrs` and the
// NUL-terminated strings one after another at `buf`.
Errno strings_get(GuestMemory& memory, std::span<const std::string> strings, uint32_t ptrs,
                  uint32_t buf);
Errno strings_sizes_get(GuestMemory& memory, std::span<const std::string> strings,
                        uint32_t count_out, uint32_t size_out);

Errno clock_res_get(GuestMemory& memory, uint32_t id, uint32_t resolution_out);
Errno clock_time_get(GuestMemory& memory, uint32_t id, uint64_t precision, uint32_t time_out);

Errno random_get(GuestMemory& memory, uint32_t buf, uint32_t len);

// Descriptors 0, 1 and 2 (wasi_stdio.cpp).
Errno fd_write(GuestMemory& memory, const WasiContext& context, uint32_t fd, uint32_t iovs,
               uint32_t iovs_len, uint32_t nwritten_out);
Errno fd_read(GuestMemory& memory, const WasiContext& context, uint32_t fd, uint32_t iovs,
              uint32_t iovs_len, uint32_t nread_out);
Errno fd_fdstat_get(GuestMemory& memory, const WasiContext& context, uint32_t fd,
                    uint32_t fdstat_out);
Errno fd_close(WasiContext& context, uint32_t fd);
Errno fd_seek(const WasiContext& context, uint32_t fd);

} // namespace tycho::host::wasi
