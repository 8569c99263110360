/*
 * sqlite.c - lunatic::sqlite: connections, statements, bind lists, results in
 * lunatic_alloc buffers, the open-path check, limits, and every trap.
 *
 * ABI: §3.1 (address 0 is ordinary), §4 (resource ids), §9.1 (result buffers), §15.1 (the
 * connection id written at address 0), §27 (sqlite).
 *
 * The test runs in a directory of its own, preopened for the root with --dir .
 * (CMakeLists.txt); the checks run in children spawned with a config that preopens ".".
 * Expected behaviour checked here:
 *  - A process without preopens cannot open even ":memory:": 1 and an error id.
 *  - A process's first connection is id 0, written as 8 bytes to address 0 (the Rust
 *    client's connect passes pointer 0); the next is 1.
 *  - execute runs several statements and returns 0; prepared statements bind every
 *    BindValue kind under numeric keys (an i32 and an i64 integer, a double, text, a blob,
 *    an empty blob, NULL) and step to 101; sqlite3_changes counts the rows.
 *  - column_count, column_names (bincode Vec<String>), column_name (raw bytes),
 *    read_column (bincode SqliteValue of each kind) and read_row (u64 count + values);
 *    step returns 100 per row, then 101.
 *  - A name key or no key binds at parameter 1.
 *  - last_error: (None, None) after success; code and message after a syntax error (1)
 *    and a constraint violation (19), which execute returns.
 *  - Statement ids count on from 0 independently of connections and are never reused.
 *  - Text that is not UTF-8 comes back with U+FFFD; a 200 KB blob round-trips.
 *  - Paths outside the preopened directory, and a "file:" URI name, do not open (1 and an
 *    error id); ATTACH of a file outside it, VACUUM INTO outside it, runtime-wide pragmas,
 *    load_extension and fts3_tokenizer are refused; ATTACH of ":memory:" and of a file
 *    inside it work.
 *  - Two processes writing one file: the second waits while the first holds the lock and
 *    then succeeds.
 *  - A query that never ends (by step and by execute) is ended by a kill, also with one
 *    worker (abi.sqlite.one_worker).
 *  - Deep nesting within SQLite's limits works (1,000 chained table expressions, JSON
 *    nested 1,990 deep, 500 compound terms); 6,000 chained table expressions, which
 *    SQLite does not limit, trap in query_prepare and execute instead of overflowing
 *    the stack.
 *  - A process whose in-memory database outgrows its max_memory traps; the 65th
 *    connection of a process is refused (1 and an error id); its 4097th statement traps.
 *  - Traps (children): unknown connection ids (query_prepare, execute, sqlite3_changes,
 *    last_error) and statement ids (every statement function, finalize twice), SQL that
 *    does not prepare or holds no statement, invalid UTF-8 (SQL, path), a step error, a
 *    malformed bind list (unknown variant, truncated, index 0), a parameter index out of
 *    range, reading columns without a current row (before the first step, after the last)
 *    or out of range, column_name out of range, out-of-bounds out-pointers.
 */
#include "check.h"

LUNATIC_DEFINE_ALLOC

#define T_DONE 140
#define T_LOCKED 141
#define T_FOREVER 142
#define FILLER 0xEEEEEEEEEEEEEEEEull

/* ---- bind lists (bincode, §27) -------------------------------------------------------- */

typedef struct {
    uint8_t* data;
    uint32_t len, cap;
    uint64_t count;
} wire_t;

static void put(wire_t* w, const void* p, uint32_t n) {
    if (w->len + n > w->cap) {
        w->cap = (w->len + n) * 2 + 64;
        w->data = realloc(w->data, w->cap);
        CHECK(w->data != NULL);
    }
    memcpy(w->data + w->len, p, n);
    w->len += n;
}
static void put_u32(wire_t* w, uint32_t v) {
    put(w, &v, 4);
}
static void put_u64(wire_t* w, uint64_t v) {
    put(w, &v, 8);
}
static void put_bytes(wire_t* w, const void* p, uint64_t n) {
    put_u64(w, n);
    put(w, p, (uint32_t)n);
}

