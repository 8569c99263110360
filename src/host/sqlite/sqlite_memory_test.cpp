// Tests of SQLite's per-process memory accounting (sqlite_memory.h), with SQLite itself:
// what a connection allocates is counted and charged, freed blocks are credited wherever
// they are freed, a process's limit fails allocations (SQLITE_NOMEM) instead of being
// exceeded, and allocations stop above the stack floor.
#include "host/sqlite/sqlite_memory.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>

namespace tycho::host::sqlite {
namespace {

class SqliteMemory : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string error;
        ASSERT_TRUE(set_up_sqlite(error)) << error;
    }
    void TearDown() override { set_allocation_scope({}); }

    // A process's memory account with `max_memory`, its share drawn as Host::spawn does.
    std::unique_ptr<ProcessMemory> process_memory(uint64_t max_memory) {
        EXPECT_TRUE(budget.try_charge(ProcessMemory::kProcessShare));
        return std::make_unique<ProcessMemory>(max_memory, budget);
    }

    runtime::MemoryBudget budget{uint64_t(1) << 32};
};

TEST_F(SqliteMemory, AConnectionsMemoryIsCountedChargedAndGivenBack) {
    auto memory = process_memory(uint64_t(64) << 20);
    const uint64_t before = budget.used();
    SqliteAccount* account = SqliteAccount::create(*memory);
    set_allocation_scope({account, nullptr});
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    const uint64_t opened = account->bytes();
    EXPECT_GT(opened, 0u);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE t(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL "
                           "SELECT i + 1 FROM c WHERE i < 40) INSERT INTO t SELECT "
                           "randomblob(100000) FROM c",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    // An in-memory database holds its pages: 4 MB of blobs.
    EXPECT_GT(account->bytes(), opened + 4'000'000);
    EXPECT_GE(budget.used() - before, account->bytes());
    EXPECT_FALSE(account->refused());

    // Freed outside any scope (as when a process's connections close after it ended):
    // still credited to the account that allocated.
    set_allocation_scope({});
    sqlite3_close(db);
    EXPECT_EQ(account->bytes(), 0u);
    account->settle();
    EXPECT_LE(budget.used() - before, SqliteAccount::kChunk);
    account->release_owner();
    EXPECT_EQ(budget.used(), before);
}

TEST_F(SqliteMemory, TheProcessLimitFailsAllocationsInsteadOfBeingExceeded) {
    auto memory = process_memory(uint64_t(2) << 20);
    SqliteAccount* account = SqliteAccount::create(*memory);
    set_allocation_scope({account, nullptr});
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    const int rc = sqlite3_exec(db,
                                "CREATE TABLE t(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL "
                                "SELECT i + 1 FROM c WHERE i < 100) INSERT INTO t SELECT "
                                "randomblob(100000) FROM c",
                                nullptr, nullptr, nullptr);
    EXPECT_EQ(rc, SQLITE_NOMEM);
    EXPECT_TRUE(account->refused());
    EXPECT_EQ(account->refusal().rfind("out of memory: the process would hold more than its "
                                       "max_memory (2097152 bytes)",
                                       0),
              0u)
        << account->refusal();
    EXPECT_LE(account->bytes(), uint64_t(2) << 20);
    account->clear_refusal();
    EXPECT_FALSE(account->refused());
    // The connection still works for what fits.
    EXPECT_EQ(
        sqlite3_exec(db, "DELETE FROM t; INSERT INTO t VALUES (1)", nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
    EXPECT_EQ(account->bytes(), 0u);
    account->release_owner();
}

TEST_F(SqliteMemory, NothingIsAllocatedBelowTheStackFloor) {
    auto memory = process_memory(uint64_t(64) << 20);
    SqliteAccount* account = SqliteAccount::create(*memory);
    // A floor above this frame: every allocation SQLite makes from here on is too deep.
    const auto* here = static_cast<const char*>(__builtin_frame_address(0));
    set_allocation_scope({account, here + 4096});
    sqlite3* db = nullptr;
    EXPECT_NE(sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    EXPECT_TRUE(account->refused());
    EXPECT_EQ(account->refusal(), "the statement nests too deeply for the stack SQLite runs on");
    set_allocation_scope({});
    sqlite3_close(db);
    EXPECT_EQ(account->bytes(), 0u);
    account->release_owner();
}

TEST_F(SqliteMemory, AnAccountOutlivesItsOwnerWhileBlocksReferToIt) {
    auto memory = process_memory(uint64_t(64) << 20);
    const uint64_t before = budget.used();
    SqliteAccount* account = SqliteAccount::create(*memory);
    set_allocation_scope({account, nullptr});
    void* block = sqlite3_malloc(1000);
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(account->bytes(), 1000u + 16u);
    EXPECT_EQ(sqlite3_msize(block), 1000u);
    block = sqlite3_realloc(block, 5000);
    EXPECT_EQ(account->bytes(), 5000u + 16u);
    set_allocation_scope({});
    account->release_owner(); // the owner is gone; its charge goes back
    EXPECT_EQ(budget.used(), before);
    sqlite3_free(block); // the last block: the account goes with it (ASan checks)
}

} // namespace
} // namespace tycho::host::sqlite
