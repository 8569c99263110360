// The wasi_snapshot_preview1 vocabulary the host functions use: error numbers, clock ids,
// file types, flags, rights and the guest-memory layouts of the records they read and write
// (values from the witx of WASI snapshot 01, as in wasi-libc's wasi/api.h). The older
// wasi_unstable (snapshot 00) differs in a few layouts and in fd_seek's whence values; those
// are marked below.
#pragma once

#include <cerrno>
#include <cstdint>

namespace tycho::host::wasi {

inline constexpr const char* kModule = "wasi_snapshot_preview1";
inline constexpr const char* kUnstableModule = "wasi_unstable";

// Which of the two module versions a function is bound for.
enum class Dialect : uint8_t { Preview1, Unstable };

enum class Errno : uint16_t {
    Success = 0,
    TooBig = 1,
    Acces = 2,
    Addrinuse = 3,
    Addrnotavail = 4,
    Afnosupport = 5,
    Again = 6,
    Already = 7,
    Badf = 8,
    Badmsg = 9,
    Busy = 10,
    Canceled = 11,
    Child = 12,
    Connaborted = 13,
    Connrefused = 14,
    Connreset = 15,
    Deadlk = 16,
    Destaddrreq = 17,
    Dom = 18,
    Dquot = 19,
    Exist = 20,
    Fault = 21,
    Fbig = 22,
    Hostunreach = 23,
    Idrm = 24,
    Ilseq = 25,
    Inprogress = 26,
    Intr = 27,
    Inval = 28,
    Io = 29,
    Isconn = 30,
    Isdir = 31,
    Loop = 32,
    Mfile = 33,
    Mlink = 34,
    Msgsize = 35,
    Multihop = 36,
    Nametoolong = 37,
    Netdown = 38,
    Netreset = 39,
    Netunreach = 40,
    Nfile = 41,
    Nobufs = 42,
    Nodev = 43,
    Noent = 44,
    Noexec = 45,
    Nolck = 46,
    Nolink = 47,
    Nomem = 48,
    Nomsg = 49,
    Noprotoopt = 50,
    Nospc = 51,
    Nosys = 52,
    Notconn = 53,
    Notdir = 54,
    Notempty = 55,
    Notrecoverable = 56,
    Notsock = 57,
    Notsup = 58,
    Notty = 59,
    Nxio = 60,
    Overflow = 61,
    Ownerdead = 62,
    Perm = 63,
    Pipe = 64,
    Proto = 65,
    Protonosupport = 66,
    Prototype = 67,
    Range = 68,
    Rofs = 69,
    Spipe = 70,
    Srch = 71,
    Stale = 72,
    Timedout = 73,
    Txtbsy = 74,
    Xdev = 75,
    Notcapable = 76,
};

// Host functions return the errno as the i32 the witx lowers it to.
inline int32_t ret(Errno e) {
    return int32_t(e);
}

// The WASI errno for a failed host call's errno (wasi_errno.cpp); EIO for anything without a
// counterpart.
Errno errno_from_host(int host_errno);

enum class ClockId : uint32_t {
    Realtime = 0,
    Monotonic = 1,
    ProcessCputime = 2,
    ThreadCputime = 3,
};

enum class FileType : uint8_t {
    Unknown = 0,
    BlockDevice = 1,
    CharacterDevice = 2,
    Directory = 3,
    RegularFile = 4,
    SocketDgram = 5,
    SocketStream = 6,
    SymbolicLink = 7,
};

// fdflags
namespace fdflags {
inline constexpr uint16_t kAppend = 1 << 0;
inline constexpr uint16_t kDsync = 1 << 1;
inline constexpr uint16_t kNonblock = 1 << 2;
inline constexpr uint16_t kRsync = 1 << 3;
inline constexpr uint16_t kSync = 1 << 4;
inline constexpr uint16_t kAll = kAppend | kDsync | kNonblock | kRsync | kSync;
} // namespace fdflags

// oflags of path_open
namespace oflags {
inline constexpr uint16_t kCreat = 1 << 0;
inline constexpr uint16_t kDirectory = 1 << 1;
inline constexpr uint16_t kExcl = 1 << 2;
inline constexpr uint16_t kTrunc = 1 << 3;
inline constexpr uint16_t kAll = kCreat | kDirectory | kExcl | kTrunc;
} // namespace oflags

// lookupflags
inline constexpr uint32_t kLookupSymlinkFollow = 1 << 0;

// fstflags of the set_times functions
namespace fstflags {
inline constexpr uint16_t kAtim = 1 << 0;
inline constexpr uint16_t kAtimNow = 1 << 1;
inline constexpr uint16_t kMtim = 1 << 2;
inline constexpr uint16_t kMtimNow = 1 << 3;
inline constexpr uint16_t kAll = kAtim | kAtimNow | kMtim | kMtimNow;
} // namespace fstflags

// whence of fd_seek. wasi_unstable numbers them differently: cur 0, end 1, set 2.
enum class Whence : uint8_t { Set = 0, Cur = 1, End = 2 };

namespace rights {
inline constexpr uint64_t kFdDatasync = uint64_t(1) << 0;
inline constexpr uint64_t kFdRead = uint64_t(1) << 1;
inline constexpr uint64_t kFdSeek = uint64_t(1) << 2;
inline constexpr uint64_t kFdFdstatSetFlags = uint64_t(1) << 3;
inline constexpr uint64_t kFdSync = uint64_t(1) << 4;
inline constexpr uint64_t kFdTell = uint64_t(1) << 5;
inline constexpr uint64_t kFdWrite = uint64_t(1) << 6;
inline constexpr uint64_t kFdAdvise = uint64_t(1) << 7;
inline constexpr uint64_t kFdAllocate = uint64_t(1) << 8;
inline constexpr uint64_t kPathCreateDirectory = uint64_t(1) << 9;
inline constexpr uint64_t kPathCreateFile = uint64_t(1) << 10;
inline constexpr uint64_t kPathLinkSource = uint64_t(1) << 11;
inline constexpr uint64_t kPathLinkTarget = uint64_t(1) << 12;
inline constexpr uint64_t kPathOpen = uint64_t(1) << 13;
inline constexpr uint64_t kFdReaddir = uint64_t(1) << 14;
inline constexpr uint64_t kPathReadlink = uint64_t(1) << 15;
inline constexpr uint64_t kPathRenameSource = uint64_t(1) << 16;
inline constexpr uint64_t kPathRenameTarget = uint64_t(1) << 17;
inline constexpr uint64_t kPathFilestatGet = uint64_t(1) << 18;
inline constexpr uint64_t kPathFilestatSetSize = uint64_t(1) << 19;
inline constexpr uint64_t kPathFilestatSetTimes = uint64_t(1) << 20;
inline constexpr uint64_t kFdFilestatGet = uint64_t(1) << 21;
inline constexpr uint64_t kFdFilestatSetSize = uint64_t(1) << 22;
inline constexpr uint64_t kFdFilestatSetTimes = uint64_t(1) << 23;
inline constexpr uint64_t kPathSymlink = uint64_t(1) << 24;
inline constexpr uint64_t kPathRemoveDirectory = uint64_t(1) << 25;
inline constexpr uint64_t kPathUnlinkFile = uint64_t(1) << 26;
inline constexpr uint64_t kPollFdReadwrite = uint64_t(1) << 27;
inline constexpr uint64_t kSockShutdown = uint64_t(1) << 28;
inline constexpr uint64_t kSockAccept = uint64_t(1) << 29;
inline constexpr uint64_t kAll = (uint64_t(1) << 30) - 1;

// What a descriptor of each kind can ever do (what a process may narrow its rights from).
inline constexpr uint64_t kRegularFile =
    kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync | kFdTell | kFdWrite | kFdAdvise |
    kFdAllocate | kFdFilestatGet | kFdFilestatSetSize | kFdFilestatSetTimes | kPollFdReadwrite;
inline constexpr uint64_t kDirectory =
    kFdFdstatSetFlags | kFdSync | kFdAdvise | kPathCreateDirectory | kPathCreateFile |
    kPathLinkSource | kPathLinkTarget | kPathOpen | kFdReaddir | kPathReadlink | kPathRenameSource |
    kPathRenameTarget | kPathFilestatGet | kPathFilestatSetSize | kPathFilestatSetTimes |
    kFdFilestatGet | kFdFilestatSetTimes | kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
// Pipes, terminals and other streams: no seeking.
inline constexpr uint64_t kStream =
    kFdRead | kFdFdstatSetFlags | kFdWrite | kFdFilestatGet | kPollFdReadwrite;
inline constexpr uint64_t kSocket = kStream | kSockShutdown | kSockAccept;
} // namespace rights

// struct iovec / ciovec { u32 buf; u32 buf_len; }
inline constexpr uint32_t kIovecSize = 8;

// struct fdstat { u8 filetype; u16 flags; u64 rights_base; u64 rights_inheriting; }
inline constexpr uint32_t kFdstatSize = 24;
inline constexpr uint32_t kFdstatFlagsOffset = 2;
inline constexpr uint32_t kFdstatRightsBaseOffset = 8;
inline constexpr uint32_t kFdstatRightsInheritingOffset = 16;

// struct prestat { u8 tag (0: dir); u32 pr_name_len; }
inline constexpr uint32_t kPrestatSize = 8;

// struct filestat { u64 dev; u64 ino; u8 filetype; u64 nlink; u64 size; u64 atim, mtim,
// ctim; } (64 bytes). wasi_unstable has a u32 nlink right after the filetype (56 bytes).
struct FilestatLayout {
    uint32_t size, filetype, nlink, nlink_bytes, file_size, atim, mtim, ctim;
};
inline constexpr FilestatLayout kFilestatPreview1{64, 16, 24, 8, 32, 40, 48, 56};
inline constexpr FilestatLayout kFilestatUnstable{56, 16, 20, 4, 24, 32, 40, 48};

// struct dirent { u64 d_next; u64 d_ino; u32 d_namlen; u8 d_type; } followed by the name.
inline constexpr uint32_t kDirentSize = 24;

// struct subscription { u64 userdata; u8 tag; union { clock; fd_readwrite } } where the
// union starts at 16. clock is { u32 id; u64 timeout; u64 precision; u16 flags } in
// preview1 (48 bytes in all) and { u64 identifier; u32 id; u64 timeout; u64 precision;
// u16 flags } in wasi_unstable (56 bytes). fd_readwrite is { u32 fd }.
struct SubscriptionLayout {
    uint32_t size, clock_id, timeout, flags;
};
inline constexpr SubscriptionLayout kSubscriptionPreview1{48, 16, 24, 40};
inline constexpr SubscriptionLayout kSubscriptionUnstable{56, 24, 32, 48};
inline constexpr uint32_t kSubscriptionTagOffset = 8;
inline constexpr uint32_t kSubscriptionFdOffset = 16;
inline constexpr uint16_t kSubclockAbstime = 1;

// struct event { u64 userdata; u16 error; u8 type; fd_readwrite { u64 nbytes; u16 flags } }
inline constexpr uint32_t kEventSize = 32;
inline constexpr uint32_t kEventErrorOffset = 8;
inline constexpr uint32_t kEventTypeOffset = 10;
inline constexpr uint32_t kEventNbytesOffset = 16;
inline constexpr uint32_t kEventFlagsOffset = 24;
inline constexpr uint16_t kEventFdHangup = 1;

enum class EventType : uint8_t { Clock = 0, FdRead = 1, FdWrite = 2 };

// riflags of sock_recv, roflags, sdflags of sock_shutdown
inline constexpr uint16_t kRecvPeek = 1 << 0;
inline constexpr uint16_t kRecvWaitall = 1 << 1;
inline constexpr uint16_t kRecvDataTruncated = 1 << 0;
inline constexpr uint8_t kShutRd = 1 << 0;
inline constexpr uint8_t kShutWr = 1 << 1;

} // namespace tycho::host::wasi
