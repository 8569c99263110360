// The fixture of the WASI tests on files: a temporary directory preopened for the process,
// and helpers for the calls most tests make (path_open, fd_read, fd_write, fd_seek, ...).
#pragma once

#include "host/wasi/wasi_test_files.h"
#include "host/wasi/wasi_test_fixture.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace wasi_testing {

namespace rights = tycho::host::wasi::rights;

// The fd numbers and guest addresses the file-system tests use.
inline constexpr uint32_t kRootFd = 3; // the preopened directory
inline constexpr uint32_t kPathAt = 0x100;
inline constexpr uint32_t kSecondPathAt = 0x400;
inline constexpr uint32_t kOut = 0x800;       // a returned fd, count or offset
inline constexpr uint32_t kSecondOut = 0x810; // the second result of a call
inline constexpr uint32_t kIovs = 0x900;
inline constexpr uint32_t kData = 0x1000;
inline constexpr uint32_t kRecord = 0x8000; // filestat, fdstat, dirent and event records
inline constexpr uint32_t kSymlinkFollow = 1;
inline constexpr uint64_t kReadWrite =
    rights::kFdRead | rights::kFdWrite | rights::kFdSeek | rights::kFdTell | rights::kFdFilestatGet;

// fd_fdstat_get's record.
struct Fdstat {
    uint8_t type = 0xFF;
    uint16_t flags = 0;
    uint64_t base = 0;
    uint64_t inheriting = 0;
};

// Wasi with a temporary directory preopened as "/sandbox" at fd 3 and, beside it (never
// reachable), an outside directory with a secret file.
class WasiPreopened : public Wasi {
  protected:
    void SetUp() override {
        Wasi::SetUp();
        make_dir(root);
        make_dir(outside);
        write_file(outside + "/secret.txt", "secret");
        ASSERT_EQ(preopen(root, "/sandbox"), kRootFd);
    }

    // Preopens host directory `path` as `name`; returns its number.
    uint32_t preopen(const std::string& path, std::string name) {
        uint32_t number = 0;
        while (context.fds.get(number) != nullptr)
            ++number;
        const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        EXPECT_GE(fd, 0) << path;
        add_preopen(context, tycho::host::wasi::HostFd::owned(tycho::host::UniqueFd(fd)),
                    std::move(name));
        return number;
    }

    // Puts `path` at `at` and passes it as a (pointer, length) pair.
    std::vector<Value> path_args(std::string_view path, uint32_t at = kPathAt) {
        put_text(at, path);
        return {i32(at), i32(uint32_t(path.size()))};
    }

    // path_open; the new fd is at kOut (see opened()).
    Errno open(std::string_view path, uint32_t oflags = 0, uint64_t base = kReadWrite,
               uint64_t inheriting = 0, uint32_t fdflags = 0, uint32_t dirfd = kRootFd,
               uint32_t lookup = kSymlinkFollow) {
        const auto p = path_args(path);
        return wasi("path_open", {i32(dirfd), i32(lookup), p[0], p[1], i32(oflags), i64(base),
                                  i64(inheriting), i32(fdflags), i32(kOut)});
    }
    uint32_t opened() { return u32(kOut); }
    // path_open that must succeed; the new fd.
    uint32_t open_ok(std::string_view path, uint32_t oflags = 0, uint64_t base = kReadWrite,
                     uint32_t fdflags = 0, uint32_t dirfd = kRootFd) {
        EXPECT_EQ(open(path, oflags, base, 0, fdflags, dirfd), Errno::Success) << path;
        return opened();
    }
    uint32_t open_dir(std::string_view path, uint32_t dirfd = kRootFd) {
        EXPECT_EQ(open(path, tycho::host::wasi::oflags::kDirectory, rights::kDirectory,
                       rights::kAll, 0, dirfd),
                  Errno::Success)
            << path;
        return opened();
    }

    // fd_write of `data` from kData; the count written is at kSecondOut.
    Errno write(uint32_t fd, std::string_view data) {
        put_text(kData, data);
        put_iovec(kIovs, kData, uint32_t(data.size()));
        return wasi("fd_write", {i32(fd), i32(kIovs), i32(1), i32(kSecondOut)});
    }
    // fd_read of up to `max` bytes into kData; what was read, or "errno N".
    std::string read(uint32_t fd, uint32_t max = 4096) {
        put_iovec(kIovs, kData, max);
        const Errno e = wasi("fd_read", {i32(fd), i32(kIovs), i32(1), i32(kSecondOut)});
        if (e != Errno::Success) return "errno " + std::to_string(int(e));
        return text(kData, u32(kSecondOut));
    }
    // fd_seek; the new offset is at kSecondOut.
    Errno seek(uint32_t fd, int64_t offset, uint32_t whence) {
        return wasi("fd_seek", {i32(fd), i64(uint64_t(offset)), i32(whence), i32(kSecondOut)});
    }
    uint64_t tell(uint32_t fd) {
        EXPECT_EQ(wasi("fd_tell", {i32(fd), i32(kSecondOut)}), Errno::Success);
        return u64(kSecondOut);
    }
    Fdstat fdstat(uint32_t fd) {
        Fdstat s;
        EXPECT_EQ(wasi("fd_fdstat_get", {i32(fd), i32(kRecord)}), Errno::Success) << fd;
        s.type = *at(kRecord);
        s.flags = u16(kRecord + 2);
        s.base = u64(kRecord + 8);
        s.inheriting = u64(kRecord + 16);
        return s;
    }
    Errno set_rights(uint32_t fd, uint64_t base, uint64_t inheriting) {
        return wasi("fd_fdstat_set_rights", {i32(fd), i64(base), i64(inheriting)});
    }

    TempDir base_dir;
    std::string root = base_dir / "root";
    std::string outside = base_dir / "outside";
};

} // namespace wasi_testing
