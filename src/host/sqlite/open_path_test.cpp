// Tests of the database path check (open_path.h).
#include "host/sqlite/open_path.h"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace tycho::host::sqlite {
namespace {

namespace fs = std::filesystem;

class OpenPath : public ::testing::Test {
  protected:
    void SetUp() override {
        root = fs::temp_directory_path() /
               ("tycho-open-path-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root);
        fs::create_directories(root / "data" / "sub");
        fs::create_directories(root / "other");
        std::ofstream(root / "data" / "app.db") << "x";
        std::ofstream(root / "other" / "secret.db") << "x";
    }
    void TearDown() override { fs::remove_all(root); }

    bool allowed(std::string_view path, std::vector<std::string> preopens, const fs::path& cwd) {
        return !refuse_path(path, preopens, cwd).has_value();
    }

    fs::path root;
};

TEST_F(OpenPath, PathsInsideAPreopenedDirectoryAreAllowed) {
    const std::vector<std::string> data = {(root / "data").string()};
    EXPECT_TRUE(allowed((root / "data" / "app.db").string(), data, "/"));
    EXPECT_TRUE(allowed((root / "data" / "new.db").string(), data, "/"));
    EXPECT_TRUE(allowed((root / "data" / "sub" / "x.db").string(), data, "/"));
    EXPECT_TRUE(allowed((root / "data" / "missing" / "x.db").string(), data, "/"));
    // Relative paths and preopens are relative to the working directory.
    EXPECT_TRUE(allowed("app.db", {"."}, root / "data"));
    EXPECT_TRUE(allowed("data/app.db", {"data"}, root));
    EXPECT_TRUE(allowed("./data/./sub/../app.db", {"data/"}, root));
    // "/" allows everything.
    EXPECT_TRUE(allowed((root / "other" / "secret.db").string(), {"/"}, root));
}

TEST_F(OpenPath, PathsOutsideAreRefused) {
    const std::vector<std::string> data = {(root / "data").string()};
    EXPECT_FALSE(allowed((root / "other" / "secret.db").string(), data, "/"));
    EXPECT_FALSE(allowed((root / "data" / ".." / "other" / "secret.db").string(), data, "/"));
    EXPECT_FALSE(allowed("../other/secret.db", {"."}, root / "data"));
    EXPECT_FALSE(allowed((root / "database").string(), {(root / "data").string()}, "/"));
    EXPECT_FALSE(allowed((root / "data").string() + "x/y.db", data, "/"));
    // No preopens: nothing is allowed.
    const auto why = refuse_path("app.db", {}, root / "data");
    ASSERT_TRUE(why);
    EXPECT_EQ(*why, "'app.db' is not inside a preopened directory (the process has none)");
}

TEST_F(OpenPath, TheDirectoryItselfNeedsItsParentWhenItIsAFile) {
    // An existing file is checked through its directory: a preopen of the file itself is
    // not a directory it lies inside.
    EXPECT_FALSE(
        allowed((root / "data" / "app.db").string(), {(root / "data" / "app.db").string()}, "/"));
    // A path that does not exist is checked as it is.
    EXPECT_TRUE(allowed((root / "data" / "sub").string(), {(root / "data" / "sub").string()}, "/"));
}

TEST_F(OpenPath, MemoryDatabasesAreCheckedLikeRelativePaths) {
    EXPECT_TRUE(allowed(":memory:", {"."}, root / "data"));
    EXPECT_TRUE(allowed(":memory:", {(root / "data").string()}, root / "data"));
    EXPECT_FALSE(allowed(":memory:", {(root / "other").string()}, root / "data"));
    EXPECT_TRUE(allowed("", {"."}, root / "data")); // SQLite's temporary database
}

TEST_F(OpenPath, SymbolicLinksCannotLeadOutside) {
    fs::create_symlink(root / "other", root / "data" / "escape");
    fs::create_symlink(root / "other" / "secret.db", root / "data" / "linked.db");
    const std::vector<std::string> data = {(root / "data").string()};
    EXPECT_FALSE(allowed((root / "data" / "escape" / "secret.db").string(), data, "/"));
    EXPECT_FALSE(allowed((root / "data" / "escape" / "new.db").string(), data, "/"));
    EXPECT_FALSE(allowed((root / "data" / "linked.db").string(), data, "/"));
    // A preopened directory reached through a link is fine.
    fs::create_symlink(root / "data", root / "data-link");
    EXPECT_TRUE(
        allowed((root / "data-link" / "app.db").string(), {(root / "data-link").string()}, "/"));
    EXPECT_TRUE(allowed((root / "data" / "app.db").string(), {(root / "data-link").string()},
                        "/") == false); // lexically elsewhere
}

TEST_F(OpenPath, NulBytesAreRefused) {
    const std::string path = std::string("app.db\0/../../etc/passwd", 24);
    const auto why = refuse_path(path, {"/"}, root);
    ASSERT_TRUE(why);
    EXPECT_EQ(*why, "the path contains a NUL byte");
}

} // namespace
} // namespace tycho::host::sqlite