static wire_t list_start(void) {
    wire_t w = {0};
    put_u64(&w, 0); /* the count, set by list_end */
    return w;
}
static void key_index(wire_t* w, uint64_t i) {
    w->count++;
    put_u32(w, 1);
    put_u64(w, i);
}
static void key_name(wire_t* w, const char* name) {
    w->count++;
    put_u32(w, 2);
    put_bytes(w, name, strlen(name));
}
static void key_none(wire_t* w) {
    w->count++;
    put_u32(w, 0);
}
static void value_null(wire_t* w) {
    put_u32(w, 0);
}
static void value_blob(wire_t* w, const void* p, uint64_t n) {
    put_u32(w, 1);
    put_bytes(w, p, n);
}
static void value_text(wire_t* w, const char* text) {
    put_u32(w, 2);
    put_bytes(w, text, strlen(text));
}
static void value_double(wire_t* w, double d) {
    put_u32(w, 3);
    put(w, &d, 8);
}
static void value_int(wire_t* w, int32_t i) {
    put_u32(w, 4);
    put(w, &i, 4);
}
static void value_int64(wire_t* w, int64_t i) {
    put_u32(w, 5);
    put(w, &i, 8);
}
static void bind_list(uint64_t statement, wire_t* w) {
    memcpy(w->data, &w->count, 8);
    lunatic_sqlite_bind_value(statement, w->data, w->len);
    free(w->data);
}

/* ---- results ------------------------------------------------------------------------------ */

typedef struct {
    uint8_t* buf;
    uint64_t len, at;
} reader_t;

static reader_t result(uint8_t* buf, uint64_t len) {
    CHECK(buf != NULL);
    CHECK(len != FILLER && (len >> 32) == 0);
    reader_t r = {buf, len, 0};
    return r;
}
static void take(reader_t* r, void* out, uint64_t n) {
    CHECK(n <= r->len - r->at);
    memcpy(out, r->buf + r->at, n);
    r->at += n;
}
static uint32_t take_u32(reader_t* r) {
    uint32_t v;
    take(r, &v, 4);
    return v;
}
static uint64_t take_u64(reader_t* r) {
    uint64_t v;
    take(r, &v, 8);
    return v;
}
static uint8_t take_u8(reader_t* r) {
    uint8_t v;
    take(r, &v, 1);
    return v;
}
static const char* take_bytes(reader_t* r, uint64_t* n) {
    *n = take_u64(r);
    CHECK(*n <= r->len - r->at);
    const char* p = (const char*)r->buf + r->at;
    r->at += *n;
    return p;
}
static int contains(const char* text, uint64_t n, const char* part) {
    uint64_t m = strlen(part);
    for (uint64_t i = 0; i + m <= n; i++)
        if (memcmp(text + i, part, m) == 0) return 1;
    return 0;
}
static void done(reader_t* r) {
    CHECK_EQ(r->at, r->len);
    free(r->buf);
}

enum { V_NULL, V_BLOB, V_TEXT, V_DOUBLE, V_INTEGER };

static void expect_integer(reader_t* r, int64_t want) {
    CHECK_EQ(take_u32(r), V_INTEGER);
    int64_t v = (int64_t)take_u64(r);
    CHECK_EQ(v, want);
}
static void expect_double(reader_t* r, double want) {
    CHECK_EQ(take_u32(r), V_DOUBLE);
    double d;
    take(r, &d, 8);
    CHECK(d == want);
}
static void expect_bytes(reader_t* r, uint32_t kind, const void* want, uint64_t want_len) {
    CHECK_EQ(take_u32(r), kind);
    uint64_t n;
    const char* p = take_bytes(r, &n);
    CHECK_EQ(n, want_len);
    CHECK(memcmp(p, want, want_len) == 0);
}
static void expect_text(reader_t* r, const char* want) {
    expect_bytes(r, V_TEXT, want, strlen(want));
}

/* ---- helpers ------------------------------------------------------------------------------- */

static uint64_t open_db(const char* path) {
    uint64_t id = FILLER;
    int64_t r = lunatic_sqlite_open(path, (uint32_t)strlen(path), &id);
    if (r != 0) fprintf(stderr, "open '%s' failed\n", path);
    CHECK_EQ(r, 0);
    return id;
}

