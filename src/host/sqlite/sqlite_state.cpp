#include "host/sqlite/sqlite_state.h"

#include "host/sqlite/open_path.h"
#include "host/sqlite/sqlite_call.h"
#include "host/wasm_process.h"

#include <sqlite3.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace tycho::host::sqlite {

namespace {

// SQLite calls the progress handler after this many virtual-machine instructions: a slice of
// a query between two chances for others to run.
constexpr int kProgressInstructions = 10'000;
// How long a statement waits, in total, for a database another connection has locked,
// sleeping in steps as SQLite's own busy timeout does.
constexpr int kBusyWaitMs = 5000;
constexpr int kBusyDelaysMs[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};

std::atomic<int> g_open{0};

bool equals(const char* text, const char* expected) {
    return text != nullptr && std::strcmp(text, expected) == 0;
}

} // namespace

int Connection::open_count() {
    return g_open.load(std::memory_order_relaxed);
}

int Connection::open_limit() {
    static const int limit = [] {
        rlimit files{};
        if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY) return 4096;
        // Half the descriptors a runtime may have; each connection uses one to three.
        return int(std::clamp<rlim_t>(files.rlim_cur / 2, 16, 1 << 20));
    }();
    return limit;
}

std::unique_ptr<Connection>
Connection::open(const std::string& path, std::vector<std::string> preopens, std::string& error) {
    if (g_open.fetch_add(1, std::memory_order_relaxed) >= open_limit()) {
        g_open.fetch_sub(1, std::memory_order_relaxed);
        error = "the runtime already has " + std::to_string(open_limit()) +
                " SQLite connections open, the most it allows";
        return nullptr;
    }
    std::unique_ptr<Connection> connection(new Connection(std::move(preopens)));
    // The connection is only ever used by one process at a time, which may move between
    // threads: SQLite's per-connection mutex is not needed.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &connection->db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        error = connection->db_ != nullptr ? sqlite3_errmsg(connection->db_) : sqlite3_errstr(rc);
        return nullptr; // the destructor closes what was opened
    }
    sqlite3* db = connection->db_;
    // Guests must not reach around the checks: no extensions, no raw pointers through
    // fts3_tokenizer, no schema corruption, no sorter threads outside the process.
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, nullptr);
    sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 0);
    sqlite3_set_authorizer(db, &Connection::authorize, connection.get());
    sqlite3_progress_handler(db, kProgressInstructions, &Connection::progress, connection.get());
    sqlite3_busy_handler(db, &Connection::busy, connection.get());
    return connection;
}

Connection::~Connection() {
    if (db_ != nullptr) {
        // No callbacks while closing (the process is gone or going).
        sqlite3_progress_handler(db_, 0, nullptr, nullptr);
        sqlite3_busy_handler(db_, nullptr, nullptr);
        sqlite3_close_v2(db_);
    }
    g_open.fetch_sub(1, std::memory_order_relaxed);
}

int Connection::authorize(void* self, int action, const char* first, const char* second,
                          const char*, const char*) {
    auto* connection = static_cast<Connection*>(self);
    switch (action) {
    case SQLITE_ATTACH:
        // Another database file: the same check as open (a name given as an expression
        // other than a string literal cannot be checked). Temporary and in-memory
        // databases are no files.
        if (first == nullptr) return SQLITE_DENY;
        if (*first == '\0' || equals(first, ":memory:")) return SQLITE_OK;
        return refuse_path(first, connection->preopens_, working_directory()) ? SQLITE_DENY
                                                                              : SQLITE_OK;
    case SQLITE_PRAGMA:
        // Settings of the whole runtime, not of one connection.
        if (equals(first, "temp_store_directory") || equals(first, "data_store_directory") ||
            equals(first, "soft_heap_limit") || equals(first, "hard_heap_limit"))
            return SQLITE_DENY;
        return SQLITE_OK;
    case SQLITE_FUNCTION:
        if (equals(second, "load_extension") || equals(second, "fts3_tokenizer"))
            return SQLITE_DENY;
        return SQLITE_OK;
    default: return SQLITE_OK;
    }
}

int Connection::progress(void*) {
    SqliteCall* call = SqliteCall::current();
    if (call == nullptr) return 0;
    return call->pause_to_yield() ? 0 : 1; // non-zero interrupts the statement
}

int Connection::busy(void*, int attempts) {
    SqliteCall* call = SqliteCall::current();
    if (call == nullptr || call->stopping()) return 0;
    constexpr int kSteps = int(std::size(kBusyDelaysMs));
    int waited = 0;
    for (int i = 0; i < std::min(attempts, kSteps); ++i)
        waited += kBusyDelaysMs[i];
    if (attempts > kSteps) waited += (attempts - kSteps) * kBusyDelaysMs[kSteps - 1];
    if (waited >= kBusyWaitMs) return 0; // SQLITE_BUSY
    const int delay = kBusyDelaysMs[std::min(attempts, kSteps - 1)];
    return call->pause_to_sleep(std::chrono::milliseconds(delay)) ? 1 : 0;
}

void Statement::Finalize::operator()(sqlite3_stmt* statement) const {
    sqlite3_finalize(statement);
}

SqliteState::SqliteState(WasmProcess& process)
    : account_(SqliteAccount::create(process.memory_account())),
      connections_(process.memory_account()), statements_(process.memory_account()) {}

SqliteState::~SqliteState() = default;

} // namespace tycho::host::sqlite
