// The wasi_snapshot_preview1 vocabulary the host functions use: error numbers, clock ids,
// file types, rights and the guest-memory layouts of the records they read and write
// (values from the witx of WASI snapshot 01, as in wasi-libc's wasi/api.h).
#pragma once

#include <cerrno>
#include <cstdint>

namespace tycho::host::wasi {

inline constexpr const char* kModule = "wasi_snapshot_preview1";

enum class Errno : uint16_t {
    Success = 0,
    Again = 6,
    Badf = 8,
    Dquot = 19,
    Fault = 21,
    Fbig = 22,
    Inval = 28,
    Io = 29,
    Nomem = 48,
    Nospc = 51,
    Nosys = 52,
    Overflow = 61,
    Perm = 63,
    Pipe = 64,
    Spipe = 70,
};

// Host functions return the errno as the i32 the witx lowers it to.
inline int32_t ret(Errno e) {
    return int32_t(e);
}

// The WASI errno for a failed host call's errno; EIO for anything without a closer match.
inline Errno errno_from_host(int host_errno) {
    switch (host_errno) {
    case EAGAIN: return Errno::Again;
    case EBADF: return Errno::Badf;
    case EDQUOT: return Errno::Dquot;
    case EFAULT: return Errno::Fault;
    case EFBIG: return Errno::Fbig;
    case EINVAL: return Errno::Inval;
    case ENOMEM: return Errno::Nomem;
    case ENOSPC: return Errno::Nospc;
    case ENOSYS: return Errno::Nosys;
    case EOVERFLOW: return Errno::Overflow;
    case EPERM: return Errno::Perm;
    case EPIPE: return Errno::Pipe;
    case ESPIPE: return Errno::Spipe;
    default: return Errno::Io;
    }
}

enum class ClockId : uint32_t {
    Realtime = 0,
    Monotonic = 1,
    ProcessCputime = 2,
    ThreadCputime = 3,
};

enum class FileType : uint8_t { CharacterDevice = 2 };

namespace rights {
inline constexpr uint64_t kFdRead = uint64_t(1) << 1;
inline constexpr uint64_t kFdSeek = uint64_t(1) << 2;
inline constexpr uint64_t kFdTell = uint64_t(1) << 5;
inline constexpr uint64_t kFdWrite = uint64_t(1) << 6;
inline constexpr uint64_t kPollFdReadwrite = uint64_t(1) << 27;
} // namespace rights

// struct iovec / ciovec { u32 buf; u32 buf_len; }
inline constexpr uint32_t kIovecSize = 8;

// struct fdstat { u8 filetype; u16 flags; u64 rights_base; u64 rights_inheriting; }
inline constexpr uint32_t kFdstatSize = 24;
inline constexpr uint32_t kFdstatFlagsOffset = 2;
inline constexpr uint32_t kFdstatRightsBaseOffset = 8;
inline constexpr uint32_t kFdstatRightsInheritingOffset = 16;

} // namespace tycho::host::wasi