/* 1 and an error id (its text checked and dropped). */
static void expect_open_refused(const char* path, uint32_t len) {
    uint64_t err = FILLER;
    CHECK_EQ(lunatic_sqlite_open(path, len, &err), 1);
    CHECK(err != FILLER);
    check_error_text_and_drop(err);
}

static int32_t execute(uint64_t conn, const char* sql) {
    return lunatic_sqlite_execute(conn, sql, (uint32_t)strlen(sql));
}
static void exec_ok(uint64_t conn, const char* sql) {
    int32_t rc = execute(conn, sql);
    if (rc != 0) fprintf(stderr, "execute '%s' returned %d\n", sql, (int)rc);
    CHECK_EQ(rc, 0);
}
static uint64_t prepare(uint64_t conn, const char* sql) {
    return lunatic_sqlite_query_prepare(conn, sql, (uint32_t)strlen(sql));
}
static reader_t column(uint64_t statement, int32_t index) {
    uint64_t len = FILLER;
    uint8_t* buf = lunatic_sqlite_read_column(statement, index, &len);
    return result(buf, len);
}
static reader_t row(uint64_t statement) {
    uint64_t len = FILLER;
    uint8_t* buf = lunatic_sqlite_read_row(statement, &len);
    return result(buf, len);
}
static reader_t last_error(uint64_t conn) {
    uint64_t len = FILLER;
    uint8_t* buf = lunatic_sqlite_last_error(conn, &len);
    return result(buf, len);
}

/* The Rust client's connect passes 0 as the out-pointer: reading it back needs an address
   the compiler cannot see is null. */
static volatile uintptr_t zero_address = 0;

/* A connection with a table t(k INTEGER PRIMARY KEY, v) holding (1, 'one'). */
static uint64_t small_db(void) {
    uint64_t c = open_db(":memory:");
    exec_ok(c, "CREATE TABLE t(k INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1, 'one')");
    return c;
}

/* "WITH c0 AS (SELECT 1 AS x), c1 AS (SELECT x FROM c0), ... SELECT x FROM c<n-1>": SQLite
   prepares it recursively, one level per table expression. */
static char* cte_chain(int n) {
    char* sql = malloc((size_t)n * 40 + 64);
    size_t at = (size_t)sprintf(sql, "WITH c0 AS (SELECT 1 AS x)");
    for (int i = 1; i < n; i++)
        at += (size_t)sprintf(sql + at, ", c%d AS (SELECT x FROM c%d)", i, i - 1);
    sprintf(sql + at, " SELECT x FROM c%d", n - 1);
    return sql;
}

/* "<open>^n <middle> <close>^n". */
static char* nested(int n, const char* open, const char* middle, const char* close) {
    size_t lo = strlen(open), lc = strlen(close), lm = strlen(middle);
    char* text = malloc((size_t)n * (lo + lc) + lm + 1);
    char* at = text;
    for (int i = 0; i < n; i++, at += lo)
        memcpy(at, open, lo);
    memcpy(at, middle, lm);
    at += lm;
    for (int i = 0; i < n; i++, at += lc)
        memcpy(at, close, lc);
    *at = 0;
    return text;
}

/* ---- trap scenarios ------------------------------------------------------------------------ */

#define TRAP_CASE(name, setup, call)                                                               \
    ENTRY(name)(int64_t parent) {                                                                  \
        setup;                                                                                     \
        child_reached(parent);                                                                     \
        call;                                                                                      \
        child_survived(parent);                                                                    \
    }

TRAP_CASE(t_prepare_unknown_conn, small_db(), prepare(5, "SELECT 1"))
TRAP_CASE(t_execute_unknown_conn, small_db(), execute(5, "SELECT 1"))
TRAP_CASE(t_changes_unknown_conn, small_db(), lunatic_sqlite_changes(5))
TRAP_CASE(t_last_error_unknown_conn, small_db(), last_error(5))
TRAP_CASE(t_bind_unknown, small_db(), lunatic_sqlite_bind_value(3, "\0\0\0\0\0\0\0\0", 8))
TRAP_CASE(t_reset_unknown, small_db(), lunatic_sqlite_statement_reset(3))
TRAP_CASE(t_step_unknown, small_db(), lunatic_sqlite_step(3))
TRAP_CASE(t_column_count_unknown, small_db(), lunatic_sqlite_column_count(3))
TRAP_CASE(t_column_names_unknown, uint64_t len, lunatic_sqlite_column_names(3, &len))
TRAP_CASE(t_column_name_unknown, uint64_t len, lunatic_sqlite_column_name(3, 0, &len))
TRAP_CASE(t_read_column_unknown, uint64_t len, lunatic_sqlite_read_column(3, 0, &len))
TRAP_CASE(t_read_row_unknown, uint64_t len, lunatic_sqlite_read_row(3, &len))
TRAP_CASE(t_finalize_twice, uint64_t s = prepare(small_db(), "SELECT 1");
          lunatic_sqlite_finalize(s), lunatic_sqlite_finalize(s))
