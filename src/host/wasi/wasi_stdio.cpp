// The descriptors a process has: 0 (stdin), 1 (stdout) and 2 (stderr), mapped to the host
// descriptors in its WasiContext (or, for 1 and 2, to its output sink). fd_write and fd_read may
// block the worker thread that runs the process (a full pipe, a terminal waiting for input).
#include "host/wasi/wasi_functions.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <poll.h>
#include <span>
#include <sys/uio.h>

namespace tycho::host::wasi {

namespace {

constexpr uint32_t kStdioCount = 3;
// Host iovecs gathered per writev/readv; the guest's array is walked in batches of this size
// so that host memory does not grow with the guest's iovec count.
constexpr size_t kBatch = 64;
// Bytes transferred by one call at most: the count is returned as a u32.
constexpr uint64_t kMaxTransfer = UINT32_MAX;

bool is_open(const WasiContext& context, uint32_t fd) {
    return fd < kStdioCount && !context.stdio_closed[fd];
}

struct GuestIovec {
    uint32_t buf;
    uint32_t len;
};

GuestIovec iovec_at(std::span<const uint8_t> array, size_t index) {
    GuestIovec v;
    std::memcpy(&v.buf, array.data() + index * kIovecSize, 4);
    std::memcpy(&v.len, array.data() + index * kIovecSize + 4, 4);
    return v;
}

// The guest's iovec array, once it and every buffer it names are known to lie in memory.
std::optional<std::span<const uint8_t>> checked_iovecs(GuestMemory& memory, uint32_t iovs,
                                                       uint32_t iovs_len) {
    auto array = memory.read(iovs, uint64_t(iovs_len) * kIovecSize);
    if (!array) return std::nullopt;
    for (size_t i = 0; i < iovs_len; ++i) {
        const GuestIovec v = iovec_at(*array, i);
        if (!memory.bytes(v.buf, v.len)) return std::nullopt;
    }
    return array;
}

// Up to kBatch non-empty buffers from the guest's array, starting at `next` (advanced past
// them) and holding at most `budget` bytes together.
struct Batch {
    std::array<iovec, kBatch> entries;
    int count = 0;
};

Batch next_batch(GuestMemory& memory, std::span<const uint8_t> array, size_t& next,
                 uint64_t budget) {
    Batch batch;
    const size_t records = array.size() / kIovecSize;
    while (next < records && batch.count < int(kBatch) && budget > 0) {
        const GuestIovec v = iovec_at(array, next);
        // checked_iovecs() has vouched for it; bytes() is how its host address is found.
        auto bytes = memory.bytes(v.buf, std::min<uint64_t>(v.len, budget));
        if (!bytes) break;
        ++next;
        if (bytes->empty()) continue;
        batch.entries[batch.count++] = {bytes->data(), bytes->size()};
        budget -= bytes->size();
    }
    return batch;
}

// Waits until `fd` is ready for `events`; for descriptors in non-blocking mode.
bool wait_ready(int fd, short events) {
    pollfd p{fd, events, 0};
    while (::poll(&p, 1, -1) < 0)
        if (errno != EINTR) return false;
    return true;
}

// Drops the first `n` bytes from the entries.
void consume(iovec*& entries, int& count, size_t n) {
    while (count > 0 && n >= entries->iov_len) {
        n -= entries->iov_len;
        ++entries, --count;
    }
    if (count > 0) {
        entries->iov_base = static_cast<uint8_t*>(entries->iov_base) + n;
        entries->iov_len -= n;
    }
}

struct Transfer {
    uint64_t bytes = 0;
    int error = 0; // host errno, 0 when everything went
};

// Writes every byte of the batch, retrying after short writes, EINTR and EAGAIN.
Transfer write_all(int fd, Batch& batch) {
    Transfer t;
    iovec* entries = batch.entries.data();
    int count = batch.count;
    while (count > 0) {
        const ssize_t n = ::writev(fd, entries, count);
        if (n < 0) {
            if (errno == EINTR) continue;
            if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_ready(fd, POLLOUT)) continue;
            t.error = errno;
            return t;
        }
        if (n == 0) { // no progress on a non-empty write: give up rather than spin
            t.error = EIO;
            return t;
        }
        t.bytes += uint64_t(n);
        consume(entries, count, size_t(n));
    }
    return t;
}

// The same into a sink, which takes everything.
Transfer write_all(OutputSink& sink, const Batch& batch) {
    Transfer t;
    for (int i = 0; i < batch.count; ++i) {
        const iovec& entry = batch.entries[i];
        sink.write({static_cast<const uint8_t*>(entry.iov_base), entry.iov_len});
        t.bytes += entry.iov_len;
    }
    return t;
}

// One read into the batch (a short read is a valid answer).
Transfer read_some(int fd, Batch& batch) {
    Transfer t;
    if (batch.count == 0) return t;
    for (;;) {
        const ssize_t n = ::readv(fd, batch.entries.data(), batch.count);
        if (n >= 0) {
            t.bytes = uint64_t(n);
            return t;
        }
        if (errno == EINTR) continue;
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_ready(fd, POLLIN)) continue;
        t.error = errno;
        return t;
    }
}

