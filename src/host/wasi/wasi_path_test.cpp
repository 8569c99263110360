// Tests of the WASI functions that act on names beneath a preopened directory: creating and
// removing directories, unlinking, renaming, symbolic and hard links, through wasi_all.wasm.
#include "host/wasi/wasi_test_preopened.h"

#include <gtest/gtest.h>

#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace wasi_testing;

namespace {

struct stat host_stat(const std::string& path) {
    struct stat st{};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st;
}

class WasiPaths : public WasiPreopened {
  protected:
    // A function of (fd, path, path_len).
    Errno on_path(const char* function, std::string_view path, uint32_t fd = kRootFd) {
        const auto p = path_args(path);
        return wasi(function, {i32(fd), p[0], p[1]});
    }
    Errno mkdir(std::string_view path, uint32_t fd = kRootFd) {
        return on_path("path_create_directory", path, fd);
    }
    Errno rmdir(std::string_view path, uint32_t fd = kRootFd) {
        return on_path("path_remove_directory", path, fd);
    }
    Errno unlink(std::string_view path, uint32_t fd = kRootFd) {
        return on_path("path_unlink_file", path, fd);
    }
    Errno rename(std::string_view from, std::string_view to, uint32_t from_fd = kRootFd,
                 uint32_t to_fd = kRootFd) {
        const auto a = path_args(from), b = path_args(to, kSecondPathAt);
        return wasi("path_rename", {i32(from_fd), a[0], a[1], i32(to_fd), b[0], b[1]});
    }
    Errno symlink(std::string_view target, std::string_view path, uint32_t fd = kRootFd) {
        const auto a = path_args(target), b = path_args(path, kSecondPathAt);
        return wasi("path_symlink", {a[0], a[1], i32(fd), b[0], b[1]});
    }
    Errno link(std::string_view from, std::string_view to, uint32_t lookup = 0,
               uint32_t from_fd = kRootFd, uint32_t to_fd = kRootFd) {
        const auto a = path_args(from), b = path_args(to, kSecondPathAt);
        return wasi("path_link", {i32(from_fd), i32(lookup), a[0], a[1], i32(to_fd), b[0], b[1]});
    }
    // Takes `right` from the preopened directory (and every inheriting right).
    void drop_root_right(uint64_t right) {
        ASSERT_EQ(set_rights(kRootFd, rights::kDirectory & ~right, 0), Errno::Success);
    }
    // path_readlink into kData with `length` bytes; the count is at kOut.
    Errno readlink(std::string_view path, uint32_t length) {
        const auto p = path_args(path);
        return wasi("path_readlink",
                    {i32(kRootFd), p[0], p[1], i32(kData), i32(length), i32(kOut)});
    }
};

// ---------------------------------------------------------------------------------------------
// Directories

TEST_F(WasiPaths, CreateDirectory) {
    ASSERT_EQ(mkdir("d"), Errno::Success);
    EXPECT_TRUE(S_ISDIR(host_stat(root + "/d").st_mode));
    ASSERT_EQ(mkdir("d/e/"), Errno::Success) << "a trailing slash is fine";
    EXPECT_TRUE(S_ISDIR(host_stat(root + "/d/e").st_mode));
    EXPECT_EQ(mkdir("d"), Errno::Exist);
    EXPECT_EQ(mkdir("missing/d"), Errno::Noent);
    write_file(root + "/f.txt", "");
    EXPECT_EQ(mkdir("f.txt/d"), Errno::Notdir);
    EXPECT_EQ(mkdir("f.txt"), Errno::Exist);
    const uint32_t d = open_dir("d");
    ASSERT_EQ(mkdir("inner", d), Errno::Success);
    EXPECT_TRUE(exists(root + "/d/inner"));
}

TEST_F(WasiPaths, CreateDirectoryStaysInside) {
    make_dir(root + "/d");
    make_symlink("../outside", root + "/out");
    for (const char* path : {"../made", "d/../../made", "/made", "out/made", "..", "d/../.."})
        EXPECT_EQ(mkdir(path), Errno::Notcapable) << path;
    EXPECT_FALSE(exists(base_dir / "made"));
    EXPECT_FALSE(exists(outside + "/made"));
    drop_root_right(rights::kPathCreateDirectory);
    EXPECT_EQ(mkdir("e"), Errno::Notcapable);
    EXPECT_FALSE(exists(root + "/e"));
}

TEST_F(WasiPaths, RemoveDirectory) {
    make_dir(root + "/empty");
    make_dir(root + "/full");
    write_file(root + "/full/f.txt", "");
    write_file(root + "/f.txt", "");
    make_symlink("empty", root + "/link");
    ASSERT_EQ(rmdir("empty"), Errno::Success);
    EXPECT_FALSE(exists(root + "/empty"));
    EXPECT_EQ(rmdir("empty"), Errno::Noent);
    EXPECT_EQ(rmdir("full"), Errno::Notempty);
    EXPECT_TRUE(exists(root + "/full/f.txt"));
    EXPECT_EQ(rmdir("f.txt"), Errno::Notdir);
    EXPECT_EQ(rmdir("link"), Errno::Notdir) << "a link is not followed";
    EXPECT_TRUE(exists(root + "/link"));
    make_dir(root + "/again");
    ASSERT_EQ(rmdir("again/"), Errno::Success);
    EXPECT_FALSE(exists(root + "/again"));
}

TEST_F(WasiPaths, RemoveDirectoryNeverRemovesTheRootOrWhatIsAbove) {
    make_dir(outside + "/victim");
    make_dir(root + "/full");
    write_file(root + "/full/f.txt", "");
    EXPECT_NE(rmdir("."), Errno::Success);
    EXPECT_NE(rmdir("full/.."), Errno::Success);
    EXPECT_EQ(rmdir(".."), Errno::Notcapable);
    EXPECT_EQ(rmdir("../outside/victim"), Errno::Notcapable);
    EXPECT_TRUE(exists(root));
    EXPECT_TRUE(exists(outside + "/victim"));
    make_dir(root + "/d");
    drop_root_right(rights::kPathRemoveDirectory);
    EXPECT_EQ(rmdir("d"), Errno::Notcapable);
    EXPECT_TRUE(exists(root + "/d"));
}

// ---------------------------------------------------------------------------------------------
// Unlinking

TEST_F(WasiPaths, UnlinkFile) {
    write_file(root + "/f.txt", "");
    make_dir(root + "/d");
    ASSERT_EQ(unlink("f.txt"), Errno::Success);
    EXPECT_FALSE(exists(root + "/f.txt"));
    EXPECT_EQ(unlink("f.txt"), Errno::Noent);
    EXPECT_EQ(unlink("d"), Errno::Isdir);
    EXPECT_EQ(unlink("d/"), Errno::Isdir);
    EXPECT_TRUE(exists(root + "/d"));
    write_file(root + "/g.txt", "");
    EXPECT_EQ(unlink("g.txt/"), Errno::Notdir);
    EXPECT_TRUE(exists(root + "/g.txt"));
}

TEST_F(WasiPaths, UnlinkRemovesTheLinkNotItsTarget) {
    write_file(root + "/f.txt", "");
    make_symlink("f.txt", root + "/link");
    make_symlink("../outside/secret.txt", root + "/out");
    ASSERT_EQ(unlink("link"), Errno::Success);
    EXPECT_FALSE(exists(root + "/link"));
    EXPECT_TRUE(exists(root + "/f.txt"));
    ASSERT_EQ(unlink("out"), Errno::Success) << "the link itself is inside";
    EXPECT_EQ(contents_of(outside + "/secret.txt"), "secret");
}

TEST_F(WasiPaths, UnlinkStaysInside) {
    make_dir(root + "/x");
    for (const char* path :
         {"../outside/secret.txt", "/etc/hostname", "x/../../outside/secret.txt"})
        EXPECT_EQ(unlink(path), Errno::Notcapable) << path;
    make_symlink("../outside", root + "/out");
    EXPECT_EQ(unlink("out/secret.txt"), Errno::Notcapable);
    EXPECT_EQ(contents_of(outside + "/secret.txt"), "secret");
    write_file(root + "/f.txt", "");
    drop_root_right(rights::kPathUnlinkFile);
    EXPECT_EQ(unlink("f.txt"), Errno::Notcapable);
    EXPECT_TRUE(exists(root + "/f.txt"));
}

// ---------------------------------------------------------------------------------------------
// Renaming

TEST_F(WasiPaths, RenameMovesFilesAndDirectories) {
    write_file(root + "/a.txt", "A");
    write_file(root + "/b.txt", "B");
    make_dir(root + "/d");
    ASSERT_EQ(rename("a.txt", "c.txt"), Errno::Success);
    EXPECT_FALSE(exists(root + "/a.txt"));
    EXPECT_EQ(contents_of(root + "/c.txt"), "A");
    ASSERT_EQ(rename("c.txt", "b.txt"), Errno::Success) << "over an existing file";
    EXPECT_EQ(contents_of(root + "/b.txt"), "A");
    ASSERT_EQ(rename("b.txt", "d/moved.txt"), Errno::Success);
    EXPECT_EQ(contents_of(root + "/d/moved.txt"), "A");
    ASSERT_EQ(rename("d", "e"), Errno::Success);
    EXPECT_EQ(contents_of(root + "/e/moved.txt"), "A");
    EXPECT_EQ(rename("e", "e/inside"), Errno::Inval) << "into itself";
    EXPECT_EQ(rename("missing", "x"), Errno::Noent);
}

TEST_F(WasiPaths, RenameBetweenDescriptorsOfOnePreopen) {
    make_dir(root + "/d");
    write_file(root + "/a.txt", "A");
    const uint32_t d = open_dir("d");
    ASSERT_EQ(rename("a.txt", "a.txt", kRootFd, d), Errno::Success);
    EXPECT_EQ(contents_of(root + "/d/a.txt"), "A");
    ASSERT_EQ(rename("a.txt", "back.txt", d, kRootFd), Errno::Success);
    EXPECT_EQ(contents_of(root + "/back.txt"), "A");
}

TEST_F(WasiPaths, RenameAcrossPreopensIsRefused) {
    const std::string other = base_dir / "other";
    make_dir(other);
    const uint32_t second = preopen(other, "/other");
    write_file(root + "/a.txt", "A");
    write_file(other + "/b.txt", "B");
    EXPECT_EQ(rename("a.txt", "a.txt", kRootFd, second), Errno::Notcapable);
    EXPECT_EQ(rename("b.txt", "b.txt", second, kRootFd), Errno::Notcapable);
    // Also through a directory opened beneath the other preopen.
    make_dir(other + "/sub");
    const uint32_t sub = open_dir("sub", second);
    EXPECT_EQ(rename("a.txt", "a.txt", kRootFd, sub), Errno::Notcapable);
    EXPECT_TRUE(exists(root + "/a.txt"));
    EXPECT_TRUE(exists(other + "/b.txt"));
    EXPECT_FALSE(exists(other + "/a.txt"));
    EXPECT_FALSE(exists(other + "/sub/a.txt"));
    EXPECT_FALSE(exists(root + "/b.txt"));
}

TEST_F(WasiPaths, RenameStaysInside) {
    write_file(root + "/a.txt", "A");
    make_dir(root + "/x");
    make_symlink("../outside", root + "/out");
    for (const char* to : {"../a.txt", "/tmp/a.txt", "out/a.txt", "x/../../a.txt"})
        EXPECT_EQ(rename("a.txt", to), Errno::Notcapable) << to;
    EXPECT_EQ(rename("../outside/secret.txt", "stolen.txt"), Errno::Notcapable);
    EXPECT_EQ(rename("out/secret.txt", "stolen.txt"), Errno::Notcapable);
    EXPECT_TRUE(exists(root + "/a.txt"));
    EXPECT_FALSE(exists(root + "/stolen.txt"));
    EXPECT_EQ(contents_of(outside + "/secret.txt"), "secret");
    // Renaming the link itself moves the link, not what it leads to.
    ASSERT_EQ(rename("out", "out2"), Errno::Success);
    EXPECT_TRUE(S_ISLNK(host_stat(root + "/out2").st_mode));
    EXPECT_TRUE(exists(outside + "/secret.txt"));
}

TEST_F(WasiPaths, RenameNeedsBothRights) {
    make_dir(root + "/d");
    write_file(root + "/a.txt", "A");
    const uint32_t d = open_dir("d");
    ASSERT_EQ(set_rights(d, rights::kDirectory & ~rights::kPathRenameTarget, 0), Errno::Success);
    EXPECT_EQ(rename("a.txt", "a.txt", kRootFd, d), Errno::Notcapable);
    ASSERT_EQ(set_rights(kRootFd, rights::kDirectory & ~rights::kPathRenameSource, rights::kAll),
              Errno::Success);
    EXPECT_EQ(rename("a.txt", "b.txt"), Errno::Notcapable);
    EXPECT_TRUE(exists(root + "/a.txt"));
}

// ---------------------------------------------------------------------------------------------
// Symbolic links

TEST_F(WasiPaths, SymlinkAndReadlink) {
    ASSERT_EQ(symlink("target.txt", "link"), Errno::Success);
    EXPECT_TRUE(S_ISLNK(host_stat(root + "/link").st_mode));
    fill(0xAA);
    ASSERT_EQ(readlink("link", 100), Errno::Success);
    EXPECT_EQ(u32(kOut), 10u);
    EXPECT_EQ(text(kData, 10), "target.txt");
    EXPECT_TRUE(untouched(kData + 10, kData + 100, 0xAA)) << "no NUL";
    EXPECT_EQ(symlink("other", "link"), Errno::Exist);
    make_dir(root + "/d");
    ASSERT_EQ(symlink("../target.txt", "d/up"), Errno::Success);
    ASSERT_EQ(readlink("d/up", 100), Errno::Success);
    EXPECT_EQ(text(kData, u32(kOut)), "../target.txt");
}

TEST_F(WasiPaths, ReadlinkTruncatesToTheBuffer) {
    make_symlink("a-long-target-name", root + "/link");
    fill(0xAA);
    ASSERT_EQ(readlink("link", 6), Errno::Success);
    EXPECT_EQ(u32(kOut), 6u);
    EXPECT_EQ(text(kData, 6), "a-long");
    EXPECT_TRUE(untouched(kData + 6, kData + 64, 0xAA));
    ASSERT_EQ(readlink("link", 0), Errno::Success);
    EXPECT_EQ(u32(kOut), 0u);
}

TEST_F(WasiPaths, ReadlinkOfWhatIsNotALink) {
    write_file(root + "/f.txt", "");
    make_dir(root + "/d");
    make_symlink("d", root + "/link");
    EXPECT_EQ(readlink("f.txt", 100), Errno::Inval);
    EXPECT_EQ(readlink("d", 100), Errno::Inval);
    EXPECT_EQ(readlink("link/", 100), Errno::Inval) << "what the link leads to";
    EXPECT_EQ(readlink("missing", 100), Errno::Noent);
    EXPECT_EQ(readlink("../outside", 100), Errno::Notcapable);
    fill(0xAA);
    const auto p = path_args("link");
    EXPECT_EQ(
        wasi("path_readlink", {i32(kRootFd), p[0], p[1], i32(kPage - 1), i32(100), i32(kOut)}),
        Errno::Fault);
    EXPECT_EQ(
        wasi("path_readlink", {i32(kRootFd), p[0], p[1], i32(kData), i32(100), i32(kPage - 3)}),
        Errno::Fault);
    EXPECT_TRUE(untouched(kData, kData + 100, 0xAA));
    EXPECT_TRUE(untouched(kPage - 4, kPage, 0xAA));
}

TEST_F(WasiPaths, SymlinkToAnAbsolutePathIsRefused) {
    EXPECT_EQ(symlink("/etc/passwd", "link"), Errno::Notcapable);
    EXPECT_EQ(symlink(root + "/f.txt", "link"), Errno::Notcapable) << "even to inside";
    EXPECT_FALSE(exists(root + "/link"));
    EXPECT_EQ(symlink(std::string_view("a\0b", 3), "link"), Errno::Inval);
    EXPECT_FALSE(exists(root + "/link"));
}

TEST_F(WasiPaths, SymlinkLeadingOutCanBeMadeButNotFollowed) {
    ASSERT_EQ(symlink("../outside/secret.txt", "out"), Errno::Success);
    EXPECT_EQ(open("out"), Errno::Notcapable);
    ASSERT_EQ(readlink("out", 100), Errno::Success);
    EXPECT_EQ(text(kData, u32(kOut)), "../outside/secret.txt");
}

TEST_F(WasiPaths, SymlinkIsMadeOnlyInside) {
    EXPECT_EQ(symlink("x", "../link"), Errno::Notcapable);
    EXPECT_EQ(symlink("x", "/link"), Errno::Notcapable);
    EXPECT_FALSE(exists(base_dir / "link"));
    drop_root_right(rights::kPathSymlink);
    EXPECT_EQ(symlink("x", "link"), Errno::Notcapable);
    EXPECT_FALSE(exists(root + "/link"));
}

// ---------------------------------------------------------------------------------------------
// Hard links

TEST_F(WasiPaths, LinkGivesAFileASecondName) {
    write_file(root + "/f.txt", "F");
    make_dir(root + "/d");
    ASSERT_EQ(link("f.txt", "d/g.txt"), Errno::Success);
    EXPECT_EQ(host_stat(root + "/d/g.txt").st_ino, host_stat(root + "/f.txt").st_ino);
    EXPECT_EQ(host_stat(root + "/f.txt").st_nlink, 2u);
    EXPECT_EQ(link("f.txt", "d/g.txt"), Errno::Exist);
    EXPECT_EQ(link("missing", "x"), Errno::Noent);
    EXPECT_EQ(link("d", "d2"), Errno::Perm) << "directories have one name";
}

TEST_F(WasiPaths, LinkOfASymlinkFollowsOnlyWhenAsked) {
    write_file(root + "/f.txt", "F");
    make_symlink("f.txt", root + "/sym");
    ASSERT_EQ(link("sym", "same-link"), Errno::Success);
    EXPECT_TRUE(S_ISLNK(host_stat(root + "/same-link").st_mode)) << "the link itself";
    EXPECT_EQ(host_stat(root + "/same-link").st_ino, host_stat(root + "/sym").st_ino);
    ASSERT_EQ(link("sym", "same-file", kSymlinkFollow), Errno::Success);
    EXPECT_TRUE(S_ISREG(host_stat(root + "/same-file").st_mode)) << "what it leads to";
    EXPECT_EQ(host_stat(root + "/same-file").st_ino, host_stat(root + "/f.txt").st_ino);
}

TEST_F(WasiPaths, LinkNeverReachesOutside) {
    make_symlink("../outside/secret.txt", root + "/out");
    EXPECT_EQ(link("out", "stolen", kSymlinkFollow), Errno::Notcapable);
    EXPECT_FALSE(exists(root + "/stolen"));
    EXPECT_EQ(link("../outside/secret.txt", "stolen"), Errno::Notcapable);
    EXPECT_FALSE(exists(root + "/stolen"));
    write_file(root + "/f.txt", "");
    EXPECT_EQ(link("f.txt", "../planted"), Errno::Notcapable);
    EXPECT_FALSE(exists(base_dir / "planted"));
    EXPECT_EQ(host_stat(outside + "/secret.txt").st_nlink, 1u);
}

TEST_F(WasiPaths, LinkAcrossPreopensIsRefused) {
    const std::string other = base_dir / "other";
    make_dir(other);
    const uint32_t second = preopen(other, "/other");
    write_file(root + "/f.txt", "F");
    EXPECT_EQ(link("f.txt", "f.txt", 0, kRootFd, second), Errno::Notcapable);
    EXPECT_EQ(link("f.txt", "f.txt", kSymlinkFollow, kRootFd, second), Errno::Notcapable);
    EXPECT_FALSE(exists(other + "/f.txt"));
    EXPECT_EQ(host_stat(root + "/f.txt").st_nlink, 1u);
}

TEST_F(WasiPaths, LinkNeedsBothRights) {
    write_file(root + "/f.txt", "F");
    make_dir(root + "/d");
    const uint32_t d = open_dir("d");
    ASSERT_EQ(set_rights(d, rights::kDirectory & ~rights::kPathLinkTarget, 0), Errno::Success);
    EXPECT_EQ(link("f.txt", "g.txt", 0, kRootFd, d), Errno::Notcapable);
    ASSERT_EQ(set_rights(kRootFd, rights::kDirectory & ~rights::kPathLinkSource, rights::kAll),
              Errno::Success);
    EXPECT_EQ(link("f.txt", "g.txt"), Errno::Notcapable);
    EXPECT_EQ(host_stat(root + "/f.txt").st_nlink, 1u);
}

// ---------------------------------------------------------------------------------------------
// Bad pointers

TEST_F(WasiPaths, PathsOutsideMemoryAreEfaultAndChangeNothing) {
    write_file(root + "/f.txt", "F");
    fill(0xAA);
    put_text(kPathAt, "f.txt");
    const uint32_t bad = kPage - 2;
    EXPECT_EQ(wasi("path_create_directory", {i32(kRootFd), i32(bad), i32(5)}), Errno::Fault);
    EXPECT_EQ(wasi("path_remove_directory", {i32(kRootFd), i32(bad), i32(5)}), Errno::Fault);
    EXPECT_EQ(wasi("path_unlink_file", {i32(kRootFd), i32(bad), i32(5)}), Errno::Fault);
    EXPECT_EQ(
        wasi("path_rename", {i32(kRootFd), i32(kPathAt), i32(5), i32(kRootFd), i32(bad), i32(5)}),
        Errno::Fault);
    EXPECT_EQ(
        wasi("path_rename", {i32(kRootFd), i32(bad), i32(5), i32(kRootFd), i32(kPathAt), i32(5)}),
        Errno::Fault);
    EXPECT_EQ(wasi("path_symlink", {i32(bad), i32(5), i32(kRootFd), i32(kPathAt), i32(5)}),
              Errno::Fault);
    EXPECT_EQ(wasi("path_link", {i32(kRootFd), i32(0), i32(kPathAt), i32(5), i32(kRootFd),
                                 i32(0xFFFFFFFF), i32(5)}),
              Errno::Fault);
    EXPECT_EQ(wasi("path_filestat_set_times",
                   {i32(kRootFd), i32(0), i32(bad), i32(5), i64(0), i64(0), i32(2)}),
              Errno::Fault);
    EXPECT_EQ(contents_of(root + "/f.txt"), "F");
    EXPECT_EQ(host_stat(root + "/f.txt").st_nlink, 1u);
    EXPECT_TRUE(untouched(0, kPathAt, 0xAA));
    EXPECT_TRUE(untouched(kPathAt + 5, kPage, 0xAA));
}

} // namespace