TRAP_CASE(t_prepare_bad_sql, uint64_t c = small_db(), prepare(c, "SELEKT 1"))
TRAP_CASE(t_prepare_no_statement, uint64_t c = small_db(), prepare(c, "  -- nothing\n"))
TRAP_CASE(t_prepare_invalid_utf8, uint64_t c = small_db(),
          lunatic_sqlite_query_prepare(c, "SELECT '\xFF'", 11))
TRAP_CASE(t_execute_invalid_utf8, uint64_t c = small_db(),
          lunatic_sqlite_execute(c, "SELECT '\xC0\x80'", 12))
TRAP_CASE(t_open_invalid_utf8, uint64_t id, lunatic_sqlite_open("a\xFF.db", 5, &id))
TRAP_CASE(t_open_id_out_of_bounds, , lunatic_sqlite_open(":memory:", 8, (uint64_t*)0xFFFFFFFCu))
TRAP_CASE(t_step_constraint, uint64_t s = prepare(small_db(), "INSERT INTO t VALUES (1, 'again')"),
          lunatic_sqlite_step(s))
TRAP_CASE(t_bind_unknown_variant, uint64_t s = prepare(small_db(), "SELECT ?1");
          wire_t w = list_start(); key_index(&w, 1); put_u32(&w, 9), bind_list(s, &w))
TRAP_CASE(t_bind_truncated, uint64_t s = prepare(small_db(), "SELECT ?1"); wire_t w = list_start();
          key_index(&w, 1); put_u32(&w, 2); put_u64(&w, 1000), bind_list(s, &w))
TRAP_CASE(t_bind_count_too_big, uint64_t s = prepare(small_db(), "SELECT ?1");
          wire_t w = list_start(); w.count = 1000000, bind_list(s, &w))
TRAP_CASE(t_bind_index_zero, uint64_t s = prepare(small_db(), "SELECT ?1"); wire_t w = list_start();
          key_index(&w, 0); value_null(&w), bind_list(s, &w))
TRAP_CASE(t_bind_out_of_range, uint64_t s = prepare(small_db(), "SELECT ?1");
          wire_t w = list_start(); key_index(&w, 5); value_null(&w), bind_list(s, &w))
TRAP_CASE(t_read_column_before_step, uint64_t s = prepare(small_db(), "SELECT v FROM t"),
          column(s, 0))
TRAP_CASE(t_read_column_after_done, uint64_t s = prepare(small_db(), "SELECT v FROM t");
          lunatic_sqlite_step(s); CHECK_EQ(lunatic_sqlite_step(s), 101), column(s, 0))
TRAP_CASE(t_read_column_out_of_range, uint64_t s = prepare(small_db(), "SELECT v FROM t");
          lunatic_sqlite_step(s), column(s, 1))
TRAP_CASE(t_read_column_negative, uint64_t s = prepare(small_db(), "SELECT v FROM t");
          lunatic_sqlite_step(s), column(s, -1))
TRAP_CASE(t_read_row_before_step, uint64_t s = prepare(small_db(), "SELECT v FROM t"), row(s))
TRAP_CASE(t_column_name_out_of_range, uint64_t s = prepare(small_db(), "SELECT v FROM t");
          uint64_t len, lunatic_sqlite_column_name(s, 1, &len))
TRAP_CASE(t_read_column_len_out_of_bounds, uint64_t s = prepare(small_db(), "SELECT v FROM t");
          lunatic_sqlite_step(s), lunatic_sqlite_read_column(s, 0, (uint64_t*)0xFFFFFFF9u))
