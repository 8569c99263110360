// The guest's iovec arrays as host iovecs, in bounded batches, and the reading and writing
// loops over them that fd_read/fd_write and sock_recv/sock_send share (wasi_io.cpp).
#pragma once

#include "host/wasi/wasi_functions.h"

#include <array>
#include <functional>
#include <optional>
#include <span>
#include <sys/types.h>
#include <sys/uio.h>

namespace tycho::host::wasi {

// Host iovecs gathered per system call; the guest's array is walked in batches of this size
// so that host memory does not grow with the guest's iovec count.
inline constexpr size_t kIovecBatch = 64;

// The guest's iovec array, once it and every buffer it names are known to lie in memory.
std::optional<std::span<const uint8_t>> checked_iovecs(GuestMemory& memory, uint32_t iovs,
                                                       uint32_t iovs_len);

// One system call's worth of data: up to kIovecBatch buffers.
struct IoBatch {
    std::array<iovec, kIovecBatch> entries;
    int count = 0;
    uint64_t bytes() const;
};

// Up to kIovecBatch non-empty buffers from a checked array, starting at `next` (advanced
// past them) and holding at most `budget` bytes together.
IoBatch next_batch(GuestMemory& memory, std::span<const uint8_t> array, size_t& next,
                   uint64_t budget);

// A system call moving bytes through a host descriptor: returns the count or -1 with errno.
using IoOperation = std::function<ssize_t(int fd, iovec* entries, int count)>;

struct Transfer {
    uint64_t bytes = 0;
    Errno error = Errno::Success;
};

// One read (a short read is a valid answer), waiting for readiness as the descriptor needs
// (see HostFd::nonblocking); EAGAIN when the guest set NONBLOCK and nothing is there.
Transfer read_through(Call& call, const Descriptor& d, std::span<const uint8_t> array,
                      const IoOperation& read);
// Writes every byte, waiting for room as needed; with NONBLOCK, as much as fits now.
Transfer write_through(Call& call, const Descriptor& d, std::span<const uint8_t> array,
                       const IoOperation& write);

// Before a call on `d` that could wait for `events` (POLLIN, POLLOUT): Success when it may
// go ahead, having waited if its host descriptor is in blocking mode; EAGAIN when the guest
// made it non-blocking and it is not ready; EINTR when the process must die instead.
Errno ready_before_call(Call& call, const Descriptor& d, short events);
// After such a call said EAGAIN: Success once it is ready, EAGAIN for a non-blocking
// guest, EINTR when the process must die.
Errno ready_after_again(Call& call, const Descriptor& d, short events);

// What a transfer tells the guest: the byte count when any byte moved (as POSIX does),
// otherwise the error.
Errno finish_transfer(GuestMemory& memory, const Transfer& t, uint32_t count_out);

} // namespace tycho::host::wasi
