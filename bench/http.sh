#!/usr/bin/env bash
# HTTP throughput: wrk against examples/http_hello under `tycho run` (one process per
# connection, keep-alive) and, in the same run, against Go's net/http answering the same
# response (bench/http/hello.go). Each connection count runs REPEAT rounds, alternating the
# two servers, and the table gives medians of requests/s and of p99 latency, and the ratio.
#
#   bench/http.sh                 # 100 and 1000 connections
#   CONNECTIONS="100" REPEAT=3 DURATION=5 bench/http.sh
#
# Needs wrk and golang-go (scripts/setup-bench.sh installs them). Settings:
#   TYCHO_BENCH_BUILD_DIR  build directory (default: build-bench/, Release)
#   TYCHO_WORKERS          tycho's --workers (default: one per core)
#   WRK_THREADS            wrk's threads (default 2)
#   DURATION               seconds per measurement (default 10), after a 2 s warm-up
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TYCHO_BENCH_BUILD_DIR:-$root/build-bench}"
workers="${TYCHO_WORKERS:-$(nproc)}"
repeat="${REPEAT:-5}"
duration="${DURATION:-10}"
wrk_threads="${WRK_THREADS:-2}"
read -r -a connection_counts <<<"${CONNECTIONS:-100 1000}"

for tool in wrk go; do
    command -v "$tool" >/dev/null ||
        { echo "$tool not found: run $root/scripts/setup-bench.sh" >&2; exit 1; }
done

configure=(cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTYCHO_TESTS=OFF)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    configure+=(-G Ninja -DCMAKE_C_COMPILER="${CC:-clang-19}" -DCMAKE_CXX_COMPILER="${CXX:-clang++-19}")
fi
"${configure[@]}" >/dev/null
cmake --build "$build" --target tycho guest_http_hello >&2
tycho="$build/src/cli/tycho"
guest="$build/examples/http_hello.wasm"

tmp="$(mktemp -d)"
servers=()
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
GOCACHE="$tmp/gocache" GO111MODULE=off go build -o "$tmp/hello-go" "$root/bench/http/hello.go"

# Enough descriptors for 1000 connections on each side, and more.
ulimit -n "$(ulimit -Hn)"

# Starts a server printing "listening on http://ADDR/" and sets `url` to that address.
start_server() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    servers+=($!)
    for _ in $(seq 100); do
        url="$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' "$log")"
        [[ -n "$url" ]] && return 0
        sleep 0.1
    done
    echo "server did not start: $*" >&2
    cat "$log" >&2
    exit 1
}
start_server "$tmp/tycho.log" "$tycho" run --workers "$workers" "$guest" 0
tycho_url=$url
start_server "$tmp/go.log" env GOMAXPROCS="$workers" "$tmp/hello-go" 0
go_url=$url

# Runs wrk; prints "requests_per_second p99_ms".
measure() {
    local connections=$1 target=$2 seconds=$3
    wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --latency "$target" >"$tmp/wrk.out" 2>&1 || true
    awk '
        function ms(v) {
            if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
            if (v ~ /s$/) return v * 1000; return v
        }
        /Requests\/sec:/ { rps = $2 }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx|Socket errors/ { errors = errors $0 "; " }
        END { printf "%.0f %.2f %s\n", rps, p99, errors }' "$tmp/wrk.out"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# wrk -t$wrk_threads -d${duration}s --latency, $repeat rounds each, tycho --workers $workers, GOMAXPROCS=$workers"
printf '%-12s %14s %14s %8s %14s %14s\n' connections tycho_req/s go_req/s ratio tycho_p99_ms go_p99_ms
for connections in "${connection_counts[@]}"; do
    : >"$tmp/tycho.$connections"
    : >"$tmp/go.$connections"
    measure "$connections" "$tycho_url" 2 >/dev/null # warm-up: connections, caches
    measure "$connections" "$go_url" 2 >/dev/null
    for _ in $(seq "$repeat"); do
        measure "$connections" "$tycho_url" "$duration" >>"$tmp/tycho.$connections"
        measure "$connections" "$go_url" "$duration" >>"$tmp/go.$connections"
    done
    t_rps=$(cut -d' ' -f1 "$tmp/tycho.$connections" | median)
    g_rps=$(cut -d' ' -f1 "$tmp/go.$connections" | median)
    t_p99=$(cut -d' ' -f2 "$tmp/tycho.$connections" | median)
    g_p99=$(cut -d' ' -f2 "$tmp/go.$connections" | median)
    ratio=$(awk -v t="$t_rps" -v g="$g_rps" 'BEGIN { printf "%.2f", g ? t / g : 0 }')
    printf '%-12s %14s %14s %8s %14s %14s\n' "$connections" "$t_rps" "$g_rps" "$ratio" "$t_p99" "$g_p99"
    errors="$(cut -d' ' -f3- "$tmp/tycho.$connections" "$tmp/go.$connections" | sort -u | tr -d '\n')"
    [[ -n "$errors" ]] && echo "  wrk reported: $errors"
done
echo "# raw rounds (req/s p99_ms):"
for connections in "${connection_counts[@]}"; do
    echo "#  $connections tycho: $(cut -d' ' -f1,2 "$tmp/tycho.$connections" | tr '\n' ',')"
    echo "#  $connections go:    $(cut -d' ' -f1,2 "$tmp/go.$connections" | tr '\n' ',')"
done