TRAP_CASE(t_too_many_statements, uint64_t c = small_db();
          for (int i = 0; i < 4096; i++) prepare(c, "SELECT 1"), prepare(c, "SELECT 1"))
/* Deeper than SQLite's stack allows: an error, not a crash. */
TRAP_CASE(t_deep_prepare, uint64_t c = small_db(); char* sql = cte_chain(6000), prepare(c, sql))
TRAP_CASE(t_deep_execute, uint64_t c = small_db(); char* sql = cte_chain(6000), execute(c, sql))
/* 100 MB of blobs in an in-memory database, in a process allowed 8 MiB. */
TRAP_CASE(t_memory_limit, uint64_t c = small_db(),
          execute(c, "CREATE TABLE b(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                     "FROM c WHERE i < 1000) INSERT INTO b SELECT randomblob(100000) FROM c"))

/* ---- children ------------------------------------------------------------------------------- */

static const char* const FOREVER =
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c";

ENTRY(e_forever_step)(int64_t parent) {
    uint64_t s = prepare(open_db(":memory:"), FOREVER);
    SEND((uint64_t)parent, T_FOREVER, 0);
    lunatic_sqlite_step(s);
    child_survived(parent);
}

ENTRY(e_forever_execute)(int64_t parent) {
    uint64_t c = open_db(":memory:");
    SEND((uint64_t)parent, T_FOREVER, 0);
    execute(c, FOREVER);
    child_survived(parent);
}

/* Opens the shared file, says so, then writes while the parent holds the lock. */
ENTRY(e_writer)(int64_t parent) {
    uint64_t c = open_db("abi-sqlite.db");
    SEND((uint64_t)parent, T_LOCKED, 0);
    int32_t rc = execute(c, "INSERT INTO shared VALUES (2)");
    SEND((uint64_t)parent, T_DONE, (uint64_t)rc);
}

ENTRY(e_connection_cap)(int64_t parent) {
    for (int i = 0; i < 64; i++)
        CHECK_EQ(open_db(":memory:"), i);
    expect_open_refused(":memory:", 8);
    SEND((uint64_t)parent, T_DONE, 0);
}

static void basics(void) {
    /* The Rust client's connect: pointer 0, and it assumes id 0. */
    uint64_t at_zero = FILLER;
    memcpy((void*)zero_address, &at_zero, 8);
    CHECK_EQ(lunatic_sqlite_open(":memory:", 8, (uint64_t*)zero_address), 0);
    memcpy(&at_zero, (const void*)zero_address, 8);
    CHECK_EQ(at_zero, 0);
    uint64_t c = open_db(":memory:");
    CHECK_EQ(c, 1);

    exec_ok(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, extra);"
               "CREATE TABLE u(x)");
    uint64_t ins = prepare(c, "INSERT INTO t(name, score, data, extra) VALUES (?1, ?2, ?3, ?4)");
    CHECK_EQ(ins, 0); /* statement ids are not connection ids */
    static const uint8_t blob[] = {0, 1, 2, 255};
    wire_t w = list_start();
    key_index(&w, 1), value_text(&w, "Ada");
    key_index(&w, 2), value_double(&w, 3.5);
    key_index(&w, 3), value_blob(&w, blob, sizeof blob);
    key_index(&w, 4), value_null(&w);
    bind_list(ins, &w);
    CHECK_EQ(lunatic_sqlite_step(ins), 101);
    CHECK_EQ(lunatic_sqlite_changes(c), 1);
    lunatic_sqlite_statement_reset(ins);
    w = list_start();
    key_index(&w, 4), value_int64(&w, (int64_t)1 << 40);
    key_index(&w, 3), value_blob(&w, "", 0);
    key_index(&w, 2), value_int(&w, -7);
    key_index(&w, 1), value_text(&w, "Grace");
    bind_list(ins, &w);
    CHECK_EQ(lunatic_sqlite_step(ins), 101);
    lunatic_sqlite_finalize(ins);
    exec_ok(c, "INSERT INTO u VALUES (1); INSERT INTO u VALUES (2); UPDATE u SET x = x + 1");
    CHECK_EQ(lunatic_sqlite_changes(c), 2);

    uint64_t q = prepare(c, "SELECT id, name, score, data, extra FROM t ORDER BY id");
    CHECK_EQ(q, 1);
    CHECK_EQ(lunatic_sqlite_column_count(q), 5);
    uint64_t len = FILLER;
    reader_t names = result(lunatic_sqlite_column_names(q, &len), len);
    CHECK_EQ(take_u64(&names), 5);
    static const char* const expected[] = {"id", "name", "score", "data", "extra"};
    for (int i = 0; i < 5; i++) {
        uint64_t n;
        const char* name = take_bytes(&names, &n);
        CHECK(n == strlen(expected[i]) && memcmp(name, expected[i], n) == 0);
    }
    done(&names);
    len = FILLER;
    char* raw = (char*)lunatic_sqlite_column_name(q, 2, &len);
    CHECK(raw != NULL);
    CHECK_EQ(len, 5);
    CHECK(memcmp(raw, "score", 5) == 0); /* raw bytes, no length prefix */
    free(raw);

    CHECK_EQ(lunatic_sqlite_step(q), 100);
    reader_t r = column(q, 0);
    expect_integer(&r, 1);
    done(&r);
    r = column(q, 1);
    expect_text(&r, "Ada");
    done(&r);
    r = column(q, 2);
    expect_double(&r, 3.5);
    done(&r);
    r = column(q, 3);
    expect_bytes(&r, V_BLOB, blob, sizeof blob);
    done(&r);
    r = column(q, 4);
    CHECK_EQ(take_u32(&r), V_NULL);
    done(&r);
    CHECK_EQ(lunatic_sqlite_step(q), 100);
    r = row(q);
    CHECK_EQ(take_u64(&r), 5);
    expect_integer(&r, 2);
    expect_text(&r, "Grace");
    expect_double(&r, -7.0); /* REAL affinity */
    expect_bytes(&r, V_BLOB, "", 0);
    expect_integer(&r, (int64_t)1 << 40);
    done(&r);
    CHECK_EQ(lunatic_sqlite_step(q), 101);
    lunatic_sqlite_finalize(q);

    /* Names and missing keys bind at parameter 1. */
    uint64_t named = prepare(c, "SELECT ?1, ?2");
    w = list_start();
    key_name(&w, ":second"), value_int64(&w, 5);
    bind_list(named, &w);
    CHECK_EQ(lunatic_sqlite_step(named), 100);
    r = row(named);
    CHECK_EQ(take_u64(&r), 2);
    expect_integer(&r, 5);
    CHECK_EQ(take_u32(&r), V_NULL);
    done(&r);
    lunatic_sqlite_statement_reset(named);
    w = list_start();
    key_none(&w), value_text(&w, "x");
    bind_list(named, &w);
    CHECK_EQ(lunatic_sqlite_step(named), 100);
    r = column(named, 0);
    expect_text(&r, "x");
    done(&r);
    lunatic_sqlite_finalize(named);

    /* Ids count on and are never reused. */
    uint64_t a = prepare(c, "SELECT 1");
    lunatic_sqlite_finalize(a);
    uint64_t b = prepare(0, "SELECT 1"); /* connection 0 works too */
    CHECK_EQ(b, a + 1);
    lunatic_sqlite_finalize(b);

    /* Errors. */
    r = last_error(c);
    CHECK_EQ(take_u8(&r), 0);
    CHECK_EQ(take_u8(&r), 0);
    done(&r);
    CHECK_EQ(execute(c, "SELEC 1"), 1);
    r = last_error(c);
    CHECK_EQ(take_u8(&r), 1);
    CHECK_EQ(take_u32(&r), 1);
    CHECK_EQ(take_u8(&r), 1);
    uint64_t n;
    const char* message = take_bytes(&r, &n);
    CHECK(contains(message, n, "syntax error"));
    done(&r);
    CHECK_EQ(execute(c, "INSERT INTO t(id) VALUES (1)"), 19);
    r = last_error(c);
    CHECK_EQ(take_u8(&r), 1);
    CHECK_EQ(take_u32(&r), 19);
    CHECK_EQ(take_u8(&r), 1);
    message = take_bytes(&r, &n);
    CHECK(contains(message, n, "UNIQUE"));
    done(&r);

    /* Text that is not UTF-8; a big blob. */
    uint64_t s = prepare(c, "SELECT CAST(x'61ff62' AS TEXT)");
    CHECK_EQ(lunatic_sqlite_step(s), 100);
    r = column(s, 0);
    expect_text(&r, "a\xEF\xBF\xBD"
                    "b");
    done(&r);
    lunatic_sqlite_finalize(s);
    enum { BIG = 200 * 1000 };
    uint8_t* big = malloc(BIG);
    for (int i = 0; i < BIG; i++)
        big[i] = (uint8_t)(i * 13);
    s = prepare(c, "SELECT ?1");
    w = list_start();
    key_index(&w, 1), value_blob(&w, big, BIG);
    bind_list(s, &w);
    CHECK_EQ(lunatic_sqlite_step(s), 100);
    r = column(s, 0);
    expect_bytes(&r, V_BLOB, big, BIG);
    done(&r);
    lunatic_sqlite_finalize(s);
    free(big);
}

