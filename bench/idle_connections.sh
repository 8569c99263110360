#!/usr/bin/env bash
# Idle connections: CONNECTIONS (100,000) TCP connections held open at once on loopback
# against tests/net/guests/load_server.c under `tycho run`, each served by a process of its
# own, and, in the same run, against bench/idle_server.cpp, a minimal native epoll server
# (one descriptor per connection, no process), so that the cost of a Tycho process shows.
# The driver is tests/net/load_client.cpp (`hold N --pause`): it opens the connections from
# many loopback source addresses, each sends a line and gets it back while all are open,
# and the server confirms the count; then the script measures, and the driver closes them
# all and the server confirms that none is left.
#
# Reported per server, medians of REPEAT rounds (the servers alternate, each round on a
# fresh server process):
#   - time to establish all connections (first connect to last answer);
#   - the server's VmRSS (/proc/PID/status) listening and idle, and holding them all, and
#     the growth per connection (for Tycho, per process: memory the kernel keeps for the
#     sockets is not in VmRSS);
#   - the kernel's side, system-wide and for both ends of every connection: TCP sockets in
#     use and the memory of their buffers (/proc/net/sockstat, "inuse" and "mem"; an idle
#     connection's buffers are empty) while they are held, and the growth of the slab
#     caches (/proc/meminfo, Slab: socket structures, files, epoll entries) per connection.
#
#   bench/idle_connections.sh
#   CONNECTIONS=20000 REPEAT=1 bench/idle_connections.sh
#
# Settings:
#   TYCHO_BENCH_BUILD_DIR  build directory (default: build-bench/, Release)
#   TYCHO_WORKERS          tycho's --workers (default: one per core)
#   CONNECTIONS            default 100000
#   REPEAT                 rounds (default 3)
#   SOURCES                loopback source addresses 127.0.0.2... (default: one per 10,000
#                          connections, at least 4)
#   TIMEOUT                seconds a round may take to establish or close (default 600)
#
# Both sides need CONNECTIONS descriptors and a few more: the soft limit is raised to the
# hard one, and as root the hard one too (`ulimit -Hn`) when it is lower than needed; when
# that cannot be done the script says what to run, and how many connections would fit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TYCHO_BENCH_BUILD_DIR:-$root/build-bench}"
workers="${TYCHO_WORKERS:-$(nproc)}"
connections="${CONNECTIONS:-100000}"
repeat="${REPEAT:-3}"
sources="${SOURCES:-$(( (connections + 9999) / 10000 > 4 ? (connections + 9999) / 10000 : 4 ))}"
timeout="${TIMEOUT:-600}"

# ---- limits ---------------------------------------------------------------------------
# Each side holds every connection, plus a control connection, its listener or epoll
# instance and the runtime's own few descriptors.
needed=$((connections + 64))
hard=$(ulimit -Hn)
if [[ $hard != unlimited && $hard -lt $needed ]]; then
    fits=$((hard - 64))
    if [[ $(id -u) -ne 0 ]]; then
        echo "$connections connections need $needed open descriptors on each side, but the" \
             "hard limit (ulimit -Hn) is $hard: as root, run 'ulimit -Hn $needed' in this" \
             "shell (or raise nofile in /etc/security/limits.conf), or run with" \
             "CONNECTIONS=$fits" >&2
        exit 1
    fi
    nr_open=$(cat /proc/sys/fs/nr_open)
    if [[ $nr_open -lt $needed ]]; then
        echo "fs.nr_open is $nr_open, below the $needed descriptors needed:" \
             "sysctl -w fs.nr_open=$needed" >&2
        exit 1
    fi
    if ! ulimit -Hn "$needed" 2>/dev/null; then
        echo "$connections connections need $needed open descriptors on each side; the hard" \
             "limit is $hard, and raising it was refused (root without CAP_SYS_RESOURCE, as in" \
             "a container: start the container with a higher nofile limit, e.g. docker run" \
             "--ulimit nofile=$needed), or run with CONNECTIONS=$fits" >&2
        exit 1
    fi
fi
ulimit -Sn "$(ulimit -Hn)"
read -r low high </proc/sys/net/ipv4/ip_local_port_range
if (( (high - low + 1) * sources < connections )); then
    echo "$sources source addresses x $((high - low + 1)) ephemeral ports" \
         "(net.ipv4.ip_local_port_range) is below $connections connections: raise SOURCES" >&2
    exit 1
fi

# ---- build ----------------------------------------------------------------------------
configure=(cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTYCHO_TESTS=OFF)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    configure+=(-G Ninja -DCMAKE_C_COMPILER="${CC:-clang-19}" -DCMAKE_CXX_COMPILER="${CXX:-clang++-19}")
fi
"${configure[@]}" >/dev/null
cmake --build "$build" --target tycho guest_load_server tycho-load-client tycho-idle-server >&2
tycho="$build/src/cli/tycho"
server_wasm="$build/bench/load_server.wasm"
client="$build/bench/tycho-load-client"
native_server="$build/bench/tycho-idle-server"

tmp="$(mktemp -d)"
pids=()
cleanup() {
    exec 7>&- 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# "INUSE MEM_PAGES" of TCP in /proc/net/sockstat.
sockstat_tcp() { awk '$1 == "TCP:" { for (i = 2; i < NF; i++) { if ($i == "inuse") u = $(i + 1); if ($i == "mem") m = $(i + 1) } print u, m }' /proc/net/sockstat; }
slab_kib() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }

