// lunatic::sqlite (lunatic-abi.md §27), on the system's SQLite. Connections and statements
// are per-process resources (sqlite_state.h); the open path must lie inside a preopened
// directory (open_path.h); SQLite's memory is the process's (sqlite_memory.h); SQLite runs
// on stacks of its own and long queries let others run and end on a kill (sqlite_call.h).
// Results come back in lunatic_alloc buffers (result_buffer.h) in bincode (sqlite_wire.h).
#include "host/error/errors.h"
#include "host/guest_memory.h"
#include "host/result_buffer.h"
#include "host/sqlite/open_path.h"
#include "host/sqlite/sqlite_call.h"
#include "host/sqlite/sqlite_memory.h"
#include "host/sqlite/sqlite_state.h"
#include "host/sqlite/sqlite_wire.h"
#include "host/wasm_process.h"

#include <sqlite3.h>

#include <climits>

namespace tycho::host::sqlite {

namespace {

using wasm::Caller;

// The host paths of the process's preopened directories, which databases must lie inside.
std::vector<std::string> preopen_host_paths(const WasmProcess& process) {
    std::vector<std::string> paths;
    for (const PreopenDir& dir : process.config().preopens)
        paths.push_back(dir.host_path);
    return paths;
}

// Longer paths are refused before anything is copied.
constexpr uint32_t kMaxPathBytes = 4096;

std::string full_name(const char* function) {
    return std::string("lunatic::sqlite::") + function;
}

SqliteState& state_of(Caller& caller) {
    return WasmProcess::of(caller).state<SqliteState>();
}

Connection* connection_or_trap(Caller& caller, const char* function, int64_t id) {
    std::unique_ptr<Connection>* found = state_of(caller).connections().find(uint64_t(id));
    if (found == nullptr)
        caller.trap(full_name(function) + ": unknown connection id " + std::to_string(id));
    return found ? found->get() : nullptr;
}

// The SQL text at (ptr, len) for connection `id` (set in `connection`); nullopt after
// trapping (an unknown connection, bad memory, invalid UTF-8).
std::optional<std::string_view> sql_or_trap(Caller& caller, const char* function, int64_t id,
                                            uint32_t ptr, uint32_t len, Connection*& connection) {
    connection = connection_or_trap(caller, function, id);
    if (connection == nullptr) return std::nullopt;
    GuestMemory memory(caller);
    return memory.utf8(ptr, len);
}

Statement* statement_or_trap(Caller& caller, const char* function, int64_t id) {
    Statement* found = state_of(caller).statements().find(uint64_t(id));
    if (found == nullptr)
        caller.trap(full_name(function) + ": unknown statement id " + std::to_string(id));
    return found;
}

// Runs `work` for the calling process (sqlite_call.h); false after trapping or stopping the
// caller.
bool run(Caller& caller, const char* function, const std::function<void()>& work) {
    WasmProcess& self = WasmProcess::of(caller);
    SqliteAccount& account = state_of(caller).account();
    account.clear_refusal();
    switch (SqliteCall::run(self, account, work)) {
    case SqliteCall::Outcome::done: return true;
    case SqliteCall::Outcome::stopped: caller.stop(self.dying_cause()); return false;
    case SqliteCall::Outcome::no_memory:
        caller.trap(full_name(function) + ": " + self.memory_account().refusal());
        return false;
    case SqliteCall::Outcome::no_stack:
        caller.trap(full_name(function) + ": the system has no stack to run SQLite on");
        return false;
    }
    return false;
}

// Why SQLite failed with `rc`: the process's memory running out, or SQLite's message.
std::string failure(Caller& caller, sqlite3* db, int rc) {
    SqliteAccount& account = state_of(caller).account();
    if (account.refused()) return account.refusal();
    if (db != nullptr && sqlite3_errcode(db) == rc) return sqlite3_errmsg(db);
    return sqlite3_errstr(rc);
}

// Hands `bytes` to the guest as a result buffer; the pointer, or 0 after trapping.
int32_t give(Caller& caller, const char* function, const bincode::Writer& bytes, uint32_t len_ptr) {
    return int32_t(
        give_result_buffer(caller, full_name(function), bytes.data(), len_ptr).value_or(0));
}

// The value in column `column` of the current row.
SqlValue column_value(sqlite3_stmt* statement, int column) {
    SqlValue value;
    switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
        value.kind = SqlValue::Kind::integer;
        value.integer = sqlite3_column_int64(statement, column);
        break;
    case SQLITE_FLOAT:
        value.kind = SqlValue::Kind::real;
        value.real = sqlite3_column_double(statement, column);
        break;
    case SQLITE_TEXT: {
        value.kind = SqlValue::Kind::text;
        const auto* text = sqlite3_column_text(statement, column);
        value.bytes = {text, text ? size_t(sqlite3_column_bytes(statement, column)) : 0};
        break;
    }
    case SQLITE_BLOB: {
        value.kind = SqlValue::Kind::blob;
        const auto* blob = static_cast<const uint8_t*>(sqlite3_column_blob(statement, column));
        value.bytes = {blob, blob ? size_t(sqlite3_column_bytes(statement, column)) : 0};
        break;
    }
    default: break; // NULL
    }
    return value;
}

// False after trapping when `column` is not a result column of `statement`.
bool column_or_trap(Caller& caller, const char* function, const Statement& statement,
                    int32_t column) {
    const int count = sqlite3_column_count(statement.handle.get());
    if (column >= 0 && column < count) return true;
    caller.trap(full_name(function) + ": column " + std::to_string(column) +
                " is out of range (the statement has " + std::to_string(count) + ")");
    return false;
}

// The statement, or nullptr after trapping when it has no current row.
Statement* row_or_trap(Caller& caller, const char* function, int64_t id) {
    Statement* statement = statement_or_trap(caller, function, id);
    if (statement == nullptr || statement->has_row) return statement;
    caller.trap(full_name(function) + ": statement " + std::to_string(id) +
                " has no current row (sqlite3_step has not returned one)");
    return nullptr;
}

// Encodes `values` (a row when `as_row`, else the one value), charging the encoding to the
// process while it is handed over; the buffer's pointer, or 0 after trapping.
int32_t give_values(Caller& caller, const char* function, const std::vector<SqlValue>& values,
                    bool as_row, uint32_t len_ptr) {
    uint64_t size = as_row ? 8 : 0;
    for (const SqlValue& value : values)
        size += encoded_size(value);
    TemporaryCharge charge(WasmProcess::of(caller).memory_account());
    if (!charge.add(size)) {
        caller.trap(full_name(function) + ": " + charge.refusal());
        return 0;
    }
    bincode::Writer out;
    out.reserve(size_t(size));
    if (as_row) out.u64(values.size());
    for (const SqlValue& value : values)
        encode_value(out, value);
    return give(caller, function, out, len_ptr);
}

int bind(sqlite3_stmt* statement, const Binding& binding) {
    if (binding.index > uint64_t(INT_MAX)) return SQLITE_RANGE;
    const int index = int(binding.index);
    const SqlValue& value = binding.value;
    switch (value.kind) {
    case SqlValue::Kind::null: return sqlite3_bind_null(statement, index);
    case SqlValue::Kind::blob:
        if (value.bytes.empty()) return sqlite3_bind_zeroblob(statement, index, 0);
        return sqlite3_bind_blob64(statement, index, value.bytes.data(), value.bytes.size(),
                                   SQLITE_TRANSIENT);
    case SqlValue::Kind::text:
        return sqlite3_bind_text64(statement, index,
                                   reinterpret_cast<const char*>(value.bytes.data()),
                                   value.bytes.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    case SqlValue::Kind::real: return sqlite3_bind_double(statement, index, value.real);
    case SqlValue::Kind::integer: return sqlite3_bind_int64(statement, index, value.integer);
    }
    return SQLITE_MISUSE;
}

void add_connections(wasm::Linker& linker) {
    linker.func(
        "lunatic::sqlite", "open",
        [](Caller& caller, uint32_t path_ptr, uint32_t path_len, uint32_t id_ptr) -> int64_t {
            WasmProcess& self = WasmProcess::of(caller);
            GuestMemory memory(caller);
            auto path = memory.utf8(path_ptr, path_len);
            if (!path) return 0;
            // Refusals are answers (status 1 and an error id), as on Lunatic.
            auto refuse = [&](std::string why) -> int64_t {
                auto error = add_error(caller, "lunatic::sqlite::open", self, std::move(why));
                if (error) memory.store<uint64_t>(id_ptr, *error);
                return 1;
            };
            std::string setup_error;
            if (!set_up_sqlite(setup_error)) return refuse(setup_error);
            if (path->size() > kMaxPathBytes)
                return refuse("the path is longer than " + std::to_string(kMaxPathBytes) +
                              " bytes");
            if (auto why = refuse_path(*path, preopen_host_paths(self), working_directory()))
                return refuse("permission denied: " + *why);
            SqliteState& state = state_of(caller);
            if (state.connections().size() >= SqliteState::kMaxConnections)
                return refuse("the process already holds " +
                              std::to_string(SqliteState::kMaxConnections) +
                              " SQLite connections, the most it may");
            const std::string owned_path(*path);
            std::unique_ptr<Connection> connection;
            std::string error;
            if (!run(caller, "open", [&] {
                    connection = Connection::open(owned_path, preopen_host_paths(self), error);
                }))
                return 0;
            if (!connection)
                return refuse(state.account().refused() ? state.account().refusal() : error);
            auto id =
                state.connections().insert(caller, "lunatic::sqlite::open", std::move(connection));
            if (!id) return 0;
            memory.store<uint64_t>(id_ptr, *id);
            return 0;
        });
    linker.func(
        "lunatic::sqlite", "execute",
        [](Caller& caller, int64_t conn_id, uint32_t sql_ptr, uint32_t sql_len) -> int32_t {
            Connection* connection = nullptr;
            auto sql = sql_or_trap(caller, "execute", conn_id, sql_ptr, sql_len, connection);
            if (!sql) return 0;
            if (sql->size() > size_t(INT_MAX)) return SQLITE_TOOBIG;
            sqlite3* db = connection->handle();
            int rc = SQLITE_OK;
            // Statement after statement, as sqlite3_exec does (which needs a NUL).
            if (!run(caller, "execute", [&] {
                    const char* at = sql->data();
                    const char* end = at + sql->size();
                    while (at < end && rc == SQLITE_OK) {
                        sqlite3_stmt* statement = nullptr;
                        const char* rest = nullptr;
                        rc = sqlite3_prepare_v2(db, at, int(end - at), &statement, &rest);
                        if (rc != SQLITE_OK) break;
                        if (statement != nullptr) {
                            while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
                            }
                            if (rc == SQLITE_DONE) rc = SQLITE_OK;
                            sqlite3_finalize(statement);
                        }
                        if (rest == nullptr || rest <= at) break;
                        at = rest;
                    }
                }))
                return 0;
            if (rc != SQLITE_OK && state_of(caller).account().refused()) {
                caller.trap(full_name("execute") + ": " + state_of(caller).account().refusal());
                return 0;
            }
            return rc;
        });
    linker.func("lunatic::sqlite", "sqlite3_changes",
                [](Caller& caller, int64_t conn_id) -> int32_t {
                    Connection* connection = connection_or_trap(caller, "sqlite3_changes", conn_id);
                    return connection ? sqlite3_changes(connection->handle()) : 0;
                });
    linker.func("lunatic::sqlite", "last_error",
                [](Caller& caller, int64_t conn_id, uint32_t len_ptr) -> int32_t {
                    Connection* connection = connection_or_trap(caller, "last_error", conn_id);
                    if (connection == nullptr) return 0;
                    sqlite3* db = connection->handle();
                    const int code = sqlite3_errcode(db);
                    bincode::Writer out;
                    // Row and done are results, not errors.
                    if (code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE)
                        encode_error(out, std::nullopt, std::nullopt);
                    else
                        encode_error(out, uint32_t(code), sqlite3_errmsg(db));
                    return give(caller, "last_error", out, len_ptr);
                });
}

void add_statements(wasm::Linker& linker) {
    linker.func(
        "lunatic::sqlite", "query_prepare",
        [](Caller& caller, int64_t conn_id, uint32_t sql_ptr, uint32_t sql_len) -> int64_t {
            Connection* connection = nullptr;
            auto sql = sql_or_trap(caller, "query_prepare", conn_id, sql_ptr, sql_len, connection);
            if (!sql) return 0;
            SqliteState& state = state_of(caller);
            if (state.statements().size() >= SqliteState::kMaxStatements) {
                caller.trap(full_name("query_prepare") + ": the process already holds " +
                            std::to_string(SqliteState::kMaxStatements) +
                            " statements, the most it may (sqlite3_finalize frees them)");
                return 0;
            }
            sqlite3* db = connection->handle();
            sqlite3_stmt* raw = nullptr;
            int rc = SQLITE_TOOBIG;
            if (!run(caller, "query_prepare", [&] {
                    if (sql->size() <= size_t(INT_MAX))
                        rc = sqlite3_prepare_v2(db, sql->data(), int(sql->size()), &raw, nullptr);
                }))
                return 0;
            Statement statement{std::unique_ptr<sqlite3_stmt, Statement::Finalize>(raw),
                                connection};
            if (rc != SQLITE_OK) {
                caller.trap(full_name("query_prepare") + ": " + failure(caller, db, rc));
                return 0;
            }
            if (raw == nullptr) {
                caller.trap(full_name("query_prepare") + ": the SQL holds no statement");
                return 0;
            }
            auto id = state.statements().insert(caller, "lunatic::sqlite::query_prepare",
                                                std::move(statement));
            return id ? int64_t(*id) : 0;
        });
    linker.func("lunatic::sqlite", "bind_value",
                [](Caller& caller, int64_t statement_id, uint32_t data_ptr, uint32_t data_len) {
                    Statement* statement = statement_or_trap(caller, "bind_value", statement_id);
                    if (statement == nullptr) return;
                    GuestMemory memory(caller);
                    auto data = memory.read(data_ptr, data_len);
                    if (!data) return;
                    auto list = decode_bind_list(*data);
                    if (!list) {
                        caller.trap(full_name("bind_value") + ": " + list.error().message);
                        return;
                    }
                    int rc = SQLITE_OK;
                    uint64_t failed_index = 0;
                    if (!run(caller, "bind_value", [&] {
                            for (const Binding& binding : *list) {
                                rc = bind(statement->handle.get(), binding);
                                if (rc != SQLITE_OK) {
                                    failed_index = binding.index;
                                    return;
                                }
                            }
                        }))
                        return;
                    if (rc != SQLITE_OK)
                        caller.trap(full_name("bind_value") + ": cannot bind parameter " +
                                    std::to_string(failed_index) + ": " +
                                    failure(caller, statement->connection->handle(), rc));
                });
    linker.func("lunatic::sqlite", "statement_reset", [](Caller& caller, int64_t statement_id) {
        Statement* statement = statement_or_trap(caller, "statement_reset", statement_id);
        if (statement == nullptr) return;
        int rc = SQLITE_OK;
        if (!run(caller, "statement_reset", [&] { rc = sqlite3_reset(statement->handle.get()); }))
            return;
        statement->has_row = false;
        if (rc != SQLITE_OK)
            caller.trap(full_name("statement_reset") + ": " +
                        failure(caller, statement->connection->handle(), rc));
    });
    linker.func("lunatic::sqlite", "sqlite3_finalize", [](Caller& caller, int64_t statement_id) {
        if (statement_or_trap(caller, "sqlite3_finalize", statement_id) != nullptr)
            state_of(caller).statements().erase(uint64_t(statement_id));
    });
    linker.func(
        "lunatic::sqlite", "sqlite3_step", [](Caller& caller, int64_t statement_id) -> int32_t {
            Statement* statement = statement_or_trap(caller, "sqlite3_step", statement_id);
            if (statement == nullptr) return 0;
            int rc = SQLITE_OK;
            statement->has_row = false;
            if (!run(caller, "sqlite3_step", [&] { rc = sqlite3_step(statement->handle.get()); }))
                return 0;
            if (rc == SQLITE_ROW) statement->has_row = true;
            if (rc == SQLITE_ROW || rc == SQLITE_DONE) return rc;
            caller.trap(full_name("sqlite3_step") + ": " +
                        failure(caller, statement->connection->handle(), rc));
            return 0;
        });
}

void add_results(wasm::Linker& linker) {
    linker.func("lunatic::sqlite", "column_count",
                [](Caller& caller, int64_t statement_id) -> int32_t {
                    Statement* statement = statement_or_trap(caller, "column_count", statement_id);
                    return statement ? sqlite3_column_count(statement->handle.get()) : 0;
                });
    linker.func(
        "lunatic::sqlite", "read_column",
        [](Caller& caller, int64_t statement_id, int32_t column, uint32_t len_ptr) -> int32_t {
            Statement* statement = row_or_trap(caller, "read_column", statement_id);
            if (statement == nullptr || !column_or_trap(caller, "read_column", *statement, column))
                return 0;
            const std::vector<SqlValue> value = {column_value(statement->handle.get(), column)};
            return give_values(caller, "read_column", value, false, len_ptr);
        });
    linker.func("lunatic::sqlite", "read_row",
                [](Caller& caller, int64_t statement_id, uint32_t len_ptr) -> int32_t {
                    Statement* statement = row_or_trap(caller, "read_row", statement_id);
                    if (statement == nullptr) return 0;
                    sqlite3_stmt* handle = statement->handle.get();
                    std::vector<SqlValue> row(size_t(sqlite3_column_count(handle)));
                    for (size_t i = 0; i < row.size(); ++i)
                        row[i] = column_value(handle, int(i));
                    return give_values(caller, "read_row", row, true, len_ptr);
                });
    linker.func("lunatic::sqlite", "column_names",
                [](Caller& caller, int64_t statement_id, uint32_t len_ptr) -> int32_t {
                    Statement* statement = statement_or_trap(caller, "column_names", statement_id);
                    if (statement == nullptr) return 0;
                    sqlite3_stmt* handle = statement->handle.get();
                    const int count = sqlite3_column_count(handle);
                    bincode::Writer out;
                    out.u64(uint64_t(count));
                    for (int i = 0; i < count; ++i) {
                        const char* name = sqlite3_column_name(handle, i);
                        out.string(valid_utf8(name ? name : ""));
                    }
                    return give(caller, "column_names", out, len_ptr);
                });
    linker.func(
        "lunatic::sqlite", "column_name",
        [](Caller& caller, int64_t statement_id, int32_t column, uint32_t len_ptr) -> int32_t {
            Statement* statement = statement_or_trap(caller, "column_name", statement_id);
            if (statement == nullptr || !column_or_trap(caller, "column_name", *statement, column))
                return 0;
            // The raw bytes of the name, not bincode (§27).
            const char* name = sqlite3_column_name(statement->handle.get(), column);
            const std::string_view bytes = name ? name : "";
            return int32_t(
                give_result_buffer(caller, full_name("column_name"),
                                   {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()},
                                   len_ptr)
                    .value_or(0));
        });
}

} // namespace

} // namespace tycho::host::sqlite

namespace tycho::host {

void define_sqlite_module(wasm::Linker& linker) {
    sqlite::add_connections(linker);
    sqlite::add_statements(linker);
    sqlite::add_results(linker);
}

} // namespace tycho::host
