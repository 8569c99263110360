// Filestat records and set_times flags, shared by the fd_ and path_ functions.
#include "host/wasi/wasi_functions.h"

#include <cstring>
#include <sys/stat.h>

namespace tycho::host::wasi {

namespace {

uint64_t nanoseconds(const timespec& t) {
    return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
}

void put64(uint8_t* at, uint64_t v) {
    std::memcpy(at, &v, 8);
}

timespec timespec_of(uint64_t ns) {
    timespec t{};
    t.tv_sec = time_t(ns / 1'000'000'000u);
    t.tv_nsec = long(ns % 1'000'000'000u);
    return t;
}

} // namespace

FileType file_type_of(mode_t mode) {
    if (S_ISREG(mode)) return FileType::RegularFile;
    if (S_ISDIR(mode)) return FileType::Directory;
    if (S_ISCHR(mode)) return FileType::CharacterDevice;
    if (S_ISBLK(mode)) return FileType::BlockDevice;
    if (S_ISLNK(mode)) return FileType::SymbolicLink;
    if (S_ISSOCK(mode)) return FileType::SocketStream;
    return FileType::Unknown;
}

Errno store_filestat(Call& call, const struct stat& st, uint32_t filestat_out) {
    const FilestatLayout& layout =
        call.dialect == Dialect::Preview1 ? kFilestatPreview1 : kFilestatUnstable;
    auto out = call.memory.bytes(filestat_out, layout.size);
    if (!out) return Errno::Fault;
    uint8_t* p = out->data();
    std::memset(p, 0, layout.size);
    put64(p + 0, uint64_t(st.st_dev));
    put64(p + 8, uint64_t(st.st_ino));
    p[layout.filetype] = uint8_t(file_type_of(st.st_mode));
    const uint64_t nlink = uint64_t(st.st_nlink);
    std::memcpy(p + layout.nlink, &nlink, layout.nlink_bytes); // little-endian: the low bytes
    put64(p + layout.file_size, uint64_t(st.st_size));
    put64(p + layout.atim, nanoseconds(st.st_atim));
    put64(p + layout.mtim, nanoseconds(st.st_mtim));
    put64(p + layout.ctim, nanoseconds(st.st_ctim));
    return Errno::Success;
}

Errno store_filestat_of(Call& call, const Descriptor& d, uint32_t filestat_out) {
    struct stat st{};
    if (d.host) {
        if (::fstat(d.host_fd(), &st) != 0) return errno_from_host(errno);
        // A socket's type comes from the descriptor, which knows stream from datagram.
        Errno e = store_filestat(call, st, filestat_out);
        if (e == Errno::Success && S_ISSOCK(st.st_mode))
            call.memory.store<uint8_t>(filestat_out + kFilestatPreview1.filetype, uint8_t(d.type));
        return e;
    }
    // A sink or an empty input: nothing but its type.
    Errno e = store_filestat(call, st, filestat_out);
    if (e == Errno::Success)
        call.memory.store<uint8_t>(filestat_out + kFilestatPreview1.filetype, uint8_t(d.type));
    return e;
}

Errno times_from(uint64_t atim, uint64_t mtim, uint32_t fst_flags, timespec (&out)[2]) {
    if ((fst_flags & ~uint32_t(fstflags::kAll)) != 0) return Errno::Inval;
    if ((fst_flags & fstflags::kAtim) != 0 && (fst_flags & fstflags::kAtimNow) != 0)
        return Errno::Inval;
    if ((fst_flags & fstflags::kMtim) != 0 && (fst_flags & fstflags::kMtimNow) != 0)
        return Errno::Inval;
    auto one = [](uint64_t ns, bool set, bool now) {
        timespec t{};
        if (now)
            t.tv_nsec = UTIME_NOW;
        else if (set)
            t = timespec_of(ns);
        else
            t.tv_nsec = UTIME_OMIT;
        return t;
    };
    out[0] = one(atim, (fst_flags & fstflags::kAtim) != 0, (fst_flags & fstflags::kAtimNow) != 0);
    out[1] = one(mtim, (fst_flags & fstflags::kMtim) != 0, (fst_flags & fstflags::kMtimNow) != 0);
    return Errno::Success;
}

} // namespace tycho::host::wasi
