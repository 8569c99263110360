// Tests of the WASI functions on files and the descriptors that stand for them, through
// wasi_all.wasm with a temporary directory preopened: path_open with its flags and rights,
// reading, writing and seeking, filestat records, set_size and set_times, fd_readdir,
// renumbering and closing, prestat, fdstat flags and rights, advise, allocate and sync.
#include "host/wasi/wasi_test_preopened.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <map>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace wasi_testing;
namespace oflags = tycho::host::wasi::oflags;
namespace fdflags = tycho::host::wasi::fdflags;
namespace fstflags = tycho::host::wasi::fstflags;

namespace {

constexpr uint8_t kDirectoryType = 3;
constexpr uint8_t kRegularFileType = 4;
constexpr uint8_t kSymlinkType = 7;
constexpr uint32_t kSet = 0, kCur = 1, kEnd = 2; // preview1's whence

struct stat host_stat(const std::string& path) {
    struct stat st{};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st;
}

uint64_t nanoseconds(const timespec& t) {
    return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
}

timespec timespec_of(uint64_t ns) {
    return {time_t(ns / 1'000'000'000u), long(ns % 1'000'000'000u)};
}

void set_host_times(const std::string& path, uint64_t atim, uint64_t mtim) {
    const timespec times[2] = {timespec_of(atim), timespec_of(mtim)};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

uint64_t realtime_now() {
    timespec t{};
    ::clock_gettime(CLOCK_REALTIME, &t);
    return nanoseconds(t);
}

using WasiFiles = WasiPreopened;

// ---------------------------------------------------------------------------------------------
// path_open

TEST_F(WasiFiles, CreatedFileIsWrittenAndReadBack) {
    const uint32_t fd = open_ok("f.txt", oflags::kCreat);
    EXPECT_EQ(fd, 4u) << "the lowest free number";
    ASSERT_EQ(write(fd, "hello"), Errno::Success);
    EXPECT_EQ(u32(kSecondOut), 5u);
    EXPECT_EQ(contents_of(root + "/f.txt"), "hello");
    ASSERT_EQ(seek(fd, 0, kSet), Errno::Success);
    EXPECT_EQ(read(fd), "hello");
    EXPECT_EQ(read(fd), "") << "end of file";
}

TEST_F(WasiFiles, OpenWithoutCreatOfAMissingFileIsEnoent) {
    EXPECT_EQ(open("missing.txt"), Errno::Noent);
    EXPECT_EQ(open("missing/x.txt", oflags::kCreat), Errno::Noent);
    EXPECT_FALSE(exists(root + "/missing.txt"));
}

TEST_F(WasiFiles, ExclusiveCreateOfAnExistingFileIsEexist) {
    write_file(root + "/f.txt", "kept");
    EXPECT_EQ(open("f.txt", oflags::kCreat | oflags::kExcl), Errno::Exist);
    EXPECT_EQ(contents_of(root + "/f.txt"), "kept");
    EXPECT_EQ(open("new.txt", oflags::kCreat | oflags::kExcl), Errno::Success);
    EXPECT_TRUE(exists(root + "/new.txt"));
}

TEST_F(WasiFiles, TruncEmptiesTheFile) {
    write_file(root + "/f.txt", "some contents");
    const uint32_t fd = open_ok("f.txt", oflags::kTrunc);
    EXPECT_EQ(contents_of(root + "/f.txt"), "");
    ASSERT_EQ(write(fd, "new"), Errno::Success);
    EXPECT_EQ(contents_of(root + "/f.txt"), "new");
    EXPECT_EQ(open_ok("f.txt", oflags::kCreat | oflags::kTrunc), 5u);
    EXPECT_EQ(contents_of(root + "/f.txt"), "");
}

TEST_F(WasiFiles, DirectoryFlagOpensOnlyDirectories) {
    make_dir(root + "/sub");
    write_file(root + "/f.txt", "");
    const uint32_t sub = open_dir("sub");
    EXPECT_EQ(fdstat(sub).type, kDirectoryType);
    EXPECT_EQ(open("f.txt", oflags::kDirectory, rights::kFdReaddir), Errno::Notdir);
    EXPECT_EQ(open("f.txt/", 0, rights::kFdRead), Errno::Notdir);
    EXPECT_EQ(open("sub", oflags::kDirectory | oflags::kCreat, rights::kFdReaddir), Errno::Inval)
        << "a directory is not created by path_open";
    EXPECT_NE(open("sub", oflags::kDirectory | oflags::kTrunc, rights::kFdReaddir), Errno::Success);
    // Without the flag a directory opens as well, as a directory.
    ASSERT_EQ(open("sub", 0, rights::kFdReaddir), Errno::Success);
    EXPECT_EQ(fdstat(opened()).type, kDirectoryType);
    EXPECT_EQ(open("sub", 0, rights::kFdWrite), Errno::Isdir) << "a directory is not written";
}

TEST_F(WasiFiles, AppendWritesAtTheEnd) {
    write_file(root + "/f.txt", "abc");
    const uint32_t fd = open_ok("f.txt", 0, kReadWrite, fdflags::kAppend);
    EXPECT_EQ(fdstat(fd).flags, fdflags::kAppend);
    ASSERT_EQ(seek(fd, 0, kSet), Errno::Success);
    ASSERT_EQ(write(fd, "def"), Errno::Success);
    EXPECT_EQ(contents_of(root + "/f.txt"), "abcdef");
    EXPECT_EQ(tell(fd), 6u);
    // APPEND alone is a request to write.
    const uint32_t append_only = open_ok("f.txt", 0, rights::kFdWrite, fdflags::kAppend);
    ASSERT_EQ(write(append_only, "g"), Errno::Success);
    EXPECT_EQ(contents_of(root + "/f.txt"), "abcdefg");
}

TEST_F(WasiFiles, EveryFdflagIsKeptAndReported) {
    write_file(root + "/f.txt", "");
    for (uint16_t flag : {fdflags::kAppend, fdflags::kDsync, fdflags::kNonblock, fdflags::kRsync,
                          fdflags::kSync, uint16_t(fdflags::kAll)}) {
        const uint32_t fd = open_ok("f.txt", 0, kReadWrite, flag);
        EXPECT_EQ(fdstat(fd).flags, flag) << flag;
        ASSERT_EQ(write(fd, "x"), Errno::Success) << flag;
        EXPECT_EQ(wasi("fd_close", {i32(fd)}), Errno::Success);
    }
}

TEST_F(WasiFiles, UnknownFlagBitsAreEinval) {
    write_file(root + "/f.txt", "");
    EXPECT_EQ(open("f.txt", 1u << 4), Errno::Inval);
    EXPECT_EQ(open("new.txt", oflags::kCreat | (1u << 15)), Errno::Inval);
    EXPECT_EQ(open("f.txt", 0, kReadWrite, 0, 1u << 5), Errno::Inval);
    EXPECT_FALSE(exists(root + "/new.txt"));
}

TEST_F(WasiFiles, RequestedRightsMustBeInheritable) {
    write_file(root + "/f.txt", "data");
    // The directory passes on reading only.
    ASSERT_EQ(set_rights(kRootFd, rights::kDirectory, rights::kFdRead | rights::kFdSeek),
              Errno::Success);
    EXPECT_EQ(open("f.txt", 0, rights::kFdWrite), Errno::Notcapable);
    EXPECT_EQ(open("f.txt", 0, rights::kFdRead | rights::kFdWrite), Errno::Notcapable);
    EXPECT_EQ(open("f.txt", 0, rights::kFdRead, rights::kFdWrite), Errno::Notcapable)
        << "inheriting rights beyond the directory's too";
    ASSERT_EQ(open("f.txt", 0, rights::kFdRead | rights::kFdSeek), Errno::Success);
    EXPECT_EQ(read(opened()), "data");
}

TEST_F(WasiFiles, NewDescriptorsRightsAreNarrowedToTheirType) {
    write_file(root + "/f.txt", "");
    make_dir(root + "/sub");
    ASSERT_EQ(open("f.txt", 0, rights::kAll, rights::kAll), Errno::Success);
    Fdstat file = fdstat(opened());
    EXPECT_EQ(file.type, kRegularFileType);
    EXPECT_EQ(file.base, rights::kRegularFile);
    EXPECT_EQ(file.inheriting, rights::kAll);
    ASSERT_EQ(open("sub", 0, rights::kDirectory | rights::kFdRead | rights::kFdSeek, rights::kAll),
              Errno::Success);
    Fdstat dir = fdstat(opened());
    EXPECT_EQ(dir.type, kDirectoryType);
    EXPECT_EQ(dir.base, rights::kDirectory);
    // Only what was asked for.
    ASSERT_EQ(open("f.txt", 0, rights::kFdRead, 0), Errno::Success);
    EXPECT_EQ(fdstat(opened()).base, rights::kFdRead);
    EXPECT_EQ(fdstat(opened()).inheriting, 0u);
}

TEST_F(WasiFiles, ReadOnlyDescriptorCannotWriteNorWriteOnlyRead) {
    write_file(root + "/f.txt", "data");
    const uint32_t reading = open_ok("f.txt", 0, rights::kFdRead);
    EXPECT_EQ(write(reading, "x"), Errno::Badf);
    EXPECT_EQ(contents_of(root + "/f.txt"), "data");
    const uint32_t writing = open_ok("f.txt", 0, rights::kFdWrite);
    EXPECT_EQ(read(writing), "errno 8");
    ASSERT_EQ(write(writing, "D"), Errno::Success);
    EXPECT_EQ(contents_of(root + "/f.txt"), "Data");
}

TEST_F(WasiFiles, CreateAndTruncNeedTheDirectorysRights) {
    write_file(root + "/f.txt", "data");
    ASSERT_EQ(set_rights(kRootFd, rights::kDirectory & ~rights::kPathCreateFile, rights::kAll),
              Errno::Success);
    EXPECT_EQ(open("new.txt", oflags::kCreat), Errno::Notcapable);
    EXPECT_FALSE(exists(root + "/new.txt"));
    ASSERT_EQ(set_rights(kRootFd, rights::kPathOpen, rights::kAll), Errno::Success);
    EXPECT_EQ(open("f.txt", oflags::kTrunc), Errno::Notcapable);
    EXPECT_EQ(contents_of(root + "/f.txt"), "data");
    EXPECT_EQ(open("f.txt"), Errno::Success);
    ASSERT_EQ(set_rights(kRootFd, 0, rights::kAll), Errno::Success);
    EXPECT_EQ(open("f.txt"), Errno::Notcapable) << "no right to open at all";
}

TEST_F(WasiFiles, OpenNeedsADirectoryDescriptor) {
    write_file(root + "/f.txt", "");
    const uint32_t file = open_ok("f.txt");
    EXPECT_EQ(open("x", 0, kReadWrite, 0, 0, file), Errno::Notdir);
    EXPECT_EQ(open("x", 0, kReadWrite, 0, 0, 1), Errno::Notdir) << "stdout";
    EXPECT_EQ(open("x", 0, kReadWrite, 0, 0, 99), Errno::Badf);
}

TEST_F(WasiFiles, OpenBeneathAnOpenedSubdirectory) {
    make_dir(root + "/sub");
    write_file(root + "/sub/f.txt", "in sub");
    const uint32_t sub = open_dir("sub");
    EXPECT_EQ(read(open_ok("f.txt", 0, kReadWrite, 0, sub)), "in sub");
    EXPECT_EQ(open("../sub/f.txt", 0, kReadWrite, 0, 0, sub), Errno::Notcapable)
        << "the subdirectory is a sandbox of its own";
    EXPECT_EQ(fdstat(sub).inheriting, rights::kAll);
}

TEST_F(WasiFiles, OpenFollowsLinksOnlyWhenAsked) {
    write_file(root + "/f.txt", "target");
    make_symlink("f.txt", root + "/link");
    make_symlink("../outside/secret.txt", root + "/out");
    EXPECT_EQ(open("link", 0, kReadWrite, 0, 0, kRootFd, 0), Errno::Loop);
    ASSERT_EQ(open("link", 0, kReadWrite, 0, 0, kRootFd, kSymlinkFollow), Errno::Success);
    EXPECT_EQ(read(opened()), "target");
    EXPECT_EQ(open("out"), Errno::Notcapable);
    EXPECT_EQ(open(".."), Errno::Notcapable);
    EXPECT_EQ(open("../outside/secret.txt"), Errno::Notcapable);
    EXPECT_EQ(open(outside + "/secret.txt"), Errno::Notcapable);
    EXPECT_EQ(open("/f.txt"), Errno::Notcapable);
}

TEST_F(WasiFiles, OpenWithBadPointersIsEfaultAndCreatesNothing) {
    fill(0xAA);
    put_text(kPathAt, "new.txt");
    auto with = [&](uint32_t path, uint32_t len, uint32_t out) {
        return wasi("path_open", {i32(kRootFd), i32(1), i32(path), i32(len), i32(oflags::kCreat),
                                  i64(kReadWrite), i64(0), i32(0), i32(out)});
    };
    EXPECT_EQ(with(kPathAt, 7, kPage - 3), Errno::Fault) << "fd out of bounds";
    EXPECT_EQ(with(kPage - 3, 7, kOut), Errno::Fault) << "path out of bounds";
    EXPECT_EQ(with(0xFFFFFFFF, 7, kOut), Errno::Fault) << "path wraps";
    EXPECT_FALSE(exists(root + "/new.txt"));
    EXPECT_TRUE(untouched(kOut, kOut + 4, 0xAA));
    EXPECT_EQ(context.fds.open_count(), 4u) << "no descriptor was taken";
    // Not UTF-8.
    put_text(kPathAt, "\xff\xfe");
    EXPECT_EQ(with(kPathAt, 2, kOut), Errno::Ilseq);
}

TEST_F(WasiFiles, NamesAreUtf8) {
    const std::string name = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93.txt";
    ASSERT_EQ(open(name, oflags::kCreat), Errno::Success);
    EXPECT_TRUE(exists(root + "/" + name));
}

TEST_F(WasiFiles, TableHasAnUpperBound) {
    write_file(root + "/f.txt", "");
    const size_t limit = tycho::host::wasi::FdTable::kMaxDescriptors;
    while (context.fds.open_count() < limit)
        ASSERT_EQ(open("f.txt", 0, rights::kFdRead), Errno::Success) << context.fds.open_count();
    EXPECT_EQ(opened(), limit - 1);
    EXPECT_EQ(open("f.txt", 0, rights::kFdRead), Errno::Mfile);
    EXPECT_EQ(open("new.txt", oflags::kCreat), Errno::Mfile);
    EXPECT_FALSE(exists(root + "/new.txt")) << "refused before anything was made";
    ASSERT_EQ(wasi("fd_close", {i32(500)}), Errno::Success);
    ASSERT_EQ(open("f.txt", 0, rights::kFdRead), Errno::Success);
    EXPECT_EQ(opened(), 500u);
}

// ---------------------------------------------------------------------------------------------
// Reading, writing and seeking

TEST_F(WasiFiles, PositionedReadsAndWritesKeepTheOffset) {
    const uint32_t fd = open_ok("f.txt", oflags::kCreat);
    ASSERT_EQ(write(fd, "0123456789"), Errno::Success);
    fill(0xAA);
    put_iovec(kIovs, kData, 3);
    ASSERT_EQ(wasi("fd_pread", {i32(fd), i32(kIovs), i32(1), i64(2), i32(kOut)}), Errno::Success);
    EXPECT_EQ(u32(kOut), 3u);
    EXPECT_EQ(text(kData, 3), "234");
    EXPECT_TRUE(untouched(kData + 3, kData + 16, 0xAA));
    EXPECT_EQ(tell(fd), 10u);

    put_text(kData, "XY");
    put_iovec(kIovs, kData, 2);
    ASSERT_EQ(wasi("fd_pwrite", {i32(fd), i32(kIovs), i32(1), i64(4), i32(kOut)}), Errno::Success);
    EXPECT_EQ(u32(kOut), 2u);
    EXPECT_EQ(contents_of(root + "/f.txt"), "0123XY6789");
    EXPECT_EQ(tell(fd), 10u);

    put_iovec(kIovs, kData, 4);
    ASSERT_EQ(wasi("fd_pread", {i32(fd), i32(kIovs), i32(1), i64(100), i32(kOut)}), Errno::Success);
    EXPECT_EQ(u32(kOut), 0u) << "beyond the end";
    EXPECT_EQ(wasi("fd_pread", {i32(fd), i32(kIovs), i32(1), i64(uint64_t(1) << 63), i32(kOut)}),
              Errno::Inval);
    EXPECT_EQ(wasi("fd_pwrite", {i32(fd), i32(kIovs), i32(1), i64(~uint64_t(0)), i32(kOut)}),
              Errno::Inval);
}

TEST_F(WasiFiles, PositionedIoNeedsSeekAndTheDirection) {
    write_file(root + "/f.txt", "data");
    put_iovec(kIovs, kData, 2);
    const uint32_t no_seek = open_ok("f.txt", 0, rights::kFdRead | rights::kFdWrite);
    EXPECT_EQ(wasi("fd_pread", {i32(no_seek), i32(kIovs), i32(1), i64(0), i32(kOut)}),
              Errno::Notcapable);
    EXPECT_EQ(wasi("fd_pwrite", {i32(no_seek), i32(kIovs), i32(1), i64(0), i32(kOut)}),
              Errno::Notcapable);
    const uint32_t read_only = open_ok("f.txt", 0, rights::kFdRead | rights::kFdSeek);
    EXPECT_EQ(wasi("fd_pwrite", {i32(read_only), i32(kIovs), i32(1), i64(0), i32(kOut)}),
              Errno::Badf);
    EXPECT_EQ(contents_of(root + "/f.txt"), "data");
    EXPECT_EQ(wasi("fd_pread", {i32(kRootFd), i32(kIovs), i32(1), i64(0), i32(kOut)}), Errno::Badf)
        << "a directory";
}

TEST_F(WasiFiles, SeekFromEachWhence) {
    write_file(root + "/f.txt", "0123456789");
    const uint32_t fd = open_ok("f.txt");
    struct Step {
        int64_t offset;
        uint32_t whence;
        uint64_t expected;
    };
    for (const Step& s : {Step{3, kSet, 3}, Step{2, kCur, 5}, Step{-1, kCur, 4}, Step{-4, kEnd, 6},
                          Step{5, kEnd, 15}, Step{0, kSet, 0}}) {
        ASSERT_EQ(seek(fd, s.offset, s.whence), Errno::Success) << s.offset << " " << s.whence;
        EXPECT_EQ(u64(kSecondOut), s.expected) << s.offset << " " << s.whence;
        EXPECT_EQ(tell(fd), s.expected);
    }
    ASSERT_EQ(seek(fd, 7, kSet), Errno::Success);
    EXPECT_EQ(read(fd, 2), "78");
    // A negative result is EINVAL and leaves the offset.
    for (const Step& s :
         {Step{-1, kSet, 0}, Step{-10, kCur, 0}, Step{-11, kEnd, 0}, Step{INT64_MIN, kEnd, 0}})
        EXPECT_EQ(seek(fd, s.offset, s.whence), Errno::Inval) << s.offset << " " << s.whence;
    EXPECT_EQ(seek(fd, 0, 3), Errno::Inval) << "no such whence";
    EXPECT_EQ(seek(fd, 0, 0xFFFFFFFF), Errno::Inval);
    EXPECT_EQ(tell(fd), 9u);
}

TEST_F(WasiFiles, TellNeedsOnlyTheTellRight) {
    write_file(root + "/f.txt", "0123456789");
    const uint32_t fd = open_ok("f.txt", 0, rights::kFdRead | rights::kFdTell);
    EXPECT_EQ(read(fd, 4), "0123");
    EXPECT_EQ(tell(fd), 4u);
    ASSERT_EQ(seek(fd, 0, kCur), Errno::Success) << "asks where it is";
    EXPECT_EQ(u64(kSecondOut), 4u);
    EXPECT_EQ(seek(fd, 1, kCur), Errno::Notcapable);
    EXPECT_EQ(seek(fd, 0, kSet), Errno::Notcapable);
    const uint32_t no_tell = open_ok("f.txt", 0, rights::kFdRead);
    EXPECT_EQ(wasi("fd_tell", {i32(no_tell), i32(kSecondOut)}), Errno::Notcapable);
    EXPECT_EQ(seek(kRootFd, 0, kCur), Errno::Badf) << "a directory";
    EXPECT_EQ(seek(99, 0, kCur), Errno::Badf);
}

TEST_F(WasiFiles, SeekWithABadPointerIsEfaultAndDoesNotMove) {
    write_file(root + "/f.txt", "0123456789");
    const uint32_t fd = open_ok("f.txt");
    fill(0xAA);
    EXPECT_EQ(wasi("fd_seek", {i32(fd), i64(5), i32(kSet), i32(kPage - 7)}), Errno::Fault);
    EXPECT_EQ(wasi("fd_tell", {i32(fd), i32(kPage - 4)}), Errno::Fault);
    EXPECT_TRUE(untouched(0, kPage, 0xAA));
    EXPECT_EQ(tell(fd), 0u);
}

TEST_F(WasiFiles, ReadAndWriteWithBadPointersAreEfaultAndMoveNothing) {
    write_file(root + "/f.txt", "0123456789");
    const uint32_t fd = open_ok("f.txt");
    fill(0xAA);
    put_iovec(kIovs, kData, 4);
    put_iovec(kIovs + 8, kPage - 2, 4);
    EXPECT_EQ(wasi("fd_read", {i32(fd), i32(kIovs), i32(2), i32(kOut)}), Errno::Fault);
    EXPECT_EQ(wasi("fd_pread", {i32(fd), i32(kIovs), i32(2), i64(0), i32(kOut)}), Errno::Fault);
    EXPECT_EQ(wasi("fd_write", {i32(fd), i32(kIovs), i32(2), i32(kOut)}), Errno::Fault);
    EXPECT_EQ(wasi("fd_pwrite", {i32(fd), i32(kIovs), i32(2), i64(0), i32(kOut)}), Errno::Fault);
    EXPECT_EQ(wasi("fd_read", {i32(fd), i32(kIovs), i32(1), i32(kPage - 1)}), Errno::Fault);
    EXPECT_EQ(wasi("fd_pread", {i32(fd), i32(kIovs), i32(1), i64(0), i32(kPage)}), Errno::Fault);
    EXPECT_TRUE(untouched(kData, kData + 16, 0xAA));
    EXPECT_TRUE(untouched(kOut, kOut + 4, 0xAA));
    EXPECT_EQ(contents_of(root + "/f.txt"), "0123456789");
    EXPECT_EQ(tell(fd), 0u);
}

// ---------------------------------------------------------------------------------------------
// Filestat records

// Checks a filestat record at `at` against the host's stat of `path` in the given layout.
struct FilestatOffsets {
    uint32_t size, filetype, nlink, nlink_bytes, file_size, atim, mtim, ctim;
};
constexpr FilestatOffsets kPreview1Filestat{64, 16, 24, 8, 32, 40, 48, 56};
constexpr FilestatOffsets kUnstableFilestat{56, 16, 20, 4, 24, 32, 40, 48};

class WasiFilestat : public WasiFiles {
  protected:
    void expect_filestat(uint32_t at_address, const std::string& path, uint8_t type,
                         const FilestatOffsets& layout) {
        const struct stat st = host_stat(path);
        EXPECT_EQ(u64(at_address + 0), uint64_t(st.st_dev)) << "dev";
        EXPECT_EQ(u64(at_address + 8), uint64_t(st.st_ino)) << "ino";
        EXPECT_EQ(*at(at_address + layout.filetype), type) << "filetype";
        EXPECT_TRUE(untouched(at_address + layout.filetype + 1, at_address + layout.nlink, 0))
            << "padding after the filetype is zero";
        const uint64_t nlink = layout.nlink_bytes == 8 ? u64(at_address + layout.nlink)
                                                       : u32(at_address + layout.nlink);
        EXPECT_EQ(nlink, uint64_t(st.st_nlink)) << "nlink";
        EXPECT_EQ(u64(at_address + layout.file_size), uint64_t(st.st_size)) << "size";
        EXPECT_EQ(u64(at_address + layout.atim), nanoseconds(st.st_atim)) << "atim";
        EXPECT_EQ(u64(at_address + layout.mtim), nanoseconds(st.st_mtim)) << "mtim";
        EXPECT_EQ(u64(at_address + layout.ctim), nanoseconds(st.st_ctim)) << "ctim";
    }

    // A file of 5 bytes with two names and known times.
    void make_known_file() {
        write_file(root + "/f.txt", "12345");
        ASSERT_EQ(::link((root + "/f.txt").c_str(), (root + "/second-name").c_str()), 0);
        set_host_times(root + "/f.txt", 1'234'567'890'123'456'789u, 987'654'321'987'654'321u);
    }
};

TEST_F(WasiFilestat, FdFilestatGetLayoutByteByByte) {
    make_known_file();
    const uint32_t fd = open_ok("f.txt");
    fill(0xAA);
    ASSERT_EQ(wasi("fd_filestat_get", {i32(fd), i32(kRecord)}), Errno::Success);
    expect_filestat(kRecord, root + "/f.txt", kRegularFileType, kPreview1Filestat);
    EXPECT_EQ(u64(kRecord + 24), 2u) << "two names";
    EXPECT_EQ(u64(kRecord + 32), 5u);
    EXPECT_EQ(u64(kRecord + 40), 1'234'567'890'123'456'789u);
    EXPECT_EQ(u64(kRecord + 48), 987'654'321'987'654'321u);
    EXPECT_TRUE(untouched(kRecord - 16, kRecord, 0xAA));
    EXPECT_TRUE(untouched(kRecord + 64, kRecord + 128, 0xAA));
}

TEST_F(WasiFilestat, PathFilestatGetFollowsLinksOnlyWhenAsked) {
    make_known_file();
    make_dir(root + "/sub");
    make_symlink("f.txt", root + "/link");
    fill(0xAA);
    const auto p = path_args("link");
    ASSERT_EQ(wasi("path_filestat_get", {i32(kRootFd), i32(0), p[0], p[1], i32(kRecord)}),
              Errno::Success);
    expect_filestat(kRecord, root + "/link", kSymlinkType, kPreview1Filestat);
    EXPECT_EQ(u64(kRecord + 32), 5u) << "the link's size is its target's length";
    EXPECT_TRUE(untouched(kRecord + 64, kRecord + 128, 0xAA));
    ASSERT_EQ(
        wasi("path_filestat_get", {i32(kRootFd), i32(kSymlinkFollow), p[0], p[1], i32(kRecord)}),
        Errno::Success);
    expect_filestat(kRecord, root + "/f.txt", kRegularFileType, kPreview1Filestat);

    const auto sub = path_args("sub/");
    ASSERT_EQ(wasi("path_filestat_get", {i32(kRootFd), i32(0), sub[0], sub[1], i32(kRecord)}),
              Errno::Success);
    expect_filestat(kRecord, root + "/sub", kDirectoryType, kPreview1Filestat);
    const auto dot = path_args(".");
    ASSERT_EQ(wasi("path_filestat_get", {i32(kRootFd), i32(0), dot[0], dot[1], i32(kRecord)}),
              Errno::Success);
    expect_filestat(kRecord, root, kDirectoryType, kPreview1Filestat);
}

TEST_F(WasiFilestat, PathFilestatGetStaysInside) {
    make_symlink("../outside/secret.txt", root + "/out");
    for (const char* path : {"..", "../outside/secret.txt", "/etc"}) {
        const auto p = path_args(path);
        EXPECT_EQ(wasi("path_filestat_get", {i32(kRootFd), i32(0), p[0], p[1], i32(kRecord)}),
                  Errno::Notcapable)
            << path;
    }
    const auto p = path_args("out");
    EXPECT_EQ(
        wasi("path_filestat_get", {i32(kRootFd), i32(kSymlinkFollow), p[0], p[1], i32(kRecord)}),
        Errno::Notcapable);
    const auto missing = path_args("missing");
    EXPECT_EQ(
        wasi("path_filestat_get", {i32(kRootFd), i32(0), missing[0], missing[1], i32(kRecord)}),
        Errno::Noent);
}

TEST_F(WasiFilestat, FilestatWithABadPointerIsEfaultAndWritesNothing) {
    make_known_file();
    const uint32_t fd = open_ok("f.txt");
    fill(0xAA);
    put_text(kPathAt, "f.txt");
    EXPECT_EQ(wasi("fd_filestat_get", {i32(fd), i32(kPage - 63)}), Errno::Fault);
    EXPECT_EQ(
        wasi("path_filestat_get", {i32(kRootFd), i32(0), i32(kPathAt), i32(5), i32(kPage - 63)}),
        Errno::Fault);
    EXPECT_EQ(
        wasi("path_filestat_get", {i32(kRootFd), i32(0), i32(kPage - 2), i32(5), i32(kRecord)}),
        Errno::Fault);
    EXPECT_TRUE(untouched(kPage - 64, kPage, 0xAA));
    EXPECT_TRUE(untouched(kRecord, kRecord + 64, 0xAA));
    EXPECT_EQ(wasi("fd_filestat_get", {i32(fd), i32(kPage - 64)}), Errno::Success) << "fits";
}

TEST_F(WasiFilestat, FilestatNeedsItsRight) {
    write_file(root + "/f.txt", "");
    const uint32_t fd = open_ok("f.txt", 0, rights::kFdRead);
    EXPECT_EQ(wasi("fd_filestat_get", {i32(fd), i32(kRecord)}), Errno::Notcapable);
    ASSERT_EQ(set_rights(kRootFd, rights::kPathOpen, rights::kAll), Errno::Success);
    const auto p = path_args("f.txt");
    EXPECT_EQ(wasi("path_filestat_get", {i32(kRootFd), i32(0), p[0], p[1], i32(kRecord)}),
              Errno::Notcapable);
}

// wasi_unstable's filestat is 56 bytes: a u32 nlink right after the filetype.
TEST_F(WasiFilestat, UnstableFilestatHasAThirtyTwoBitLinkCount) {
    make_known_file();
    const uint32_t fd = open_ok("f.txt");
    use(instantiate("wasi_unstable_all.wasm"));
    fill(0xAA);
    ASSERT_EQ(wasi("fd_filestat_get", {i32(fd), i32(kRecord)}), Errno::Success);
    expect_filestat(kRecord, root + "/f.txt", kRegularFileType, kUnstableFilestat);
    EXPECT_EQ(u32(kRecord + 20), 2u);
    EXPECT_EQ(u64(kRecord + 24), 5u) << "size";
    EXPECT_EQ(u64(kRecord + 32), 1'234'567'890'123'456'789u) << "atim";
    EXPECT_TRUE(untouched(kRecord + 56, kRecord + 128, 0xAA));

    fill(0xAA);
    put_text(kPathAt, "f.txt");
    ASSERT_EQ(wasi("path_filestat_get", {i32(kRootFd), i32(0), i32(kPathAt), i32(5), i32(kRecord)}),
              Errno::Success);
    expect_filestat(kRecord, root + "/f.txt", kRegularFileType, kUnstableFilestat);
    EXPECT_TRUE(untouched(kRecord + 56, kRecord + 128, 0xAA));
    EXPECT_EQ(wasi("fd_filestat_get", {i32(fd), i32(kPage - 55)}), Errno::Fault);
    EXPECT_EQ(wasi("fd_filestat_get", {i32(fd), i32(kPage - 56)}), Errno::Success) << "fits";
}

// wasi_unstable numbers whence cur 0, end 1, set 2.
TEST_F(WasiFiles, UnstableSeekHasItsOwnWhenceOrder) {
    write_file(root + "/f.txt", "0123456789");
    const uint32_t fd = open_ok("f.txt");
    use(instantiate("wasi_unstable_all.wasm"));
    constexpr uint32_t kUnstableCur = 0, kUnstableEnd = 1, kUnstableSet = 2;
    ASSERT_EQ(seek(fd, 3, kUnstableSet), Errno::Success);
    EXPECT_EQ(u64(kSecondOut), 3u);
    ASSERT_EQ(seek(fd, 2, kUnstableCur), Errno::Success);
    EXPECT_EQ(u64(kSecondOut), 5u);
    ASSERT_EQ(seek(fd, -1, kUnstableEnd), Errno::Success);
    EXPECT_EQ(u64(kSecondOut), 9u);
    EXPECT_EQ(seek(fd, 0, 3), Errno::Inval);
    EXPECT_EQ(tell(fd), 9u);
    // Telling needs only fd_tell; in this dialect that is whence 0.
    context.fds.get(fd)->rights_base = rights::kFdTell;
    EXPECT_EQ(seek(fd, 0, kUnstableCur), Errno::Success);
    EXPECT_EQ(seek(fd, 0, kUnstableSet), Errno::Notcapable);
}

// ---------------------------------------------------------------------------------------------
// set_size and set_times

TEST_F(WasiFiles, SetSizeGrowsWithZerosAndShrinks) {
    write_file(root + "/f.txt", "abc");
    const uint32_t fd = open_ok("f.txt", 0, kReadWrite | rights::kFdFilestatSetSize);
    ASSERT_EQ(wasi("fd_filestat_set_size", {i32(fd), i64(6)}), Errno::Success);
    EXPECT_EQ(contents_of(root + "/f.txt"), std::string("abc\0\0\0", 6));
    ASSERT_EQ(wasi("fd_filestat_set_size", {i32(fd), i64(2)}), Errno::Success);
    EXPECT_EQ(contents_of(root + "/f.txt"), "ab");
    EXPECT_EQ(wasi("fd_filestat_set_size", {i32(fd), i64(uint64_t(1) << 63)}), Errno::Fbig);
    const uint32_t reading = open_ok("f.txt", 0, rights::kFdRead);
    EXPECT_EQ(wasi("fd_filestat_set_size", {i32(reading), i64(0)}), Errno::Notcapable);
    EXPECT_EQ(wasi("fd_filestat_set_size", {i32(kRootFd), i64(0)}), Errno::Notcapable);
    EXPECT_EQ(contents_of(root + "/f.txt"), "ab");
}

constexpr uint64_t kOldAtim = 1'000'000'000'000'000'001u; // 2001
constexpr uint64_t kOldMtim = 1'000'000'002'000'000'002u;
constexpr uint64_t kNewAtim = 1'500'000'000'111'111'111u; // 2017
constexpr uint64_t kNewMtim = 1'600'000'000'222'222'222u; // 2020

// What a time is after set_times with these flags for one of the two times.
void expect_time(uint64_t actual, bool set, bool now, uint64_t given, uint64_t old, uint64_t before,
                 const char* which) {
    if (now) {
        // The kernel stamps with its coarse clock, which may lag a little.
        EXPECT_GE(actual, before - 1'000'000'000u) << which;
        EXPECT_LE(actual, realtime_now()) << which;
    } else if (set) {
        EXPECT_EQ(actual, given) << which;
    } else {
        EXPECT_EQ(actual, old) << which;
    }
}

// Calls `set_times(flags)` for each of the 16 fstflags combinations on the file `path` (its
// times set to the old ones first) and checks what each did.
void expect_every_fstflags_combination(const std::string& path,
                                       const std::function<Errno(uint32_t)>& set_times) {
    for (uint32_t flags = 0; flags < 16; ++flags) {
        SCOPED_TRACE(flags);
        set_host_times(path, kOldAtim, kOldMtim);
        const bool atim = (flags & fstflags::kAtim) != 0;
        const bool atim_now = (flags & fstflags::kAtimNow) != 0;
        const bool mtim = (flags & fstflags::kMtim) != 0;
        const bool mtim_now = (flags & fstflags::kMtimNow) != 0;
        const uint64_t before = realtime_now();
        const Errno e = set_times(flags);
        const struct stat st = host_stat(path);
        if ((atim && atim_now) || (mtim && mtim_now)) {
            EXPECT_EQ(e, Errno::Inval);
            EXPECT_EQ(nanoseconds(st.st_atim), kOldAtim);
            EXPECT_EQ(nanoseconds(st.st_mtim), kOldMtim);
            continue;
        }
        ASSERT_EQ(e, Errno::Success);
        expect_time(nanoseconds(st.st_atim), atim, atim_now, kNewAtim, kOldAtim, before, "atim");
        expect_time(nanoseconds(st.st_mtim), mtim, mtim_now, kNewMtim, kOldMtim, before, "mtim");
    }
}

TEST_F(WasiFiles, SetTimesAppliesEveryFlagCombination) {
    write_file(root + "/f.txt", "");
    const uint32_t fd = open_ok("f.txt", 0, rights::kFdFilestatSetTimes);
    expect_every_fstflags_combination(root + "/f.txt", [&](uint32_t flags) {
        return wasi("fd_filestat_set_times", {i32(fd), i64(kNewAtim), i64(kNewMtim), i32(flags)});
    });
    EXPECT_EQ(wasi("fd_filestat_set_times", {i32(fd), i64(0), i64(0), i32(1u << 4)}), Errno::Inval);
    const uint32_t no_right = open_ok("f.txt", 0, rights::kFdRead);
    EXPECT_EQ(
        wasi("fd_filestat_set_times", {i32(no_right), i64(0), i64(0), i32(fstflags::kAtimNow)}),
        Errno::Notcapable);
}

TEST_F(WasiFiles, PathSetTimesAppliesEveryFlagCombination) {
    write_file(root + "/f.txt", "");
    const auto p = path_args("f.txt");
    expect_every_fstflags_combination(root + "/f.txt", [&](uint32_t flags) {
        return wasi("path_filestat_set_times",
                    {i32(kRootFd), i32(0), p[0], p[1], i64(kNewAtim), i64(kNewMtim), i32(flags)});
    });
    EXPECT_EQ(wasi("path_filestat_set_times",
                   {i32(kRootFd), i32(0), p[0], p[1], i64(0), i64(0), i32(1u << 4)}),
              Errno::Inval);
}

TEST_F(WasiFiles, PathSetTimesOfALinkFollowsOnlyWhenAsked) {
    write_file(root + "/f.txt", "");
    make_symlink("f.txt", root + "/link");
    set_host_times(root + "/f.txt", kOldAtim, kOldMtim);
    set_host_times(root + "/link", kOldAtim, kOldMtim);
    const auto p = path_args("link");
    ASSERT_EQ(wasi("path_filestat_set_times", {i32(kRootFd), i32(0), p[0], p[1], i64(kNewAtim),
                                               i64(kNewMtim), i32(fstflags::kMtim)}),
              Errno::Success);
    EXPECT_EQ(nanoseconds(host_stat(root + "/link").st_mtim), kNewMtim);
    EXPECT_EQ(nanoseconds(host_stat(root + "/f.txt").st_mtim), kOldMtim);
    ASSERT_EQ(wasi("path_filestat_set_times", {i32(kRootFd), i32(kSymlinkFollow), p[0], p[1],
                                               i64(kNewAtim), i64(kNewMtim), i32(fstflags::kMtim)}),
              Errno::Success);
    EXPECT_EQ(nanoseconds(host_stat(root + "/f.txt").st_mtim), kNewMtim);

    make_symlink("../outside/secret.txt", root + "/out");
    set_host_times(outside + "/secret.txt", kOldAtim, kOldMtim);
    const auto out = path_args("out");
    EXPECT_EQ(wasi("path_filestat_set_times", {i32(kRootFd), i32(kSymlinkFollow), out[0], out[1],
                                               i64(kNewAtim), i64(kNewMtim), i32(fstflags::kMtim)}),
              Errno::Notcapable);
    EXPECT_EQ(nanoseconds(host_stat(outside + "/secret.txt").st_mtim), kOldMtim);
}

// ---------------------------------------------------------------------------------------------
// fd_readdir

struct Dirent {
    uint64_t next = 0;
    uint64_t ino = 0;
    uint32_t namlen = 0;
    uint8_t type = 0xFF;
    std::string name;
};

class WasiReaddir : public WasiFiles {
  protected:
    void SetUp() override {
        WasiFiles::SetUp();
        write_file(root + "/a.txt", "a");
        write_file(root + "/bb.txt", "bb");
        make_dir(root + "/sub");
        make_symlink("a.txt", root + "/link");
        write_file(root + "/a-much-longer-name-than-the-others.txt", "");
    }
    // One fd_readdir into kRecord with `length` bytes; the bytes it used.
    std::string readdir(uint32_t fd, uint32_t length, uint64_t cookie) {
        EXPECT_EQ(wasi("fd_readdir", {i32(fd), i32(kRecord), i32(length), i64(cookie), i32(kOut)}),
                  Errno::Success);
        EXPECT_LE(u32(kOut), length);
        return text(kRecord, u32(kOut));
    }
    // The whole entries in `bytes` (a truncated one at the end is left out).
    static std::vector<Dirent> parse(const std::string& bytes) {
        std::vector<Dirent> out;
        size_t at = 0;
        while (at + 24 <= bytes.size()) {
            Dirent d;
            std::memcpy(&d.next, bytes.data() + at, 8);
            std::memcpy(&d.ino, bytes.data() + at + 8, 8);
            std::memcpy(&d.namlen, bytes.data() + at + 16, 4);
            d.type = uint8_t(bytes[at + 20]);
            if (at + 24 + d.namlen > bytes.size()) break;
            d.name = bytes.substr(at + 24, d.namlen);
            out.push_back(d);
            at += 24 + d.namlen;
        }
        return out;
    }
    std::string full_listing() { return readdir(kRootFd, 0x4000, 0); }
};

TEST_F(WasiReaddir, EveryEntryHasItsTypeInodeAndNameLength) {
    const std::string bytes = full_listing();
    const std::vector<Dirent> entries = parse(bytes);
    std::map<std::string, Dirent> by_name;
    size_t total = 0;
    for (const Dirent& d : entries) {
        EXPECT_TRUE(by_name.emplace(d.name, d).second) << "twice: " << d.name;
        total += 24 + d.namlen;
    }
    EXPECT_EQ(total, bytes.size()) << "nothing but whole entries";
    const std::map<std::string, uint8_t> expected = {
        {".", kDirectoryType},
        {"..", kDirectoryType},
        {"a.txt", kRegularFileType},
        {"bb.txt", kRegularFileType},
        {"sub", kDirectoryType},
        {"link", kSymlinkType},
        {"a-much-longer-name-than-the-others.txt", kRegularFileType}};
    ASSERT_EQ(by_name.size(), expected.size());
    for (const auto& [name, type] : expected) {
        ASSERT_EQ(by_name.count(name), 1u) << name;
        const Dirent& d = by_name[name];
        EXPECT_EQ(d.type, type) << name;
        EXPECT_EQ(d.namlen, name.size()) << name;
        if (name != "..") EXPECT_EQ(d.ino, uint64_t(host_stat(root + "/" + name).st_ino)) << name;
    }
}

TEST_F(WasiReaddir, SmallBufferListsEveryEntryOnceAcrossCalls) {
    const size_t expected = parse(full_listing()).size();
    std::map<std::string, int> seen;
    uint64_t cookie = 0;
    int calls = 0;
    for (; calls < 100; ++calls) {
        // About two short entries; the long name's entry (62 bytes) still fits whole.
        const uint32_t length = 72;
        const std::string bytes = readdir(kRootFd, length, cookie);
        const std::vector<Dirent> entries = parse(bytes);
        for (const Dirent& d : entries)
            ++seen[d.name];
        if (bytes.size() < length) break; // the end of the directory
        ASSERT_FALSE(entries.empty()) << "no progress at cookie " << cookie;
        cookie = entries.back().next;
    }
    EXPECT_GT(calls, 2);
    EXPECT_EQ(seen.size(), expected);
    for (const auto& [name, count] : seen)
        EXPECT_EQ(count, 1) << name;
}

TEST_F(WasiReaddir, ShortBufferGetsThePrefixWithATruncatedLastEntry) {
    const std::string full = full_listing();
    ASSERT_GT(full.size(), 100u);
    for (uint32_t length = 1; length <= full.size() + 8; ++length) {
        fill(0xAA);
        const std::string bytes = readdir(kRootFd, length, 0);
        ASSERT_EQ(bytes.size(), std::min<size_t>(length, full.size())) << length;
        ASSERT_EQ(bytes, full.substr(0, bytes.size())) << length;
        ASSERT_TRUE(untouched(kRecord + uint32_t(bytes.size()), kRecord + length + 8, 0xAA))
            << length;
    }
}

TEST_F(WasiReaddir, EveryCookieResumesAtTheNextEntry) {
    const std::string full = full_listing();
    const std::vector<Dirent> entries = parse(full);
    size_t offset = 0;
    for (const Dirent& d : entries) {
        offset += 24 + d.namlen;
        EXPECT_EQ(readdir(kRootFd, 0x4000, d.next), full.substr(offset)) << "after " << d.name;
    }
    EXPECT_EQ(readdir(kRootFd, 0x4000, entries.back().next), "") << "after the last";
    EXPECT_EQ(readdir(kRootFd, 0x4000, 0), full) << "0 starts over";
}

TEST_F(WasiReaddir, OpenedSubdirectoryIsListedToo) {
    write_file(root + "/sub/inner", "");
    const uint32_t sub = open_dir("sub");
    std::vector<std::string> names;
    for (const Dirent& d : parse(readdir(sub, 0x4000, 0)))
        names.push_back(d.name);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{".", "..", "inner"}));
}

TEST_F(WasiReaddir, Errors) {
    const uint32_t file = open_ok("a.txt");
    EXPECT_EQ(wasi("fd_readdir", {i32(file), i32(kRecord), i32(100), i64(0), i32(kOut)}),
              Errno::Notdir);
    EXPECT_EQ(wasi("fd_readdir", {i32(99), i32(kRecord), i32(100), i64(0), i32(kOut)}),
              Errno::Badf);
    EXPECT_EQ(wasi("fd_readdir",
                   {i32(kRootFd), i32(kRecord), i32(100), i64(uint64_t(1) << 63), i32(kOut)}),
              Errno::Inval);
    fill(0xAA);
    EXPECT_EQ(wasi("fd_readdir", {i32(kRootFd), i32(kPage - 50), i32(100), i64(0), i32(kOut)}),
              Errno::Fault);
    EXPECT_EQ(wasi("fd_readdir", {i32(kRootFd), i32(kRecord), i32(100), i64(0), i32(kPage - 2)}),
              Errno::Fault);
    EXPECT_TRUE(untouched(0, kPage, 0xAA));
    const uint32_t no_right = open_dir("sub");
    ASSERT_EQ(set_rights(no_right, rights::kPathOpen, 0), Errno::Success);
    EXPECT_EQ(wasi("fd_readdir", {i32(no_right), i32(kRecord), i32(100), i64(0), i32(kOut)}),
              Errno::Notcapable);
}

// ---------------------------------------------------------------------------------------------
// Renumbering, closing, prestat

TEST_F(WasiFiles, RenumberMovesADescriptorOverAnother) {
    write_file(root + "/a.txt", "A");
    write_file(root + "/b.txt", "B");
    const uint32_t a = open_ok("a.txt"), b = open_ok("b.txt");
    ASSERT_EQ(wasi("fd_renumber", {i32(a), i32(b)}), Errno::Success);
    EXPECT_EQ(read(b), "A");
    EXPECT_EQ(wasi("fd_fdstat_get", {i32(a), i32(kRecord)}), Errno::Badf);
    EXPECT_EQ(wasi("fd_renumber", {i32(a), i32(b)}), Errno::Badf) << "from a closed one";
    EXPECT_EQ(wasi("fd_renumber", {i32(b), i32(a)}), Errno::Badf) << "to a closed one";
    EXPECT_EQ(wasi("fd_renumber", {i32(b), i32(b)}), Errno::Success);
    EXPECT_EQ(read(b), "") << "still open";
    EXPECT_EQ(open_ok("b.txt"), a) << "the freed number is taken again";
    EXPECT_EQ(context.fds.open_count(), 6u);
}

TEST_F(WasiFiles, RenumberOverAPreopenReplacesIt) {
    write_file(root + "/a.txt", "A");
    const uint32_t a = open_ok("a.txt");
    ASSERT_EQ(wasi("fd_renumber", {i32(a), i32(kRootFd)}), Errno::Success);
    EXPECT_EQ(wasi("fd_prestat_get", {i32(kRootFd), i32(kRecord)}), Errno::Badf);
    EXPECT_EQ(read(kRootFd), "A");
}

TEST_F(WasiFiles, ClosingAPreopenEndsItForThisProcessOnly) {
    const int host = context.fds.get(kRootFd)->host_fd();
    const auto shared = context.fds.get(kRootFd)->host;
    ASSERT_EQ(wasi("fd_close", {i32(kRootFd)}), Errno::Success);
    EXPECT_EQ(wasi("fd_prestat_get", {i32(kRootFd), i32(kRecord)}), Errno::Badf);
    EXPECT_EQ(open("x", oflags::kCreat), Errno::Badf);
    EXPECT_EQ(wasi("fd_close", {i32(kRootFd)}), Errno::Badf);
    EXPECT_GE(::fcntl(host, F_GETFD), 0) << "another holder keeps the host directory open";
    EXPECT_EQ(shared.use_count(), 1);
}

TEST_F(WasiFiles, PrestatNamesThePreopen) {
    fill(0xAA);
    ASSERT_EQ(wasi("fd_prestat_get", {i32(kRootFd), i32(kRecord)}), Errno::Success);
    EXPECT_EQ(*at(kRecord), 0) << "a directory";
    EXPECT_TRUE(untouched(kRecord + 1, kRecord + 4, 0));
    EXPECT_EQ(u32(kRecord + 4), 8u);
    EXPECT_TRUE(untouched(kRecord + 8, kRecord + 16, 0xAA));

    EXPECT_EQ(wasi("fd_prestat_dir_name", {i32(kRootFd), i32(kData), i32(7)}), Errno::Nametoolong);
    EXPECT_TRUE(untouched(kData, kData + 16, 0xAA));
    ASSERT_EQ(wasi("fd_prestat_dir_name", {i32(kRootFd), i32(kData), i32(8)}), Errno::Success);
    EXPECT_EQ(text(kData, 8), "/sandbox");
    EXPECT_TRUE(untouched(kData + 8, kData + 16, 0xAA)) << "no NUL";
    ASSERT_EQ(wasi("fd_prestat_dir_name", {i32(kRootFd), i32(kData + 100), i32(1000)}),
              Errno::Success);
    EXPECT_TRUE(untouched(kData + 108, kData + 1100, 0xAA));

    EXPECT_EQ(wasi("fd_prestat_get", {i32(kRootFd), i32(kPage - 7)}), Errno::Fault);
    EXPECT_EQ(wasi("fd_prestat_dir_name", {i32(kRootFd), i32(kPage - 7), i32(8)}), Errno::Fault);
    EXPECT_TRUE(untouched(kPage - 8, kPage, 0xAA));
}

TEST_F(WasiFiles, OnlyPreopensHavePrestat) {
    make_dir(root + "/sub");
    write_file(root + "/f.txt", "");
    for (uint32_t fd : {open_dir("sub"), open_ok("f.txt"), 0u, 1u, 99u}) {
        EXPECT_EQ(wasi("fd_prestat_get", {i32(fd), i32(kRecord)}), Errno::Badf) << fd;
        EXPECT_EQ(wasi("fd_prestat_dir_name", {i32(fd), i32(kData), i32(100)}), Errno::Badf) << fd;
    }
}

TEST_F(WasiFiles, SecondPreopenIsNextAndNamedAsGiven) {
    make_dir(base_dir / "other");
    ASSERT_EQ(preopen(base_dir / "other", "."), 4u);
    ASSERT_EQ(wasi("fd_prestat_get", {i32(4), i32(kRecord)}), Errno::Success);
    EXPECT_EQ(u32(kRecord + 4), 1u);
    ASSERT_EQ(wasi("fd_prestat_dir_name", {i32(4), i32(kData), i32(1)}), Errno::Success);
    EXPECT_EQ(text(kData, 1), ".");
    const Fdstat s = fdstat(4);
    EXPECT_EQ(s.type, kDirectoryType);
    EXPECT_EQ(s.base, rights::kDirectory);
    EXPECT_EQ(s.inheriting, rights::kAll);
}

// ---------------------------------------------------------------------------------------------
// fdstat flags and rights

TEST_F(WasiFiles, SetFlagsTogglesAppend) {
    write_file(root + "/f.txt", "abc");
    const uint32_t fd = open_ok("f.txt", 0, kReadWrite | rights::kFdFdstatSetFlags);
    ASSERT_EQ(wasi("fd_fdstat_set_flags", {i32(fd), i32(fdflags::kAppend)}), Errno::Success);
    EXPECT_EQ(fdstat(fd).flags, fdflags::kAppend);
    ASSERT_EQ(write(fd, "d"), Errno::Success);
    EXPECT_EQ(contents_of(root + "/f.txt"), "abcd");
    ASSERT_EQ(wasi("fd_fdstat_set_flags", {i32(fd), i32(0)}), Errno::Success);
    EXPECT_EQ(fdstat(fd).flags, 0);
    ASSERT_EQ(seek(fd, 0, kSet), Errno::Success);
    ASSERT_EQ(write(fd, "X"), Errno::Success);
    EXPECT_EQ(contents_of(root + "/f.txt"), "Xbcd");
    ASSERT_EQ(wasi("fd_fdstat_set_flags", {i32(fd), i32(fdflags::kNonblock)}), Errno::Success);
    EXPECT_EQ(fdstat(fd).flags, fdflags::kNonblock);
}

TEST_F(WasiFiles, SetFlagsCannotChangeSynchronousWrites) {
    write_file(root + "/f.txt", "");
    const uint32_t fd = open_ok("f.txt", 0, kReadWrite | rights::kFdFdstatSetFlags);
    for (uint16_t flag : {fdflags::kSync, fdflags::kDsync, fdflags::kRsync})
        EXPECT_EQ(wasi("fd_fdstat_set_flags", {i32(fd), i32(flag)}), Errno::Notsup) << flag;
    EXPECT_EQ(fdstat(fd).flags, 0);
    EXPECT_EQ(wasi("fd_fdstat_set_flags", {i32(fd), i32(1u << 5)}), Errno::Inval);
    const uint32_t synced =
        open_ok("f.txt", 0, kReadWrite | rights::kFdFdstatSetFlags, fdflags::kSync);
    EXPECT_EQ(wasi("fd_fdstat_set_flags", {i32(synced), i32(0)}), Errno::Notsup);
    EXPECT_EQ(wasi("fd_fdstat_set_flags", {i32(synced), i32(fdflags::kSync | fdflags::kAppend)}),
              Errno::Success)
        << "keeping SYNC as it is";
    const uint32_t no_right = open_ok("f.txt", 0, kReadWrite);
    EXPECT_EQ(wasi("fd_fdstat_set_flags", {i32(no_right), i32(fdflags::kAppend)}),
              Errno::Notcapable);
    EXPECT_EQ(wasi("fd_fdstat_set_flags", {i32(kRootFd), i32(fdflags::kAppend)}), Errno::Notsup)
        << "a directory is not appended to";
}

TEST_F(WasiFiles, SetRightsOnlyNarrows) {
    write_file(root + "/f.txt", "data");
    const uint32_t fd = open_ok("f.txt", 0, kReadWrite, 0);
    ASSERT_EQ(set_rights(fd, kReadWrite & ~rights::kFdWrite, 0), Errno::Success);
    EXPECT_EQ(fdstat(fd).base, kReadWrite & ~rights::kFdWrite);
    EXPECT_EQ(write(fd, "x"), Errno::Badf);
    EXPECT_EQ(set_rights(fd, kReadWrite, 0), Errno::Notcapable) << "no widening back";
    EXPECT_EQ(set_rights(fd, rights::kFdRead, rights::kFdRead), Errno::Notcapable)
        << "nor of the inheriting rights";
    EXPECT_EQ(fdstat(fd).base, kReadWrite & ~rights::kFdWrite);
    EXPECT_EQ(set_rights(fd, rights::kFdRead, 0), Errno::Success) << "the same or fewer";
    EXPECT_EQ(set_rights(99, 0, 0), Errno::Badf);
    EXPECT_EQ(contents_of(root + "/f.txt"), "data");
}

// ---------------------------------------------------------------------------------------------
// advise, allocate, sync

TEST_F(WasiFiles, AdviseTakesEveryAdvice) {
    write_file(root + "/f.txt", "data");
    const uint32_t fd = open_ok("f.txt", 0, rights::kFdRead | rights::kFdAdvise);
    for (uint32_t advice = 0; advice <= 5; ++advice)
        EXPECT_EQ(wasi("fd_advise", {i32(fd), i64(0), i64(4), i32(advice)}), Errno::Success)
            << advice;
    EXPECT_EQ(wasi("fd_advise", {i32(fd), i64(0), i64(4), i32(6)}), Errno::Inval);
    EXPECT_EQ(wasi("fd_advise", {i32(fd), i64(uint64_t(1) << 63), i64(4), i32(0)}), Errno::Inval);
    EXPECT_EQ(wasi("fd_advise", {i32(kRootFd), i64(0), i64(0), i32(0)}), Errno::Success)
        << "a directory takes advice and ignores it";
    const uint32_t no_right = open_ok("f.txt", 0, rights::kFdRead);
    EXPECT_EQ(wasi("fd_advise", {i32(no_right), i64(0), i64(4), i32(0)}), Errno::Notcapable);
}

TEST_F(WasiFiles, AllocateGrowsTheFileButNeverShrinks) {
    const uint32_t fd = open_ok("f.txt", oflags::kCreat, kReadWrite | rights::kFdAllocate);
    ASSERT_EQ(wasi("fd_allocate", {i32(fd), i64(0), i64(100)}), Errno::Success);
    EXPECT_EQ(host_stat(root + "/f.txt").st_size, 100);
    ASSERT_EQ(wasi("fd_allocate", {i32(fd), i64(10), i64(20)}), Errno::Success);
    EXPECT_EQ(host_stat(root + "/f.txt").st_size, 100);
    ASSERT_EQ(wasi("fd_allocate", {i32(fd), i64(90), i64(20)}), Errno::Success);
    EXPECT_EQ(host_stat(root + "/f.txt").st_size, 110);
    EXPECT_EQ(wasi("fd_allocate", {i32(fd), i64(0), i64(0)}), Errno::Inval) << "nothing";
    EXPECT_EQ(wasi("fd_allocate", {i32(fd), i64(INT64_MAX), i64(1)}), Errno::Inval);
    const uint32_t no_right = open_ok("f.txt", 0, kReadWrite);
    EXPECT_EQ(wasi("fd_allocate", {i32(no_right), i64(0), i64(200)}), Errno::Notcapable);
    EXPECT_EQ(wasi("fd_allocate", {i32(kRootFd), i64(0), i64(200)}), Errno::Notcapable);
    EXPECT_EQ(host_stat(root + "/f.txt").st_size, 110);
}

TEST_F(WasiFiles, SyncAndDatasyncNeedTheirRights) {
    const uint32_t fd =
        open_ok("f.txt", oflags::kCreat, kReadWrite | rights::kFdSync | rights::kFdDatasync);
    ASSERT_EQ(write(fd, "x"), Errno::Success);
    EXPECT_EQ(wasi("fd_sync", {i32(fd)}), Errno::Success);
    EXPECT_EQ(wasi("fd_datasync", {i32(fd)}), Errno::Success);
    EXPECT_EQ(wasi("fd_sync", {i32(kRootFd)}), Errno::Success) << "a directory syncs";
    EXPECT_EQ(wasi("fd_datasync", {i32(kRootFd)}), Errno::Notcapable);
    const uint32_t no_right = open_ok("f.txt", 0, kReadWrite);
    EXPECT_EQ(wasi("fd_sync", {i32(no_right)}), Errno::Notcapable);
    EXPECT_EQ(wasi("fd_datasync", {i32(no_right)}), Errno::Notcapable);
    EXPECT_EQ(wasi("fd_sync", {i32(99)}), Errno::Badf);
}

} // namespace