# Waits until FILE has a line matching REGEX while process PID runs; prints the line.
wait_for_line() {
    local file=$1 regex=$2 pid=$3 what=$4
    for _ in $(seq $((timeout * 10))); do
        if grep -Eq "$regex" "$file"; then grep -E "$regex" "$file" | head -1; return 0; fi
        kill -0 "$pid" 2>/dev/null || { echo "$what ended early:" >&2; cat "$file" "$file.err" >&2; exit 1; }
        sleep 0.1
    done
    echo "$what: no /$regex/ within $timeout s" >&2
    exit 1
}

# One round against one server: prints "seconds rss_before_kib rss_with_kib
# tcp_inuse_with tcp_mem_pages_with slab_before_kib slab_with_kib".
measure() {
    local log="$tmp/server.out"
    "$@" >"$log" 2>"$log.err" &
    local server=$!
    pids+=("$server")
    local port
    port=$(wait_for_line "$log" '^listening on [0-9]+$' "$server" "the server" | awk '{ print $3 }')
    local rss_before slab_before
    rss_before=$(rss_kib "$server")
    slab_before=$(slab_kib)

    rm -f "$tmp/stdin"
    mkfifo "$tmp/stdin"
    "$client" --port "$port" --sources "$sources" --timeout "$timeout" hold "$connections" \
        --pause <"$tmp/stdin" >"$tmp/client.out" 2>"$tmp/client.out.err" &
    local driver=$!
    pids+=("$driver")
    exec 7>"$tmp/stdin"
    local established
    established=$(wait_for_line "$tmp/client.out" '^established ' "$driver" "the load client")
    wait_for_line "$tmp/client.out" '^holding ' "$driver" "the load client" >/dev/null
    local rss_with sock_with slab_with
    rss_with=$(rss_kib "$server")
    sock_with=$(sockstat_tcp)
    slab_with=$(slab_kib)
    echo >&7
    exec 7>&-
    if ! wait "$driver"; then
        echo "the load client failed:" >&2
        cat "$tmp/client.out" "$tmp/client.out.err" >&2
        exit 1
    fi
    kill "$server"
    wait "$server" 2>/dev/null || true
    if [[ -s "$log.err" ]]; then
        echo "the server reported:" >&2
        cat "$log.err" >&2
        exit 1
    fi
    local seconds
    seconds=$(awk '{ print $5 }' <<<"$established")
    echo "$seconds $rss_before $rss_with $sock_with $slab_before $slab_with"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$tmp/tycho.rounds"
: >"$tmp/native.rounds"
for round in $(seq "$repeat"); do
    echo "round $round of $repeat: tycho" >&2
    measure "$tycho" run --workers "$workers" "$server_wasm" 0 >>"$tmp/tycho.rounds"
    echo "round $round of $repeat: native epoll server" >&2
    measure "$native_server" 0 >>"$tmp/native.rounds"
done

# Each round's figures (seconds, connections per second, VmRSS listening and holding in
# MiB, VmRSS per connection in bytes, TCP sockets in use, their buffers in KiB, slab per
# connection in bytes), then their medians.
derive() {
    awk -v n="$connections" '{
        printf "%.2f %.0f %.1f %.1f %.0f %d %d %.0f\n", $1, n / $1, $2 / 1024, $3 / 1024,
               ($3 - $2) * 1024 / n, $4, $5 * 4, ($7 - $6) * 1024 / n }' "$1"
}
summary() {
    local rounds=$1 column
    derive "$rounds" >"$rounds.derived"
    local -a formats=(%.2f %.0f %.1f %.1f %.0f %.0f %.0f %.0f)
    for column in 1 2 3 4 5 6 7 8; do
        printf "${formats[column - 1]} " "$(awk -v c="$column" '{ print $c }' "$rounds.derived" | median)"
    done
    echo
}
read -r t_s t_rate t_before t_with t_per t_inuse t_sock t_slab <<<"$(summary "$tmp/tycho.rounds")"
read -r n_s n_rate n_before n_with n_per n_inuse n_sock n_slab <<<"$(summary "$tmp/native.rounds")"

echo "# $connections idle connections, $sources source addresses, medians of $repeat rounds;" \
     "tycho --workers $workers ($(nproc) cores, $(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo))"
printf '| %-34s | %12s | %12s |\n' "" "tycho" "native epoll"
printf '| %-34s | %12s | %12s |\n' "---" "---:" "---:"
printf '| %-34s | %12s | %12s |\n' "time to establish, s" "$t_s" "$n_s"
printf '| %-34s | %12s | %12s |\n' "connections per second" "$t_rate" "$n_rate"
printf '| %-34s | %12s | %12s |\n' "server VmRSS listening, MiB" "$t_before" "$n_before"
printf '| %-34s | %12s | %12s |\n' "server VmRSS holding them, MiB" "$t_with" "$n_with"
printf '| %-34s | %12s | %12s |\n' "VmRSS per connection, bytes" "$t_per" "$n_per"
printf '| %-34s | %12s | %12s |\n' "TCP sockets in use (system)" "$t_inuse" "$n_inuse"
printf '| %-34s | %12s | %12s |\n' "their buffers (sockstat mem), KiB" "$t_sock" "$n_sock"
printf '| %-34s | %12s | %12s |\n' "kernel slab per connection, bytes" "$t_slab" "$n_slab"
echo "# a Tycho process adds $(awk -v t="$t_per" -v n="$n_per" 'BEGIN { print t - n }') bytes of VmRSS per connection to the native server's"
echo "# raw rounds (seconds rss_before_kib rss_with_kib tcp_inuse tcp_mem_pages slab_kib_before/with):"
sed 's/^/#  tycho:  /' "$tmp/tycho.rounds"
sed 's/^/#  native: /' "$tmp/native.rounds"
