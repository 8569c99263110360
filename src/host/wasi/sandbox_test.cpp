// Tests of open_beneath and parent_beneath, each run twice: through openat2(RESOLVE_BENEATH)
// and through the component walk that stands in for it on kernels without openat2.
#include "host/wasi/sandbox.h"
#include "host/wasi/wasi_test_files.h"
#include "host/wasi/wasi_test_fixture.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fcntl.h>
#include <functional>
#include <linux/openat2.h>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace wasi_testing;
using tycho::host::UniqueFd;
using tycho::host::wasi::Follow;
using tycho::host::wasi::force_component_walk;
using tycho::host::wasi::open_beneath;
using tycho::host::wasi::Opened;
using tycho::host::wasi::Parent;
using tycho::host::wasi::parent_beneath;

namespace {

enum class Resolver { openat2, walk };

const char* name_of(Resolver r) {
    return r == Resolver::openat2 ? "Openat2" : "ComponentWalk";
}

std::string resolver_name(const ::testing::TestParamInfo<Resolver>& info) {
    return name_of(info.param);
}

void PrintTo(Resolver r, std::ostream* out) {
    *out << name_of(r);
}

bool kernel_has_openat2() {
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    const long fd = ::syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
    if (fd < 0) return false;
    ::close(int(fd));
    return true;
}

struct stat stat_of(int fd) {
    struct stat st{};
    EXPECT_EQ(::fstat(fd, &st), 0);
    return st;
}

struct stat lstat_of(const std::string& path) {
    struct stat st{};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st;
}

bool same_file(int fd, const std::string& path) {
    const struct stat a = stat_of(fd), b = lstat_of(path);
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// A tree with a root directory to resolve beneath and, next to it, an outside one whose
// files must never be reached:
//
//   outside/secret.txt, outside/dir/c.txt
//   root/file.txt, root/a/b/c.txt, root/empty/, and links (see SetUp)
class Sandbox : public ::testing::TestWithParam<Resolver> {
  protected:
    void SetUp() override {
        if (GetParam() == Resolver::openat2 && !kernel_has_openat2())
            GTEST_SKIP() << "the kernel has no openat2";
        force_component_walk(GetParam() == Resolver::walk);
        make_dir(outside);
        make_dir(outside + "/dir");
        write_file(outside + "/secret.txt", "secret");
        write_file(outside + "/dir/c.txt", "secret");
        make_dir(root);
        make_dir(root + "/a");
        make_dir(root + "/a/b");
        make_dir(root + "/empty");
        write_file(root + "/file.txt", "inside");
        write_file(root + "/a/b/c.txt", "deep");
        // Links that stay inside.
        make_symlink("file.txt", root + "/rel_file");
        make_symlink("a/b/c.txt", root + "/rel_nested");
        make_symlink("chain2", root + "/chain1");
        make_symlink("chain3", root + "/chain2");
        make_symlink("./a/../file.txt", root + "/chain3");
        make_symlink("a/b", root + "/to_dir");
        make_symlink("a/b/", root + "/to_dir_slash");
        make_symlink("../file.txt", root + "/a/up");
        make_symlink("created.txt", root + "/dangling");
        make_symlink("a/b/created.txt", root + "/dangling_nested");
        // Links that lead out.
        make_symlink(outside + "/secret.txt", root + "/abs_out");
        make_symlink("../outside/secret.txt", root + "/up_out");
        make_symlink("a/../../outside/secret.txt", root + "/deep_up_out");
        make_symlink("../../../outside/secret.txt", root + "/a/b/up2");
        make_symlink("../outside/dir", root + "/dir_out");
        make_symlink("../outside/created.txt", root + "/dangling_out");
        make_symlink("/", root + "/slash");
        // Links that never end.
        make_symlink("loop2", root + "/loop1");
        make_symlink("loop1", root + "/loop2");
        make_symlink("self", root + "/self");
        dir.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        ASSERT_TRUE(dir.valid());
    }
    void TearDown() override { force_component_walk(false); }

    Opened open(std::string_view path, int flags = O_RDONLY, Follow follow = Follow::yes) {
        return open_beneath(dir.get(), path, flags, 0644, follow);
    }
    // The opened file's contents, or its error.
    std::string read(std::string_view path, Follow follow = Follow::yes) {
        Opened o = open(path, O_RDONLY, follow);
        if (o.error != Errno::Success) return "errno " + std::to_string(int(o.error));
        EXPECT_TRUE(o.fd.valid());
        return contents_of(o.fd.get());
    }
    Errno error(std::string_view path, int flags = O_RDONLY, Follow follow = Follow::yes) {
        Opened o = open(path, flags, follow);
        EXPECT_EQ(o.fd.valid(), o.error == Errno::Success) << path;
        return o.error;
    }
    static std::string err(Errno e) { return "errno " + std::to_string(int(e)); }

    TempDir base;
    std::string root = base / "root";
    std::string outside = base / "outside";
    UniqueFd dir;
};

INSTANTIATE_TEST_SUITE_P(BothResolvers, Sandbox,
                         ::testing::Values(Resolver::openat2, Resolver::walk), resolver_name);

TEST_P(Sandbox, PlainAndNestedNames) {
    EXPECT_EQ(read("file.txt"), "inside");
    EXPECT_EQ(read("a/b/c.txt"), "deep");
    EXPECT_EQ(read("a//b///c.txt"), "deep");
    EXPECT_EQ(read("missing"), err(Errno::Noent));
    EXPECT_EQ(read("a/missing/c.txt"), err(Errno::Noent));
    EXPECT_EQ(read("file.txt/x"), err(Errno::Notdir));
}

TEST_P(Sandbox, OpenedFlagsAreApplied) {
    Opened o = open("a/new.txt", O_WRONLY | O_CREAT | O_EXCL);
    ASSERT_EQ(o.error, Errno::Success);
    EXPECT_EQ(::write(o.fd.get(), "made", 4), 4);
    EXPECT_EQ(contents_of(root + "/a/new.txt"), "made");
    const mode_t umask = ::umask(0);
    ::umask(umask);
    EXPECT_EQ(stat_of(o.fd.get()).st_mode & 0777, 0644u & ~umask) << "the mode is given";
    EXPECT_EQ(error("a/new.txt", O_WRONLY | O_CREAT | O_EXCL), Errno::Exist);
    EXPECT_NE(::fcntl(o.fd.get(), F_GETFD) & FD_CLOEXEC, 0) << "O_CLOEXEC is added";
    Opened t = open("a/new.txt", O_WRONLY | O_TRUNC);
    ASSERT_EQ(t.error, Errno::Success);
    EXPECT_EQ(contents_of(root + "/a/new.txt"), "");
}

TEST_P(Sandbox, DotAndDotDotInside) {
    for (const char* path : {".", "./", "a/..", "a/b/../..", "./a/./b/../../."}) {
        Opened o = open(path, O_RDONLY | O_DIRECTORY);
        ASSERT_EQ(o.error, Errno::Success) << path;
        EXPECT_TRUE(same_file(o.fd.get(), root)) << path;
    }
    EXPECT_EQ(read("./file.txt"), "inside");
    EXPECT_EQ(read("a/../file.txt"), "inside");
    EXPECT_EQ(read("a/./b/../b/c.txt"), "deep");
    EXPECT_EQ(read("a/b/../../a/b/c.txt"), "deep");
    EXPECT_EQ(read("missing/../file.txt"), err(Errno::Noent)) << "the kernel walks every name";
    EXPECT_EQ(read("file.txt/../file.txt"), err(Errno::Notdir));
}

TEST_P(Sandbox, TrailingSlashNeedsADirectory) {
    for (const char* path : {"a/", "a//", "a/.", "a/./", "to_dir/", "to_dir_slash"}) {
        Opened o = open(path, O_RDONLY);
        ASSERT_EQ(o.error, Errno::Success) << path;
        EXPECT_TRUE(S_ISDIR(stat_of(o.fd.get()).st_mode)) << path;
    }
    EXPECT_EQ(error("file.txt/"), Errno::Notdir);
    EXPECT_EQ(error("file.txt/."), Errno::Notdir);
    EXPECT_EQ(error("rel_file/"), Errno::Notdir);
    EXPECT_EQ(error("missing/"), Errno::Noent);
    // A trailing slash follows a link to a directory even when the last name is not followed.
    Opened o = open("to_dir/", O_RDONLY, Follow::no);
    ASSERT_EQ(o.error, Errno::Success);
    EXPECT_TRUE(same_file(o.fd.get(), root + "/a/b"));
}

TEST_P(Sandbox, EmptyPathIsEnoentAndNulIsEinval) {
    EXPECT_EQ(error(""), Errno::Noent);
    EXPECT_EQ(error(std::string_view("file.txt\0x", 10)), Errno::Inval);
    EXPECT_EQ(error(std::string_view("\0", 1)), Errno::Inval);
    EXPECT_EQ(error(std::string_view("a/\0/b", 5)), Errno::Inval);
}

TEST_P(Sandbox, AbsolutePathsAreRefused) {
    EXPECT_EQ(error("/"), Errno::Notcapable);
    EXPECT_EQ(error("/etc/passwd"), Errno::Notcapable);
    EXPECT_EQ(error(root + "/file.txt"), Errno::Notcapable) << "even the root's own path";
    EXPECT_EQ(error("//file.txt"), Errno::Notcapable);
}

TEST_P(Sandbox, DotDotAboveTheRootIsRefused) {
    for (const char* path :
         {"..", "../", "./..", "../root/file.txt", "../outside/secret.txt", "a/../../x", "a/../..",
          "a/b/../../..", "a/b/../../../outside", "empty/../../root/file.txt"})
        EXPECT_EQ(error(path), Errno::Notcapable) << path;
    for (const char* path : {"..", "a/../../x"}) {
        EXPECT_EQ(error(path, O_PATH), Errno::Notcapable) << path;
        EXPECT_EQ(error(path, O_WRONLY | O_CREAT), Errno::Notcapable) << path;
    }
    EXPECT_FALSE(exists(base / "x"));
}

TEST_P(Sandbox, LinksInsideAreFollowed) {
    EXPECT_EQ(read("rel_file"), "inside");
    EXPECT_EQ(read("rel_nested"), "deep");
    EXPECT_EQ(read("chain1"), "inside") << "a chain of three";
    EXPECT_EQ(read("a/up"), "inside") << "a link whose target climbs, but not out";
    EXPECT_EQ(read("to_dir/c.txt"), "deep") << "a link to a directory on the way";
    EXPECT_EQ(read("to_dir/../b/c.txt"), "deep") << ".. after a link is the target's parent";
    Opened d = open("to_dir", O_RDONLY | O_DIRECTORY);
    ASSERT_EQ(d.error, Errno::Success);
    EXPECT_TRUE(same_file(d.fd.get(), root + "/a/b"));
}

TEST_P(Sandbox, LastLinkIsFollowedOnlyWhenAsked) {
    for (const char* path : {"rel_file", "chain1", "to_dir", "abs_out", "loop1"})
        EXPECT_EQ(error(path, O_RDONLY, Follow::no), Errno::Loop) << path;
    // Links on the way are followed all the same.
    EXPECT_EQ(read("to_dir/c.txt", Follow::no), "deep");
    // With O_PATH the link itself is opened.
    for (const char* path : {"rel_file", "abs_out", "up_out", "loop1"}) {
        Opened o = open(path, O_PATH, Follow::no);
        ASSERT_EQ(o.error, Errno::Success) << path;
        EXPECT_TRUE(S_ISLNK(stat_of(o.fd.get()).st_mode)) << path;
        EXPECT_TRUE(same_file(o.fd.get(), root + "/" + path)) << path;
    }
}

TEST_P(Sandbox, LinksLeadingOutAreRefused) {
    for (const char* path : {"abs_out", "up_out", "deep_up_out", "a/b/up2", "dir_out",
                             "dir_out/c.txt", "slash", "slash/etc/passwd", "to_dir/up2"})
        EXPECT_EQ(read(path), err(Errno::Notcapable)) << path;
    // On the way, whatever the last name's following.
    EXPECT_EQ(read("dir_out/c.txt", Follow::no), err(Errno::Notcapable));
    EXPECT_EQ(error("dir_out/c.txt", O_PATH, Follow::no), Errno::Notcapable);
    EXPECT_EQ(error("abs_out", O_PATH), Errno::Notcapable);
}

TEST_P(Sandbox, LinkLoopsAreEloop) {
    for (const char* path : {"loop1", "loop2", "self", "loop1/x", "self/"})
        EXPECT_EQ(error(path), Errno::Loop) << path;
}

TEST_P(Sandbox, CreateThroughADanglingLinkInside) {
    Opened o = open("dangling", O_WRONLY | O_CREAT);
    ASSERT_EQ(o.error, Errno::Success);
    EXPECT_EQ(::write(o.fd.get(), "via link", 8), 8);
    EXPECT_EQ(contents_of(root + "/created.txt"), "via link");
    EXPECT_TRUE(S_ISLNK(lstat_of(root + "/dangling").st_mode)) << "the link stays a link";

    Opened nested = open("dangling_nested", O_WRONLY | O_CREAT);
    ASSERT_EQ(nested.error, Errno::Success);
    EXPECT_TRUE(exists(root + "/a/b/created.txt"));
}

TEST_P(Sandbox, CreateThroughALinkIsRefusedWithoutFollowingOrLeadingOut) {
    EXPECT_EQ(error("dangling", O_WRONLY | O_CREAT, Follow::no), Errno::Loop);
    EXPECT_FALSE(exists(root + "/created.txt"));
    EXPECT_EQ(error("dangling_out", O_WRONLY | O_CREAT), Errno::Notcapable);
    EXPECT_FALSE(exists(outside + "/created.txt"));
}

// O_CREAT|O_EXCL fails with EEXIST when the name is a symbolic link, wherever it points
// (POSIX: "if path names a symbolic link, open() shall fail with EEXIST"), in both modes:
// the component walk must not follow the last link first.
TEST_P(Sandbox, ExclusiveCreateOfALinkIsEexist) {
    EXPECT_EQ(error("dangling", O_WRONLY | O_CREAT | O_EXCL), Errno::Exist);
    EXPECT_FALSE(exists(root + "/created.txt"));
}

// O_CREAT on a name that is a directory is EISDIR, as Linux answers, for ".", "a/.." and
// "a/" alike, and a name with a trailing slash that does not exist is EISDIR too.
TEST_P(Sandbox, CreateOfADirectoryNameIsEisdir) {
    for (const char* path : {".", "a/..", "a/", "new/"})
        EXPECT_EQ(error(path, O_RDONLY | O_CREAT), Errno::Isdir) << path;
    EXPECT_FALSE(exists(root + "/new"));
}

// ---------------------------------------------------------------------------------------------
// parent_beneath

TEST_P(Sandbox, ParentOfASingleNameIsTheDirectoryItself) {
    Parent p = parent_beneath(dir.get(), "x");
    ASSERT_EQ(p.error, Errno::Success);
    EXPECT_EQ(p.fd, dir.get());
    EXPECT_FALSE(p.owned.valid());
    EXPECT_EQ(p.name, "x");

    Parent slash = parent_beneath(dir.get(), "x/");
    ASSERT_EQ(slash.error, Errno::Success);
    EXPECT_EQ(slash.fd, dir.get());
    EXPECT_EQ(slash.name, "x/") << "the trailing slash stays on the name";
}

TEST_P(Sandbox, ParentOfANestedName) {
    Parent p = parent_beneath(dir.get(), "a/b/x");
    ASSERT_EQ(p.error, Errno::Success);
    ASSERT_TRUE(p.owned.valid());
    EXPECT_EQ(p.fd, p.owned.get());
    EXPECT_TRUE(same_file(p.fd, root + "/a/b"));
    EXPECT_EQ(p.name, "x");

    Parent trailing = parent_beneath(dir.get(), "a/b/");
    ASSERT_EQ(trailing.error, Errno::Success);
    EXPECT_TRUE(same_file(trailing.fd, root + "/a"));
    EXPECT_EQ(trailing.name, "b/");

    Parent through_link = parent_beneath(dir.get(), "to_dir/x");
    ASSERT_EQ(through_link.error, Errno::Success);
    EXPECT_TRUE(same_file(through_link.fd, root + "/a/b")) << "links on the way are followed";
    EXPECT_EQ(through_link.name, "x");

    Parent last_link = parent_beneath(dir.get(), "a/up");
    ASSERT_EQ(last_link.error, Errno::Success);
    EXPECT_TRUE(same_file(last_link.fd, root + "/a"));
    EXPECT_EQ(last_link.name, "up") << "the last name is never followed";
}

TEST_P(Sandbox, ParentOfDotDotIsTheDirectoryItNames) {
    EXPECT_EQ(parent_beneath(dir.get(), "..").error, Errno::Notcapable);
    EXPECT_EQ(parent_beneath(dir.get(), "a/../..").error, Errno::Notcapable);
    EXPECT_EQ(parent_beneath(dir.get(), "a/../../x").error, Errno::Notcapable);

    Parent up = parent_beneath(dir.get(), "a/..");
    ASSERT_EQ(up.error, Errno::Success);
    EXPECT_TRUE(same_file(up.fd, root));
    EXPECT_EQ(up.name, ".") << "never a name that leaves the directory";

    Parent dot = parent_beneath(dir.get(), "a/b/.");
    ASSERT_EQ(dot.error, Errno::Success);
    EXPECT_TRUE(same_file(dot.fd, root + "/a/b"));
    EXPECT_EQ(dot.name, ".");
}

TEST_P(Sandbox, ParentErrors) {
    EXPECT_EQ(parent_beneath(dir.get(), "").error, Errno::Noent);
    EXPECT_EQ(parent_beneath(dir.get(), std::string_view("a/\0", 3)).error, Errno::Inval);
    EXPECT_EQ(parent_beneath(dir.get(), "/x").error, Errno::Notcapable);
    EXPECT_EQ(parent_beneath(dir.get(), "missing/x").error, Errno::Noent);
    EXPECT_EQ(parent_beneath(dir.get(), "file.txt/x").error, Errno::Notdir);
    EXPECT_EQ(parent_beneath(dir.get(), "dir_out/x").error, Errno::Notcapable);
    EXPECT_EQ(parent_beneath(dir.get(), "abs_out/x").error, Errno::Notcapable);
    EXPECT_EQ(parent_beneath(dir.get(), "loop1/x").error, Errno::Loop);
}

// ---------------------------------------------------------------------------------------------
// Races

// Swaps the link `name` (in `directory`) between `targets`, each swap one rename(2) of a
// freshly made link over it, until stopped.
class LinkSwapper {
  public:
    LinkSwapper(std::string directory, std::string name, std::vector<std::string> targets)
        : thread_([this, directory = std::move(directory), name = std::move(name),
                   targets = std::move(targets)] {
              const std::string link = directory + "/" + name;
              const std::string spare = directory + "/" + name + ".next";
              for (size_t i = 0; !stop_.load(); ++i) {
                  ::unlink(spare.c_str());
                  if (::symlink(targets[i % targets.size()].c_str(), spare.c_str()) != 0 ||
                      ::rename(spare.c_str(), link.c_str()) != 0) {
                      failed_ = true;
                      return;
                  }
                  swaps_.fetch_add(1);
              }
          }) {
        while (swaps_.load() < 2 && !failed_.load())
            std::this_thread::yield();
    }
    ~LinkSwapper() {
        stop_ = true;
        thread_.join();
    }
    LinkSwapper(const LinkSwapper&) = delete;
    LinkSwapper& operator=(const LinkSwapper&) = delete;
    bool failed() const { return failed_.load(); }

  private:
    std::atomic<bool> stop_{false};
    std::atomic<bool> failed_{false};
    std::atomic<uint64_t> swaps_{0};
    std::thread thread_;
};

constexpr int kRaceOpens = 10'000;
// Opens made at most while waiting for both outcomes: the swapper may be held up a while
// on a busy machine.
constexpr int kMaxRaceOpens = 1'000'000;

// Opens at least kRaceOpens times while the swapper runs, and on until both outcomes (the
// inside file and a refusal) have happened, so that the race surely ran; none may be
// `forbidden`.
void expect_never_outside(const std::function<Opened()>& open_once, const struct stat& forbidden,
                          const LinkSwapper& swapper) {
    int inside = 0, refused = 0;
    for (int i = 0; i < kMaxRaceOpens && (i < kRaceOpens || inside == 0 || refused == 0); ++i) {
        Opened o = open_once();
        if (o.error == Errno::Success) {
            const struct stat st = stat_of(o.fd.get());
            ASSERT_FALSE(st.st_dev == forbidden.st_dev && st.st_ino == forbidden.st_ino)
                << "opened the outside file on attempt " << i;
            ++inside;
        } else {
            ASSERT_EQ(o.error, Errno::Notcapable) << "attempt " << i;
            ++refused;
        }
    }
    ASSERT_FALSE(swapper.failed());
    EXPECT_GT(inside, 0);
    EXPECT_GT(refused, 0);
}

// Opened for reading and for its path alone (O_PATH, which the walk checks apart).
TEST_P(Sandbox, LastLinkSwappedOutwardsNeverOpensTheOutsideFile) {
    make_symlink("file.txt", root + "/swap");
    const struct stat secret = lstat_of(outside + "/secret.txt");
    for (int flags : {O_RDONLY, O_PATH}) {
        SCOPED_TRACE(flags == O_PATH ? "O_PATH" : "O_RDONLY");
        LinkSwapper swapper(root, "swap",
                            {"file.txt", "../outside/secret.txt", outside + "/secret.txt"});
        expect_never_outside([&] { return open("swap", flags); }, secret, swapper);
    }
}

TEST_P(Sandbox, DirectoryLinkSwappedOutwardsNeverOpensTheOutsideFile) {
    make_symlink("a/b", root + "/swapdir");
    const struct stat secret = lstat_of(outside + "/dir/c.txt");
    LinkSwapper swapper(root, "swapdir", {"a/b", "../outside/dir", outside + "/dir"});
    expect_never_outside([&] { return open("swapdir/c.txt", O_RDONLY, Follow::no); }, secret,
                         swapper);
}

// A directory held open inside the root that is then moved out of it: `..` from it is still
// above the directory it was given, so nothing of its new surroundings can be reached.
TEST_P(Sandbox, DirectoryMovedOutOfTheRootDoesNotLeadOut) {
    Opened held = open("a", O_PATH | O_DIRECTORY);
    ASSERT_EQ(held.error, Errno::Success);
    ASSERT_EQ(::rename((root + "/a").c_str(), (outside + "/moved").c_str()), 0);
    const int a = held.fd.get();
    for (const char* path : {"..", "../secret.txt", "b/../../secret.txt", "../dir/c.txt", "b/up2",
                             "../../root/file.txt"}) {
        Opened o = open_beneath(a, path, O_RDONLY, 0, Follow::yes);
        EXPECT_EQ(o.error, Errno::Notcapable) << path;
    }
    Parent p = parent_beneath(a, "../secret.txt");
    EXPECT_EQ(p.error, Errno::Notcapable);
    // Beneath it, everything is where it was.
    Opened c = open_beneath(a, "b/c.txt", O_RDONLY, 0, Follow::yes);
    ASSERT_EQ(c.error, Errno::Success);
    EXPECT_EQ(contents_of(c.fd.get()), "deep");
    EXPECT_EQ(read("a/b/c.txt"), err(Errno::Noent)) << "it is gone from the root";
}

} // namespace
