// fd_readdir: a directory's entries as dirent records, resumable at any cookie.
//
// A cookie is the kernel's own position of the next entry (getdents64's d_off), so a listing
// resumes with one lseek and never keeps state between calls; each call reads through a
// descriptor of its own, so processes sharing a preopen do not move each other's position.
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

} // namespace

Errno fd_readdir(Call& call, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                 uint32_t bufused_out) {
    Descriptor* d = call.descriptor(fd);
    if (d == nullptr) return Errno::Badf;
    if (d->type != FileType::Directory) return Errno::Notdir;
    if (!d->has(rights::kFdReaddir)) return Errno::Notcapable;
    auto out = call.memory.bytes(buf, buf_len);
    if (!out || !call.memory.bytes(bufused_out, 4)) return Errno::Fault;
    if (cookie > uint64_t(INT64_MAX)) return Errno::Inval;

    UniqueFd listing(::openat(d->host_fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!listing) return errno_from_host(errno);
    if (::lseek(listing.get(), off_t(cookie), SEEK_SET) < 0) return errno_from_host(errno);

    alignas(8) std::array<char, 32768> host_buffer;
    uint32_t used = 0;
    while (used < buf_len) {
        const long n =
            ::syscall(SYS_getdents64, listing.get(), host_buffer.data(), host_buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_from_host(errno);
        }
        if (n == 0) break; // the end of the directory
        for (long at = 0; at < n && used < buf_len;) {
            const auto* entry = reinterpret_cast<const LinuxDirent64*>(host_buffer.data() + at);
            at += entry->d_reclen;
            const size_t name_length = std::strlen(entry->d_name);
            uint8_t record[kDirentSize] = {};
            const auto next = uint64_t(entry->d_off);
            const auto name_length32 = uint32_t(name_length);
            std::memcpy(record + 0, &next, 8);
            std::memcpy(record + 8, &entry->d_ino, 8);
            std::memcpy(record + 16, &name_length32, 4);
            record[20] = uint8_t(type_of_entry(listing.get(), entry->d_name, entry->d_type));
            // As much of the record and then the name as fits: a full buffer tells the guest
            // to ask again from this entry's cookie with a larger one.
            const uint32_t header = std::min<uint32_t>(kDirentSize, buf_len - used);
            std::memcpy(out->data() + used, record, header);
            used += header;
            const uint32_t name_bytes = std::min<uint32_t>(name_length32, buf_len - used);
            std::memcpy(out->data() + used, entry->d_name, name_bytes);
            used += name_bytes;
        }
    }
    call.memory.store<uint32_t>(bufused_out, used);
    return Errno::Success;
}

} // namespace tycho::host::wasi
