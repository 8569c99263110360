// fd_readdir: a directory's entries as dirent records, resumable at any cookie.
//
// A cookie counts entries from the start of the listing (cookie n continues after n
// entries). The kernel's own positions cannot serve: on ext4 they are 63-bit hashes, and
// wasi-libc keeps cookies in a 32-bit long (telldir), so they would not survive seekdir. A
// listing that goes on where the last call stopped, the usual case, resumes with one lseek
// to the kernel position remembered in the descriptor; any other cookie reads from the start
// and skips that many entries. Each call reads through a descriptor of its own, so
// processes sharing a preopen do not move each other's position.
#include "host/wasi/wasi_functions.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tycho::host::wasi {

namespace {

// The kernel's record (getdents64).
struct LinuxDirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[1];
};

FileType type_of_entry(int dir, const char* name, uint8_t d_type) {
    switch (d_type) {
    case DT_REG: return FileType::RegularFile;
    case DT_DIR: return FileType::Directory;
    case DT_CHR: return FileType::CharacterDevice;
    case DT_BLK: return FileType::BlockDevice;
    case DT_LNK: return FileType::SymbolicLink;
    case DT_SOCK: return FileType::SocketStream;
    case DT_FIFO: return FileType::Unknown;
    default: break;
    }
    struct stat st{};
    if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return FileType::Unknown;
    return file_type_of(st.st_mode);
}

// Reads the directory's records in batches.
class Listing {
  public:
    explicit Listing(int fd) : fd_(fd) {}
    // The next record, nullptr at the end; `error` is set when the kernel fails.
    const LinuxDirent64* next(Errno& error) {
        if (at_ >= filled_) {
            long n;
            do {
                n = ::syscall(SYS_getdents64, fd_, buffer_.data(), buffer_.size());
            } while (n < 0 && errno == EINTR);
            if (n < 0) error = errno_from_host(errno);
            if (n <= 0) return nullptr;
            filled_ = n;
            at_ = 0;
        }
        const auto* entry = reinterpret_cast<const LinuxDirent64*>(buffer_.data() + at_);
        at_ += entry->d_reclen;
        return entry;
    }

  private:
    int fd_;
    alignas(8) std::array<char, 32768> buffer_;
    long filled_ = 0;
    long at_ = 0;
};

} // namespace

Errno fd_readdir(Call& call, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                 uint32_t bufused_out) {
    Descriptor* d = call.descriptor(fd);
    if (d == nullptr) return Errno::Badf;
    if (d->type != FileType::Directory) return Errno::Notdir;
    if (!d->has(rights::kFdReaddir)) return Errno::Notcapable;
    if (d->host_fd() < 0) return Errno::Badf;
    auto out = call.memory.bytes(buf, buf_len);
    if (!out || !call.memory.bytes(bufused_out, 4)) return Errno::Fault;
    if (cookie > uint64_t(INT64_MAX)) return Errno::Inval; // never one this gives out

    UniqueFd listing_fd(::openat(d->host_fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!listing_fd) return errno_from_host(errno);
    const bool resuming = cookie != 0 && cookie == d->readdir.cookie;
    if (::lseek(listing_fd.get(), resuming ? d->readdir.host_position : 0, SEEK_SET) < 0)
        return errno_from_host(errno);
    auto listing = std::make_unique<Listing>(listing_fd.get());
    Errno error = Errno::Success;
    uint64_t index = resuming ? cookie : 0;
    for (; index < cookie; ++index)
        if (listing->next(error) == nullptr) break; // a cookie past the end: nothing left

    uint32_t used = 0;
    while (used < buf_len && index >= cookie) {
        const LinuxDirent64* entry = listing->next(error);
        if (entry == nullptr) break;
        ++index;
        const size_t name_length = std::strlen(entry->d_name);
        uint8_t record[kDirentSize] = {};
        const uint64_t next = index;
        const auto name_length32 = uint32_t(name_length);
        std::memcpy(record + 0, &next, 8);
        std::memcpy(record + 8, &entry->d_ino, 8);
        std::memcpy(record + 16, &name_length32, 4);
        record[20] = uint8_t(type_of_entry(listing_fd.get(), entry->d_name, entry->d_type));
        // As much of the record and then the name as fits: a full buffer tells the guest to
        // ask again from this entry's cookie with a larger one.
        const uint32_t header = std::min<uint32_t>(kDirentSize, buf_len - used);
        std::memcpy(out->data() + used, record, header);
        used += header;
        const uint32_t name_bytes = std::min<uint32_t>(name_length32, buf_len - used);
        std::memcpy(out->data() + used, entry->d_name, name_bytes);
        used += name_bytes;
        if (header == kDirentSize && name_bytes == name_length32)
            d->readdir = {index, entry->d_off}; // returned whole: the next call goes on here
    }
    if (error != Errno::Success && used == 0) return error;
    call.memory.store<uint32_t>(bufused_out, used);
    return Errno::Success;
}

} // namespace tycho::host::wasi