static void sandbox(void) {
    expect_open_refused("/etc/hosts", 10);
    expect_open_refused("../abi-sqlite-outside.db", 24);
    expect_open_refused("file:/etc/hosts?mode=ro", 23);
    uint64_t c = open_db(":memory:");
    CHECK_EQ(execute(c, "ATTACH '/tmp/tycho-abi-sqlite-outside.db' AS outside"), 23);
    CHECK_EQ(execute(c, "ATTACH '../tycho-abi-sqlite-outside.db' AS outside"), 23);
    CHECK_EQ(execute(c, "ATTACH ('abi' || '.db') AS computed"), 23);
    exec_ok(c, "ATTACH ':memory:' AS scratch");
    exec_ok(c, "ATTACH 'abi-sqlite-attached.db' AS inside");
    CHECK_EQ(execute(c, "VACUUM INTO '/tmp/tycho-abi-sqlite-vacuum.db'"), 23);
    exec_ok(c, "VACUUM");
    exec_ok(c, "VACUUM INTO 'abi-sqlite-vacuumed.db'");
    CHECK_EQ(execute(c, "PRAGMA temp_store_directory = '/tmp'"), 23);
    CHECK_EQ(execute(c, "PRAGMA hard_heap_limit = 1"), 23);
    CHECK(execute(c, "SELECT load_extension('libc.so.6')") != 0);
    CHECK(execute(c, "SELECT fts3_tokenizer('simple')") != 0);
}

