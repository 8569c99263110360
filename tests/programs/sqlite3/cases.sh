#!/usr/bin/env bash
# The sqlite3 shell's Wasm build against its native build: cases.sh CASE (see compare.sh).
#   sql.NAME  the SQL program sql/NAME.sql from stdin on an in-memory database
#   files     database files in a preopened working directory: created, filled from a CSV
#             file with .import, queried again, .dump, .output, .read, .backup, VACUUM INTO;
#             after each step both directories must hold the same files, byte for byte
#   errors    syntax, constraint and run-time errors, with and without -bail: the same
#             messages and statuses
#   options   -version, -help, output modes from the command line, a bad option
# Every run names an empty -init file, so that neither build looks for ~/.sqliterc (the
# native one would find the user's home; the Wasm build has none and says so).
# shellcheck source=tests/programs/compare.sh
source "$(dirname "$0")/../compare.sh"
case_name=${1:?usage: cases.sh CASE}
here="$(cd "$(dirname "$0")" && pwd)"
w="$SCRATCH/wasm-dir"
n="$SCRATCH/native-dir"
mkdir -p "$w" "$n"
: >"$w/init.sql"
: >"$n/init.sql"

# sql <label> <stdin file> ARGS...: sqlite3 -init init.sql ARGS in the working directories.
sql() {
  local label=$1 input=$2
  shift 2
  both "$label" "$input" "$w:$n" -init init.sql "$@"
}

# text <name> <text>: a file $SCRATCH/<name> holding the text, for stdin.
text() {
  printf '%s\n' "$2" >"$SCRATCH/$1"
}

sql_case() {
  sql "$1" "$here/sql/$1.sql"
  expect_status "$1" 0
}

files_case() {
  local dir
  for dir in "$w" "$n"; do
    awk 'BEGIN {
      print "id,name,weight,joined"
      srand(3)
      for (i = 1; i <= 500; i++)
        printf "%d,member %d,%.1f,2023-%02d-%02d\n", i, (i * 37) % 1000, 40 + rand() * 80,
          1 + int(rand() * 12), 1 + int(rand() * 28)
    }' >"$dir/members.csv"
    printf '%s\n' "SELECT count(*), printf('%.1f', avg(weight)) FROM members;" \
      "SELECT name FROM members WHERE id IN (1, 250, 500);" >"$dir/report.sql"
  done
  # SQLite gives each file it writes the time it writes it: contents are what is compared.
  stamp_outputs=true
  # step <expected status> <database or ""> <commands>: one sqlite3 run in both directories.
  step() {
    local status=$1 database=$2 input="$SCRATCH/step$((steps + 1)).in"
    printf '%s\n' "$3" >"$input"
    if [ -n "$database" ]; then
      tree_step "$w" "$n" "$input" "$status" -init init.sql "$database"
    else
      tree_step "$w" "$n" "$input" "$status" -init init.sql
    fi
  }
  step 0 club.db "$(printf '%s\n' '.mode csv' '.import members.csv members' \
    'CREATE INDEX members_by_month ON members(substr(joined, 6, 2));' \
    'CREATE TABLE visits(member INTEGER REFERENCES members(id), day TEXT);' \
    "WITH RECURSIVE v(i) AS (VALUES(1) UNION ALL SELECT i + 1 FROM v WHERE i < 3000)
     INSERT INTO visits SELECT 1 + (i * 7919) % 500, date('2023-01-01', '+' || (i % 365) || ' days') FROM v;")"
  step 0 club.db "$(printf '%s\n' '.read report.sql' \
    "SELECT substr(joined, 6, 2) AS month, count(*) FROM members GROUP BY month ORDER BY month;" \
    "SELECT m.name, count(*) AS visits FROM visits JOIN members AS m ON m.id = visits.member
      GROUP BY m.id ORDER BY visits DESC, m.id LIMIT 5;")"
  step 0 club.db "$(printf '%s\n' 'BEGIN;' 'DELETE FROM visits WHERE day < '"'2023-03-01'"';' \
    'UPDATE members SET weight = weight + 1 WHERE id % 3 = 0;' 'COMMIT;' \
    '.output summary.txt' 'SELECT count(*), sum(weight) FROM members JOIN visits ON id = member;' \
    '.output stdout' '.tables' '.schema visits')"
  step 0 club.db "$(printf '%s\n' '.backup copy.db' "VACUUM INTO 'vacuumed.db';" '.dbconfig defensive')"
  step 0 copy.db "$(printf '%s\n' '.once dump.sql' '.dump' 'PRAGMA integrity_check;')"
  step 0 "" "$(printf '%s\n' '.read dump.sql' "SELECT count(*) FROM visits;" "ATTACH 'vacuumed.db' AS v;" \
    "SELECT count(*) FROM v.members;" 'SELECT name FROM pragma_database_list;')"
  step 1 "" '.read missing.sql'
  step 0 "" "$(printf '%s\n' ".open missing/nowhere.db" 'CREATE TABLE t(x);')"
}

errors_case() {
  text syntax "$(printf '%s\n' 'SELECT 1 +;' 'SELEC 2;' 'SELECT "unterminated;' \
    "SELECT 'still running';" 'CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL UNIQUE);' \
    "INSERT INTO t VALUES (1, 'x'), (2, 'x');" 'INSERT INTO t VALUES (3, NULL);' \
    'SELECT * FROM missing;' 'SELECT nosuchfunction(1);' 'SELECT count(*) FROM t;' \
    "SELECT json_extract('{bad', '$');" 'SELECT abs(-9223372036854775808);' \
    "SELECT CAST('12abc' AS INTEGER), 1 / 0, 5 % 0;" '.nosuchcommand' '.mode nosuchmode')"
  sql syntax "$SCRATCH/syntax"
  expect_status syntax 1
  sql bail "$SCRATCH/syntax" -bail
  expect_status bail 1
  text bail-command "$(printf '%s\n' '.bail on' 'SELECT 1;' 'SELECT * FROM missing;' 'SELECT 2;')"
  sql bail-command "$SCRATCH/bail-command"
  text recursion "$(printf '%s\n' \
    'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT i FROM r LIMIT 3;' \
    'CREATE TABLE tree(id, parent);' \
    'CREATE TRIGGER forever AFTER INSERT ON tree BEGIN INSERT INTO tree VALUES (new.id + 1, new.id); END;' \
    'INSERT INTO tree VALUES (1, NULL);' 'SELECT count(*) FROM tree;')"
  sql recursion "$SCRATCH/recursion"
}

options_case() {
  local none="$SCRATCH/no-input"
  : >"$none"
  sql version "$none" -version
  expect_status version 0
  sql help "$none" -help
  sql bad-option "$none" -bogus
  expect_status bad-option 1
  local query="SELECT 1 AS one, 'two' AS two UNION ALL SELECT 3, 'four'"
  local mode
  for mode in -csv -html -line -column -markdown -table -json -quote; do
    sql "mode$mode" "$none" -header "$mode" :memory: "$query"
  done
  sql cmd "$none" -cmd '.mode tabs' :memory: "$query" 'SELECT sqlite_version()'
}

case "$case_name" in
  sql.*) sql_case "${case_name#sql.}" ;;
  files) files_case ;;
  errors) errors_case ;;
  options) options_case ;;
  *) echo "unknown case '$case_name'" >&2 && exit 2 ;;
esac
finish