// What a transfer tells the guest: the byte count when any byte moved (as POSIX does),
// otherwise the error.
Errno finish(GuestMemory& memory, const Transfer& t, uint32_t count_out) {
    if (t.bytes == 0 && t.error != 0) return errno_from_host(t.error);
    memory.store<uint32_t>(count_out, uint32_t(t.bytes));
    return Errno::Success;
}

} // namespace

Errno fd_write(GuestMemory& memory, const WasiContext& context, uint32_t fd, uint32_t iovs,
               uint32_t iovs_len, uint32_t nwritten_out) {
    if ((fd != 1 && fd != 2) || !is_open(context, fd)) return Errno::Badf;
    auto array = checked_iovecs(memory, iovs, iovs_len);
    if (!array || !memory.bytes(nwritten_out, 4)) return Errno::Fault;
    const int host_fd = fd == 1 ? context.stdout_fd : context.stderr_fd;
    Transfer total;
    size_t next = 0;
    for (;;) {
        Batch batch = next_batch(memory, *array, next, kMaxTransfer - total.bytes);
        if (batch.count == 0) break;
        const Transfer t = context.output != nullptr ? write_all(*context.output, batch)
                                                     : write_all(host_fd, batch);
        total.bytes += t.bytes;
        total.error = t.error;
        if (t.error != 0) break;
    }
    return finish(memory, total, nwritten_out);
}

// fd 0 reads from context.stdin_fd, or is always at end-of-file when that is -1.
Errno fd_read(GuestMemory& memory, const WasiContext& context, uint32_t fd, uint32_t iovs,
              uint32_t iovs_len, uint32_t nread_out) {
    if (fd != 0 || !is_open(context, fd)) return Errno::Badf;
    auto array = checked_iovecs(memory, iovs, iovs_len);
    if (!array || !memory.bytes(nread_out, 4)) return Errno::Fault;
    Transfer t;
    if (context.stdin_fd >= 0) {
        size_t next = 0;
        Batch batch = next_batch(memory, *array, next, kMaxTransfer);
        t = read_some(context.stdin_fd, batch);
    }
    return finish(memory, t, nread_out);
}

// Character devices without the seek and tell rights: what wasi-libc's isatty() looks for,
// which makes stdout line-buffered.
Errno fd_fdstat_get(GuestMemory& memory, const WasiContext& context, uint32_t fd,
                    uint32_t fdstat_out) {
    if (!is_open(context, fd)) return Errno::Badf;
    auto out = memory.bytes(fdstat_out, kFdstatSize);
    if (!out) return Errno::Fault;
    const uint64_t base = (fd == 0 ? rights::kFdRead : rights::kFdWrite) | rights::kPollFdReadwrite;
    const uint64_t inheriting = 0;
    std::memset(out->data(), 0, kFdstatSize); // flags 0, padding 0
    out->data()[0] = uint8_t(FileType::CharacterDevice);
    std::memcpy(out->data() + kFdstatRightsBaseOffset, &base, 8);
    std::memcpy(out->data() + kFdstatRightsInheritingOffset, &inheriting, 8);
    return Errno::Success;
}

Errno fd_close(WasiContext& context, uint32_t fd) {
    if (!is_open(context, fd)) return Errno::Badf;
    context.stdio_closed[fd] = true;
    return Errno::Success;
}

Errno fd_seek(const WasiContext& context, uint32_t fd) {
    return is_open(context, fd) ? Errno::Spipe : Errno::Badf;
}

} // namespace tycho::host::wasi
