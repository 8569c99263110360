// A process's SQLite connections and statements (lunatic-abi.md §4, §27): two resource
// tables (ids from 0, never reused), capped in number, with SQLite's memory counted by the
// process's SqliteAccount. Everything is finalised and closed when the process ends.
#pragma once

#include "host/charged_table.h"
#include "host/host_module.h"
#include "host/sqlite/sqlite_memory.h"

#include <memory>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace tycho::host {
class WasmProcess;
} // namespace tycho::host

namespace tycho::host::sqlite {

// One open database. SQLite's callbacks (authorizer, progress, busy) get it as their data.
class Connection {
  public:
    // Opens `path` (already checked) for reading and writing, creating it if needed;
    // nullptr and `error` set when SQLite refuses. Run it inside a SqliteCall.
    static std::unique_ptr<Connection> open(const std::string& path,
                                            std::vector<std::string> preopens, std::string& error);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    sqlite3* handle() const { return db_; }
    // Connections open in the whole runtime, and how many it allows (each may hold file
    // descriptors, which the runtime shares).
    static int open_count();
    static int open_limit();

  private:
    explicit Connection(std::vector<std::string> preopens) : preopens_(std::move(preopens)) {}
    static int authorize(void* self, int action, const char* first, const char* second,
                         const char* database, const char* trigger);
    static int progress(void* self);
    static int busy(void* self, int attempts);

    sqlite3* db_ = nullptr;
    std::vector<std::string> preopens_; // for ATTACH, checked like open
};

struct Statement {
    struct Finalize {
        void operator()(sqlite3_stmt* statement) const;
    };
    std::unique_ptr<sqlite3_stmt, Finalize> handle;
    Connection* connection = nullptr; // connections outlive statements
    bool has_row = false;             // the last step returned a row
};

class SqliteState final : public ProcessState {
  public:
    // At most this many of each per process.
    static constexpr size_t kMaxConnections = 64;
    static constexpr size_t kMaxStatements = 4096;

    explicit SqliteState(WasmProcess& process);
    ~SqliteState() override;

    SqliteAccount& account() { return *account_; }
    ChargedTable<std::unique_ptr<Connection>>& connections() { return connections_; }
    ChargedTable<Statement>& statements() { return statements_; }

  private:
    struct ReleaseOwner {
        void operator()(SqliteAccount* account) const { account->release_owner(); }
    };
    // In this order: the account outlives the tables whose SQLite memory it counts, and
    // statements are finalised before their connections close.
    std::unique_ptr<SqliteAccount, ReleaseOwner> account_;
    ChargedTable<std::unique_ptr<Connection>> connections_;
    ChargedTable<Statement> statements_;
};

} // namespace tycho::host::sqlite