/* Deep but bounded nesting works. */
static void deep(void) {
    uint64_t c = open_db(":memory:");
    char* sql = cte_chain(1000);
    exec_ok(c, sql);
    free(sql);
    char* array = nested(1990, "[", "1", "]");
    char* json = malloc(strlen(array) + 64);
    sprintf(json, "SELECT json_valid('%s')", array);
    uint64_t s = prepare(c, json);
    CHECK_EQ(lunatic_sqlite_step(s), 100);
    reader_t r = column(s, 0);
    expect_integer(&r, 1);
    done(&r);
    free(json);
    free(array);
    sql = nested(499, "SELECT 1 UNION ", "SELECT 2", "");
    exec_ok(c, sql);
    free(sql);
}

static void two_writers(void) {
    uint64_t c = open_db("abi-sqlite.db");
    exec_ok(c, "DROP TABLE IF EXISTS shared; CREATE TABLE shared(x)");
    exec_ok(c, "BEGIN IMMEDIATE; INSERT INTO shared VALUES (1)");
    SPAWN_HELPER("e_writer");
    EXPECT_MSG(T_LOCKED);
    lunatic_process_sleep_ms(50); /* let it reach the lock (it waits either way) */
    exec_ok(c, "COMMIT");
    EXPECT_MSG(T_DONE);
    CHECK_EQ(READ_U64(), 0);
    uint64_t s = prepare(c, "SELECT count(*) FROM shared");
    CHECK_EQ(lunatic_sqlite_step(s), 100);
    reader_t r = column(s, 0);
    expect_integer(&r, 2);
    done(&r);
}

