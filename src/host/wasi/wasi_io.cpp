// fd_read, fd_write, fd_pread and fd_pwrite, and the loops they share with the socket
// functions.
//
// A descriptor the guest did not make non-blocking behaves as a blocking one: when its host
// descriptor is not ready, the calling process waits through the binding (parking only that
// process), never the worker thread. Host descriptors in blocking mode (the runtime's own
// stdio) are waited on before each call, and writes to them go in pieces no larger than
// what readiness promises room for.
#include "host/wasi/wasi_iovec.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <string>
#include <string_view>
#include <unistd.h>

namespace tycho::host::wasi {

namespace {

// Bytes transferred by one call at most: the count is returned as a u32.
constexpr uint64_t kMaxTransfer = UINT32_MAX;
// What a writable pipe, terminal or socket in blocking mode surely takes without waiting.
constexpr uint64_t kBlockingWriteChunk = 4096;

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

// Whether `fd` is ready for `events` right now.
bool ready_now(int fd, short events) {
    pollfd p{fd, events, 0};
    while (::poll(&p, 1, 0) < 0)
        if (errno != EINTR) return true; // let the call itself report the problem
    return p.revents != 0;
}

enum class Readiness { ready, would_block, dying };

// Waits until the descriptor is ready for `events`, or says it would block when the guest
// asked for non-blocking behaviour.
Readiness await(Call& call, const Descriptor& d, short events) {
    if ((d.flags & fdflags::kNonblock) != 0)
        return ready_now(d.host_fd(), events) ? Readiness::ready : Readiness::would_block;
    const IoInterest interest{d.host_fd(), events};
    short revents = 0;
    return call.wait({&interest, 1}, std::nullopt, {&revents, 1}) == WaitResult::dying
               ? Readiness::dying
               : Readiness::ready;
}

// Before a call on a blocking host descriptor that could wait.
bool must_wait_first(const Descriptor& d) {
    return !d.host->nonblocking() && d.host->pollable();
}

// The batch with its tail cut so that it holds at most `limit` bytes.
void cap_batch(IoBatch& batch, uint64_t limit) {
    uint64_t total = 0;
    for (int i = 0; i < batch.count; ++i) {
        if (total + batch.entries[i].iov_len >= limit) {
            batch.entries[i].iov_len = size_t(limit - total);
            batch.count = i + 1;
            return;
        }
        total += batch.entries[i].iov_len;
    }
}

// Writes all of `batch` to the sink, which takes everything.
uint64_t write_to_sink(OutputSink& sink, const IoBatch& batch) {
    uint64_t bytes = 0;
    for (int i = 0; i < batch.count; ++i) {
        const iovec& entry = batch.entries[i];
        sink.write({static_cast<const uint8_t*>(entry.iov_base), entry.iov_len});
        bytes += entry.iov_len;
    }
    return bytes;
}

// Writes as much of `batch` as the descriptor takes: everything unless it is non-blocking
// for the guest, or an error comes.
Transfer write_batch(Call& call, const Descriptor& d, IoBatch& batch, const IoOperation& write) {
    Transfer t;
    iovec* entries = batch.entries.data();
    int count = batch.count;
    while (count > 0) {
        int this_count = count;
        iovec saved{};
        if (must_wait_first(d)) {
            const Readiness r = await(call, d, POLLOUT);
            if (r == Readiness::dying) return t.error = Errno::Intr, t;
            if (r == Readiness::would_block) return t.error = Errno::Again, t;
            // Only as much as readiness promises room for, so the call cannot block.
            IoBatch view;
            std::copy(entries, entries + count, view.entries.begin());
            view.count = count;
            cap_batch(view, kBlockingWriteChunk);
            this_count = view.count;
            saved = entries[this_count - 1];
            entries[this_count - 1] = view.entries[this_count - 1];
        }
        const ssize_t n = write(d.host_fd(), entries, this_count);
        const int error = errno;
        if (saved.iov_base != nullptr) entries[this_count - 1] = saved;
        if (n < 0) {
            if (error == EINTR) continue;
            if (error == EAGAIN || error == EWOULDBLOCK) {
                const Readiness r = (d.flags & fdflags::kNonblock) != 0 ? Readiness::would_block
                                                                        : await(call, d, POLLOUT);
                if (r == Readiness::ready) continue;
                t.error = r == Readiness::dying ? Errno::Intr : Errno::Again;
                return t;
            }
            t.error = errno_from_host(error);
            return t;
        }
        if (n == 0) { // no progress on a non-empty write: give up rather than spin
            t.error = Errno::Io;
            return t;
        }
        t.bytes += uint64_t(n);
        consume(entries, count, size_t(n));
    }
    return t;
}

Errno check_transfer_args(Call& call, uint32_t iovs, uint32_t iovs_len, uint32_t count_out,
                          std::span<const uint8_t>& array) {
    auto checked = checked_iovecs(call.memory, iovs, iovs_len);
    if (!checked || !call.memory.bytes(count_out, 4)) return Errno::Fault;
    array = *checked;
    return Errno::Success;
}

// The descriptor for a read or write needing `right`: EBADF when absent, a directory, or
// not open that way (as POSIX says for writing to a descriptor opened for reading).
Descriptor* io_descriptor(Call& call, uint32_t fd, uint64_t right, Errno& error) {
    Descriptor* d = call.descriptor(fd);
    if (d == nullptr || d->type == FileType::Directory || !d->has(right)) {
        error = Errno::Badf;
        return nullptr;
    }
    return d;
}

ssize_t host_readv(int fd, iovec* entries, int count) {
    return ::readv(fd, entries, count);
}

ssize_t host_writev(int fd, iovec* entries, int count) {
    return ::writev(fd, entries, count);
}

} // namespace

Errno ready_before_call(Call& call, const Descriptor& d, short events) {
    if (!must_wait_first(d)) return Errno::Success;
    const Readiness r = await(call, d, events);
    if (r == Readiness::ready) return Errno::Success;
    return r == Readiness::dying ? Errno::Intr : Errno::Again;
}

Errno ready_after_again(Call& call, const Descriptor& d, short events) {
    if ((d.flags & fdflags::kNonblock) != 0) return Errno::Again;
    return await(call, d, events) == Readiness::ready ? Errno::Success : Errno::Intr;
}

uint64_t IoBatch::bytes() const {
    uint64_t total = 0;
    for (int i = 0; i < count; ++i)
        total += entries[i].iov_len;
    return total;
}

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

IoBatch next_batch(GuestMemory& memory, std::span<const uint8_t> array, size_t& next,
                   uint64_t budget) {
    IoBatch batch;
    const size_t records = array.size() / kIovecSize;
    while (next < records && batch.count < int(kIovecBatch) && budget > 0) {
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

Transfer read_through(Call& call, const Descriptor& d, std::span<const uint8_t> array,
                      const IoOperation& read) {
    Transfer t;
    if (!d.host) return t; // an empty input: end of file
    size_t next = 0;
    IoBatch batch = next_batch(call.memory, array, next, kMaxTransfer);
    if (batch.count == 0) return t;
    for (;;) {
        if (must_wait_first(d)) {
            const Readiness r = await(call, d, POLLIN);
            if (r != Readiness::ready) {
                t.error = r == Readiness::dying ? Errno::Intr : Errno::Again;
                return t;
            }
        }
        const ssize_t n = read(d.host_fd(), batch.entries.data(), batch.count);
        if (n >= 0) {
            t.bytes = uint64_t(n);
            return t;
        }
        const int error = errno;
        if (error == EINTR) continue;
        if ((error == EAGAIN || error == EWOULDBLOCK) && !must_wait_first(d)) {
            const Readiness r = (d.flags & fdflags::kNonblock) != 0 ? Readiness::would_block
                                                                    : await(call, d, POLLIN);
            if (r == Readiness::ready) continue;
            t.error = r == Readiness::dying ? Errno::Intr : Errno::Again;
            return t;
        }
        t.error = errno_from_host(error);
        return t;
    }
}

Transfer write_through(Call& call, const Descriptor& d, std::span<const uint8_t> array,
                       const IoOperation& write) {
    Transfer total;
    size_t next = 0;
    for (;;) {
        IoBatch batch = next_batch(call.memory, array, next, kMaxTransfer - total.bytes);
        if (batch.count == 0) break;
        if (d.sink != nullptr) {
            total.bytes += write_to_sink(*d.sink, batch);
            continue;
        }
        const uint64_t wanted = batch.bytes();
        const Transfer t = write_batch(call, d, batch, write);
        total.bytes += t.bytes;
        total.error = t.error;
        if (t.error != Errno::Success || t.bytes < wanted) break;
    }
    return total;
}

Errno finish_transfer(GuestMemory& memory, const Transfer& t, uint32_t count_out) {
    if (t.bytes == 0 && t.error != Errno::Success) return t.error;
    memory.store<uint32_t>(count_out, uint32_t(t.bytes));
    return Errno::Success;
}

Errno fd_read(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_out) {
    Errno error = Errno::Success;
    Descriptor* d = io_descriptor(call, fd, rights::kFdRead, error);
    if (d == nullptr) return error;
    std::span<const uint8_t> array;
    if (Errno e = check_transfer_args(call, iovs, iovs_len, nread_out, array); e != Errno::Success)
        return e;
    return finish_transfer(call.memory, read_through(call, *d, array, host_readv), nread_out);
}

namespace {

// What guests print when a path could not be opened for want of a preopened directory:
// wasi-libc's strerror(ENOTCAPABLE) and the message of Rust's standard library.
constexpr std::string_view kNoPreopenMessages[] = {"Capabilities insufficient",
                                                   "failed to find a pre-opened file descriptor"};

// wasi-libc refuses such opens itself, so the host never sees them; what the guest prints
// about them is the sign. After the first such message on stdout or stderr of a process
// without preopens, one line about --dir follows it on the same descriptor.
void note_missing_dir(Call& call, const Descriptor& d, uint32_t fd,
                      std::span<const uint8_t> array) {
    WasiContext& context = call.context;
    if (!context.found_no_preopens || context.noted_missing_dir || (fd != 1 && fd != 2)) return;
    bool said = false;
    char last = '\n';
    size_t next = 0;
    for (IoBatch b = next_batch(call.memory, array, next, UINT32_MAX); b.count > 0;
         b = next_batch(call.memory, array, next, UINT32_MAX)) {
        for (int i = 0; i < b.count; ++i) {
            const std::string_view text(static_cast<const char*>(b.entries[i].iov_base),
                                        b.entries[i].iov_len);
            for (std::string_view message : kNoPreopenMessages)
                said = said || text.find(message) != std::string_view::npos;
            last = text.back(); // batches hold no empty buffers
        }
    }
    if (!said) return;
    context.noted_missing_dir = true;
    // On a line of its own, also when the guest's message has not ended its line yet.
    const std::string note = std::string(last == '\n' ? "" : "\n") +
                             "tycho: note: no directory is preopened, so files cannot be "
                             "opened; pass --dir DIR to tycho run to grant one\n";
    const std::string_view kNote = note;
    if (d.sink != nullptr) {
        d.sink->write({reinterpret_cast<const uint8_t*>(kNote.data()), kNote.size()});
        return;
    }
    [[maybe_unused]] const ssize_t n = ::write(d.host_fd(), kNote.data(), kNote.size());
}

} // namespace

Errno fd_write(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten_out) {
    Errno error = Errno::Success;
    Descriptor* d = io_descriptor(call, fd, rights::kFdWrite, error);
    if (d == nullptr) return error;
    std::span<const uint8_t> array;
    if (Errno e = check_transfer_args(call, iovs, iovs_len, nwritten_out, array);
        e != Errno::Success)
        return e;
    if (!d->host && d->sink == nullptr) return Errno::Badf;
    const Errno e =
        finish_transfer(call.memory, write_through(call, *d, array, host_writev), nwritten_out);
    note_missing_dir(call, *d, fd, array);
    return e;
}

// Positioned reads and writes are for files: no waiting, and the descriptor's offset stays.
Errno fd_pread(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
               uint32_t nread_out) {
    Errno error = Errno::Success;
    Descriptor* d = io_descriptor(call, fd, rights::kFdRead, error);
    if (d == nullptr) return error;
    if (!d->host) return Errno::Spipe;
    if (!d->has(rights::kFdSeek))
        return d->type == FileType::RegularFile ? Errno::Notcapable : Errno::Spipe;
    if (offset > uint64_t(INT64_MAX)) return Errno::Inval;
    std::span<const uint8_t> array;
    if (Errno e = check_transfer_args(call, iovs, iovs_len, nread_out, array); e != Errno::Success)
        return e;
    size_t next = 0;
    IoBatch batch = next_batch(call.memory, array, next, kMaxTransfer);
    Transfer t;
    if (batch.count > 0) {
        ssize_t n;
        do {
            n = ::preadv(d->host_fd(), batch.entries.data(), batch.count, off_t(offset));
        } while (n < 0 && errno == EINTR);
        if (n < 0)
            t.error = errno_from_host(errno);
        else
            t.bytes = uint64_t(n);
    }
    return finish_transfer(call.memory, t, nread_out);
}

Errno fd_pwrite(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                uint32_t nwritten_out) {
    Errno error = Errno::Success;
    Descriptor* d = io_descriptor(call, fd, rights::kFdWrite, error);
    if (d == nullptr) return error;
    if (!d->host) return d->sink != nullptr ? Errno::Spipe : Errno::Badf;
    if (!d->has(rights::kFdSeek))
        return d->type == FileType::RegularFile ? Errno::Notcapable : Errno::Spipe;
    if (offset > uint64_t(INT64_MAX)) return Errno::Inval;
    std::span<const uint8_t> array;
    if (Errno e = check_transfer_args(call, iovs, iovs_len, nwritten_out, array);
        e != Errno::Success)
        return e;
    uint64_t position = offset;
    const IoOperation at_position = [&position](int host, iovec* entries, int count) {
        const ssize_t n = ::pwritev(host, entries, count, off_t(position));
        if (n > 0) position += uint64_t(n);
        return n;
    };
    return finish_transfer(call.memory, write_through(call, *d, array, at_position), nwritten_out);
}

} // namespace tycho::host::wasi