static void forever(const char* entry) {
    uint64_t child = SPAWN(0, LUNATIC_SELF_CONFIG, entry, (int64_t)self_pid());
    lunatic_process_monitor(child);
    EXPECT_MSG(T_FOREVER);
    lunatic_process_kill(child);
    int64_t tags[1] = {TAG_SURVIVED};
    CHECK_EQ(lunatic_receive_any(WAIT_MS), LUNATIC_PROCESS_DIED);
    CHECK_EQ(lunatic_message_get_process_id(), child);
    CHECK_EQ(lunatic_message_receive(tags, 1, 0), LUNATIC_TIMEOUT);
}

/* Runs everything with the config that preopens "."; trap scenarios get one that also
   limits memory to 8 MiB. */
ENTRY(e_main)(int64_t parent) {
    lunatic_process_die_when_link_dies(0);
    int64_t small = lunatic_process_create_config();
    CHECK(small >= 0);
    lunatic_wasi_config_preopen_dir(small, ".", 1);
    lunatic_process_config_set_max_memory(small, 8 << 20);
    basics();
    deep();
    sandbox();
    two_writers();
    forever("e_forever_step");
    forever("e_forever_execute");
    SPAWN_HELPER("e_connection_cap");
    EXPECT_MSG(T_DONE);

    static const char* const traps[] = {"t_prepare_unknown_conn",
                                        "t_execute_unknown_conn",
                                        "t_changes_unknown_conn",
                                        "t_last_error_unknown_conn",
                                        "t_bind_unknown",
                                        "t_reset_unknown",
                                        "t_step_unknown",
                                        "t_column_count_unknown",
                                        "t_column_names_unknown",
                                        "t_column_name_unknown",
                                        "t_read_column_unknown",
                                        "t_read_row_unknown",
                                        "t_finalize_twice",
                                        "t_prepare_bad_sql",
                                        "t_prepare_no_statement",
                                        "t_prepare_invalid_utf8",
                                        "t_execute_invalid_utf8",
                                        "t_open_invalid_utf8",
                                        "t_open_id_out_of_bounds",
                                        "t_step_constraint",
                                        "t_bind_unknown_variant",
                                        "t_bind_truncated",
                                        "t_bind_count_too_big",
                                        "t_bind_index_zero",
                                        "t_bind_out_of_range",
                                        "t_read_column_before_step",
                                        "t_read_column_after_done",
                                        "t_read_column_out_of_range",
                                        "t_read_column_negative",
                                        "t_read_row_before_step",
                                        "t_column_name_out_of_range",
                                        "t_read_column_len_out_of_bounds",
                                        "t_too_many_statements",
                                        "t_memory_limit"};
    for (size_t i = 0; i < sizeof traps / sizeof traps[0]; i++)
        EXPECT_TRAP_CFG(traps[i], small);
    /* With all the memory they want, these run out of stack (after a while: SQLite takes
       quadratic time over such chains). */
    EXPECT_SLOW_TRAP("t_deep_prepare");
    EXPECT_SLOW_TRAP("t_deep_execute");

    EXPECT_NOTHING();
    SEND((uint64_t)parent, T_DONE, 0);
}

/* No preopened directory: not even ":memory:" opens. */
ENTRY(e_no_preopens)(int64_t parent) {
    expect_open_refused(":memory:", 8);
    SEND((uint64_t)parent, T_DONE, 0);
}

int main(void) {
    lunatic_process_die_when_link_dies(0);
    int64_t bare = lunatic_process_create_config();
    CHECK(bare >= 0);
    SPAWN(0, bare, "e_no_preopens", (int64_t)self_pid());
    EXPECT_MSG(T_DONE);

    int64_t config = lunatic_process_create_config();
    CHECK(config >= 0);
    lunatic_process_config_set_can_spawn_processes(config, 1);
    lunatic_process_config_set_can_create_configs(config, 1);
    lunatic_wasi_config_preopen_dir(config, ".", 1);
    SPAWN(HELPER_LINK, config, "e_main", (int64_t)self_pid());
    /* The whole run, not one event: bounded by the test's timeout rather than WAIT_MS. */
    int64_t tags[2] = {T_DONE, HELPER_LINK};
    CHECK_EQ(lunatic_message_receive(tags, 2, 100 * 1000), LUNATIC_DATA_MESSAGE);
    CHECK_EQ(lunatic_message_get_tag(), T_DONE);

    EXPECT_NOTHING();
    printf("ok\n");
    return 0;
}
