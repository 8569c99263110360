#!/usr/bin/env bash
# Runs Tycho's process benchmarks (bench/process/process_bench.c under `tycho run`) and
# their Erlang/OTP baseline (bench/erlang/run.sh), then prints one table: Tycho's median,
# Erlang's median, their ratio and Tycho's target for each metric, followed by the raw
# result lines and the exact commands used. spawn_exit, idle_process and cold_spawn run
# twice: with the benchmark module's own (wasi-libc) children, and with the embedded small
# guest (*_small_* metrics, same Erlang baseline); max_idle runs the small guest
# (bench/process/README.md, "Two guests").
#
#   bench/processes.sh                         # every benchmark
#   bench/processes.sh ring_hop fan_in_ns      # a selection: benchmark or metric names
#   REPEAT=9 bench/processes.sh spawn_exit     # measured runs (default 5)
#
# Sizes: the environment variables of bench/erlang/README.md (SPAWN_M, IDLE_K, ...) set
# both sides alike; the defaults are the Erlang side's. Tycho-only settings:
#   TYCHO_BENCH_BUILD_DIR   build directory (default: build-bench/ at the root, Release)
#   TYCHO_WORKERS           tycho's --workers (default: one per core, like the BEAM's
#                           schedulers); fairness spins 2 x this many processes
#   TYCHO_MAX_IDLE_SECONDS  max_idle stops spawning after this (default 60; the BEAM
#                           needs a few seconds for its million)
#   TYCHO_RSS_CAP_MB        a tycho run whose VmRSS exceeds this is killed (default: half
#                           of MemAvailable), so that max_idle cannot drive the machine
#                           into the OOM killer; max_idle then reports how far it got
#   TYCHO_BENCH_TIMEOUT     seconds after which a tycho run counts as hung (default 300)
#   MEASURE_MS              the guest's pause at each memory marker (default 1500)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TYCHO_BENCH_BUILD_DIR:-$root/build-bench}"
workers="${TYCHO_WORKERS:-$(nproc)}"
max_idle_seconds="${TYCHO_MAX_IDLE_SECONDS:-60}"
run_timeout="${TYCHO_BENCH_TIMEOUT:-300}"
measure_ms="${MEASURE_MS:-1500}"
if [[ -n "${TYCHO_RSS_CAP_MB:-}" ]]; then
    rss_cap=$((TYCHO_RSS_CAP_MB * 1024 * 1024))
else
    rss_cap=$(($(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) * 1024 / 2))
fi
repeat="${REPEAT:-5}"
export REPEAT="$repeat"

# Benchmarks in run order, with their metrics.
benches=(spawn_exit idle_process cold_spawn max_idle ring_hop ping_pong fan_in fairness)
declare -A metrics_of=(
    [spawn_exit]="spawn_exit_us spawn_exit_small_us"
    [idle_process]="idle_process_bytes idle_process_small_bytes idle_process_bytes_erlang"
    [cold_spawn]="cold_spawn_us cold_spawn_kb cold_spawn_small_us cold_spawn_small_kb"
    [max_idle]="max_idle_processes max_idle_rss_bytes max_idle_spawn_ms"
    [ring_hop]="ring_hop_ns"
    [ping_pong]="ping_pong_ns"
    [fan_in]="fan_in_ns"
    [fairness]="fairness_p50_us fairness_p99_us"
)

# --- Selection ------------------------------------------------------------------------
declare -A wanted=()
for arg in "$@"; do
    for name in ${arg//,/ }; do
        found=""
        for b in "${benches[@]}"; do
            if [[ "$name" == "$b" || " ${metrics_of[$b]} " == *" $name "* ]]; then
                wanted[$b]=1
                found=1
            fi
        done
        if [[ -z "$found" ]]; then
            echo "unknown benchmark or metric '$name'; known: ${benches[*]} ${metrics_of[*]}" >&2
            exit 2
        fi
    done
done
selected=()
for b in "${benches[@]}"; do
    if [[ $# -eq 0 || -n "${wanted[$b]:-}" ]]; then selected+=("$b"); fi
done

# --- Build ----------------------------------------------------------------------------
configure=(cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTYCHO_TESTS=OFF)
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    # Compilers and generator can only be chosen when the build directory is new.
    configure+=(-G Ninja -DCMAKE_C_COMPILER="${CC:-clang-19}" -DCMAKE_CXX_COMPILER="${CXX:-clang++-19}")
fi
"${configure[@]}" >/dev/null
cmake --build "$build" --target tycho guest_process_bench >&2 # stdout is for the report
tycho="$build/src/cli/tycho"
wasm="$build/bench/process/process_bench.wasm"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/tycho.out"
: >"$tmp/erlang.out"
declare -A note=() # metric -> why Tycho's figure is missing or partial

# Every command run, in order, once each, with how often it ran.
commands=()
declare -A command_count=()
record() {
    local text
    text="$(printf '%q ' "$@")"
    text="${text% }"
    if [[ -z "${command_count[$text]:-}" ]]; then
        commands+=("$text")
        command_count[$text]=0
    fi
    command_count[$text]=$((command_count[$text] + 1))
}

# What each benchmark reads, of the sizes both sides take from the environment.
declare -A sizes_of=(
    [spawn_exit]="SPAWN_M"
    [idle_process]="IDLE_K"
    [cold_spawn]="COLD_SPAWN_K"
    [max_idle]="MAX_IDLE_TARGET"
    [ring_hop]="RING_SIZE RING_ROUNDS"
    [ping_pong]="PING_PONG_N"
    [fan_in]="FAN_IN_SENDERS FAN_IN_TOTAL"
    [fairness]="FAIRNESS_PINGS FAIRNESS_INTERVAL_MS FAIRNESS_MAX_MS FAIRNESS_BUSY"
)
sizes_set() { # sizes_set BENCH: KEY=VALUE for each of its sizes set in the environment
    local v
    for v in ${sizes_of[$1]}; do
        if [[ -n "${!v:-}" ]]; then echo "$v=${!v}"; fi
    done
}

rss_of() { # VmRSS of a process in bytes, 0 once it has gone
    local key value rest
    while read -r key value rest; do
        if [[ "$key" == VmRSS: ]]; then
            echo $((value * 1024))
            return
        fi
    done 2>/dev/null <"/proc/$1/status" || true
    echo 0
}

# tycho stderr, minus the reports of the spinners that fairness kills on purpose (printed
# only when TYCHO_LOG asks for kills: info or debug).
filter_stderr() {
    awk '/^tycho: process [0-9]+ ended: killed$/ { skip = 1; next }
         skip && /^    at / { next }
         { skip = 0; print; fflush() }' >&2
}

# tycho_run BENCH [KEY=VALUE...]: one `tycho run` of the guest, with extra guest parameters. Its result lines are appended to
# $tmp/run.out; each "@measure LABEL [VALUES]" marker becomes "LABEL RSS [VALUES]" in
# $tmp/marks, read while the guest pauses; "@note METRIC TEXT" sets note[METRIC].
# Returns the exit status (124: hung, 125: killed above the RSS cap); $tmp/progress
# holds the last "@progress" count.
tycho_run() {
    local args extra=() bench=$1
    shift
    mapfile -t args < <(sizes_set "$bench")
    case "$bench" in
    idle_process | cold_spawn) extra=("MEASURE_MS=$measure_ms") ;;
    max_idle) extra=("MEASURE_MS=$measure_ms" "MAX_IDLE_MAX_MS=$((max_idle_seconds * 1000))") ;;
    fairness) extra=("REPEAT=$repeat" "WORKERS=$workers") ;;
    *) extra=("REPEAT=$repeat") ;;
    esac
    local cmd=("$tycho" run --workers "$workers" "$wasm" "$bench" "${args[@]}" "${extra[@]}" "$@")
    record "${cmd[@]}"
    : >"$tmp/run.out"
    : >"$tmp/marks"
    echo 0 >"$tmp/progress"
    rm -f "$tmp/fifo"
    mkfifo "$tmp/fifo"
    "${cmd[@]}" >"$tmp/fifo" 2> >(filter_stderr) &
    local pid=$! fd line="" partial="" status=0 stopped=0
    local started=$SECONDS deadline=$((SECONDS + run_timeout))
    exec {fd}<"$tmp/fifo"
    while :; do
        status=0
        IFS= read -r -t 0.2 -u "$fd" line || status=$?
        if ((status == 0)); then
            line="$partial$line"
            partial=""
            case "$line" in
            "@measure "*)
                read -r -a words <<<"${line#@measure }"
                echo "${words[0]} $(rss_of "$pid") ${words[*]:1}" >>"$tmp/marks"
                ;;
            "@progress "*) echo "${line#@progress }" >"$tmp/progress" ;;
            "@note "*)
                read -r -a words <<<"${line#@note }"
                note[${words[0]}]="${line#@note "${words[0]}" }"
                ;;
            *) echo "$line" >>"$tmp/run.out" ;;
            esac
        elif ((status <= 128)); then
            break # end of output
        else
            partial+="$line" # timed out, perhaps within a line
            line=""
        fi
        if ((stopped != 0)); then continue; fi
        if ((SECONDS >= deadline)); then
            echo "  tycho run still going after ${run_timeout} s: killed" >&2
            kill -KILL "$pid" 2>/dev/null || true
            stopped=124
        elif (($(rss_of "$pid") > rss_cap)); then
            rss_at_cap="$(rss_of "$pid")"
            seconds_at_cap=$((SECONDS - started))
            echo "  tycho's VmRSS passed $((rss_cap >> 20)) MiB (TYCHO_RSS_CAP_MB): killed" >&2
            kill -KILL "$pid" 2>/dev/null || true
            stopped=125
        fi
    done
    exec {fd}<&-
    status=0
    wait "$pid" 2>/dev/null || status=$? # no "Killed" notice from bash
    if ((stopped != 0)); then return "$stopped"; fi
    return "$status"
}

# summarize METRIC UNIT VALUE...: a result line, with median, min and max.
summarize() {
    local metric=$1 unit=$2
    shift 2
    # Formatted like the Erlang side: whole numbers stay whole (a median of two is not),
    # others get at most 3 decimals.
    printf '%s\n' "$@" | sort -g | awk -v metric="$metric" -v unit="$unit" '
        function fmt(x, whole,  s) {
            if (whole) return sprintf("%.0f", x)
            s = sprintf("%.3f", x); sub(/0+$/, "", s); sub(/\.$/, ".0", s); return s
        }
        { v[++n] = $1; if ($1 !~ /^-?[0-9]+$/) real = 1 }
        END {
            m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
            printf "%s %s %s runs=%d min=%s max=%s\n", metric, fmt(m, !real && n % 2), unit, n,
                   fmt(v[1], !real), fmt(v[n], !real)
        }'
}

fail_note() { # fail_note BENCH STATUS: says why its metrics have no Tycho figure
    local why="exit status $2"
    if (($2 == 124)); then why="hung (killed after ${run_timeout} s)"; fi
    if (($2 == 125)); then why="killed above the RSS cap"; fi
    for m in ${metrics_of[$1]}; do note[$m]="$why"; done
    echo "  tycho $1 failed: $why" >&2
}

# idle_rounds METRIC [KEY=VALUE...]: idle_process once per fresh run (a warm-up run
# first), as the Erlang side does; appends METRIC's result line.
idle_rounds() {
    local metric=$1 values=() i base idle k status v
    shift
    for ((i = 0; i <= repeat; i++)); do
        status=0
        tycho_run idle_process "$@" || status=$?
        if ((status != 0)); then fail_note idle_process "$status"; return 1; fi
        base="$(awk '$1 == "baseline" { print $2 }' "$tmp/marks")"
        idle="$(awk '$1 == "idle" { print $2 }' "$tmp/marks")"
        k="$(awk '$1 == "idle" { print $3 }' "$tmp/marks")"
        if [[ -z "$base" || -z "$idle" ]]; then fail_note idle_process 1; return 1; fi
        v="$(awk -v a="$base" -v b="$idle" -v k="$k" 'BEGIN { printf "%.3f", (b - a) / k }')"
        if ((i == 0)); then
            echo "  warm-up: $metric $v bytes" >&2
        else
            echo "  run $i/$repeat: $metric $v bytes" >&2
            values+=("$v")
        fi
    done
    summarize "$metric" bytes "${values[@]}" >>"$tmp/tycho.out"
}

# cold_rounds SUFFIX [KEY=VALUE...]: cold_spawn once per fresh run (a warm-up run first),
# as the Erlang side does; appends the result lines of cold_spawn${SUFFIX}_us (the guest's
# time per spawn) and cold_spawn${SUFFIX}_kb (RSS growth per process, from the markers).
cold_rounds() {
    local suffix=$1 us_values=() kb_values=() i base idle k status us kb
    shift
    for ((i = 0; i <= repeat; i++)); do
        status=0
        tycho_run cold_spawn "$@" || status=$?
        if ((status != 0)); then fail_note cold_spawn "$status"; return 1; fi
        us="$(awk '$1 == "cold_spawn_us" { print $2 }' "$tmp/run.out")"
        base="$(awk '$1 == "baseline" { print $2 }' "$tmp/marks")"
        idle="$(awk '$1 == "idle" { print $2 }' "$tmp/marks")"
        k="$(awk '$1 == "idle" { print $3 }' "$tmp/marks")"
        if [[ -z "$us" || -z "$base" || -z "$idle" ]]; then fail_note cold_spawn 1; return 1; fi
        kb="$(awk -v a="$base" -v b="$idle" -v k="$k" 'BEGIN { printf "%.3f", (b - a) / k / 1024 }')"
        if ((i == 0)); then
            echo "  warm-up: cold_spawn${suffix}_us $us us, cold_spawn${suffix}_kb $kb KB" >&2
        else
            echo "  run $i/$repeat: cold_spawn${suffix}_us $us us, cold_spawn${suffix}_kb $kb KB" >&2
            us_values+=("$us")
            kb_values+=("$kb")
        fi
    done
    summarize "cold_spawn${suffix}_us" us "${us_values[@]}" >>"$tmp/tycho.out"
    summarize "cold_spawn${suffix}_kb" KB "${kb_values[@]}" >>"$tmp/tycho.out"
}

run_tycho() {
    local bench=$1 status=0
    case "$bench" in
    spawn_exit)
        # Children of the benchmark module itself (wasi-libc), then of the small guest.
        tycho_run spawn_exit || status=$?
        cat "$tmp/run.out" >>"$tmp/tycho.out"
        if ((status != 0)); then fail_note "$bench" "$status"; fi
        status=0
        tycho_run spawn_exit SMALL_GUEST=1 || status=$?
        sed 's/^spawn_exit_us /spawn_exit_small_us /' "$tmp/run.out" >>"$tmp/tycho.out"
        if ((status != 0)); then note[spawn_exit_small_us]="exit status $status"; fi
        ;;
    idle_process)
        idle_rounds idle_process_bytes || return 0
        idle_rounds idle_process_small_bytes SMALL_GUEST=1 || return 0
        note[idle_process_bytes_erlang]="Erlang only"
        ;;
    cold_spawn)
        cold_rounds "" || return 0
        cold_rounds _small SMALL_GUEST=1 || return 0
        ;;
    max_idle)
        # The small guest: this measures the runtime, not wasi-libc's pages (README).
        tycho_run max_idle SMALL_GUEST=1 || status=$?
        if ((status == 125)); then
            local count
            count="$(cat "$tmp/progress")"
            summarize max_idle_processes processes "$count" >>"$tmp/tycho.out"
            summarize max_idle_rss_bytes bytes "$rss_at_cap" >>"$tmp/tycho.out"
            note[max_idle_processes]="at least: killed above the RSS cap while spawning"
            note[max_idle_rss_bytes]="when killed"
            note[max_idle_spawn_ms]="killed above the RSS cap after ${seconds_at_cap} s"
        elif ((status != 0)); then
            fail_note "$bench" "$status"
            local count
            count="$(cat "$tmp/progress")"
            if ((count > 0)); then
                summarize max_idle_processes processes "$count" >>"$tmp/tycho.out"
                note[max_idle_processes]="spawned before it failed"
            fi
        else
            cat "$tmp/run.out" >>"$tmp/tycho.out"
            local rss
            rss="$(awk '$1 == "max_idle" { print $2 }' "$tmp/marks")"
            if [[ -n "$rss" ]]; then
                summarize max_idle_rss_bytes bytes "$rss" >>"$tmp/tycho.out"
            fi
        fi
        ;;
    *)
        tycho_run "$bench" || status=$?
        cat "$tmp/run.out" >>"$tmp/tycho.out"
        if ((status != 0)); then fail_note "$bench" "$status"; fi
        ;;
    esac
}

run_erlang() {
    local args
    mapfile -t args < <(sizes_set "$1")
    local cmd=(env "${args[@]}" "REPEAT=$repeat" "$root/bench/erlang/run.sh" "$1")
    record "${cmd[@]}"
    "${cmd[@]}" >>"$tmp/erlang.out" || echo "  erlang $1 failed (exit status $?)" >&2
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
start=$SECONDS
for bench in "${selected[@]}"; do
    t=$SECONDS
    echo "== $bench: Erlang" >&2
    run_erlang "$bench"
    echo "== $bench: Tycho" >&2
    run_tycho "$bench"
    echo "  ($bench: $((SECONDS - t)) s)" >&2
done

# --- Report ---------------------------------------------------------------------------
field() { # field FILE METRIC N: the Nth word of METRIC's result line
    awk -v m="$2" -v n="$3" '$1 == m { print $n; exit }' "$1"
}
target_of() { # "OP VALUE", or "OP RATIOx" for a bound on Tycho/Erlang
    case "$1" in
    spawn_exit_us | spawn_exit_small_us) echo "<= 2" ;;
    idle_process_bytes | idle_process_small_bytes) echo "<= 16384" ;;
    cold_spawn_us | cold_spawn_small_us) echo "<= 1.5x" ;;
    cold_spawn_kb | cold_spawn_small_kb) echo "<= 8" ;;
    max_idle_processes) echo ">= 1000000" ;;
    ring_hop_ns) echo "<= 300" ;;
    *) echo "-" ;;
    esac
}

echo
printf '%-26s %-9s %14s %14s %12s %-6s %-11s %-4s %s\n' metric unit Tycho Erlang \
    Tycho/Erlang better target met? note
for bench in "${selected[@]}"; do
    for m in ${metrics_of[$bench]}; do
        tv="$(field "$tmp/tycho.out" "$m" 2)"
        ev="$(field "$tmp/erlang.out" "${m/_small/}" 2)" # the small guest's baseline too
        unit="$(field "$tmp/tycho.out" "$m" 3)"
        [[ -n "$unit" ]] || unit="$(field "$tmp/erlang.out" "$m" 3)"
        better=lower
        if [[ "$m" == max_idle_processes ]]; then better=higher; fi
        ratio=-
        if [[ -n "$tv" && -n "$ev" ]]; then
            ratio="$(awk -v a="$tv" -v b="$ev" 'BEGIN { print (b == 0 ? "-" : sprintf("%.2f", a / b)) }')"
        fi
        target="$(target_of "$m")"
        met=-
        if [[ "$target" != "-" ]]; then
            met=no
            value="$tv" bound="${target#* }"
            if [[ "$bound" == *x ]]; then value="${ratio/#-/}" bound="${bound%x}"; fi
            if [[ -n "$value" ]] && awk -v v="$value" -v t="$bound" -v op="${target%% *}" \
                'BEGIN { exit !(op == "<=" ? v <= t : v >= t) }'; then met=yes; fi
        fi
        printf '%-26s %-9s %14s %14s %12s %-6s %-11s %-4s %s\n' "$m" "$unit" "${tv:-n/a}" \
            "${ev:-n/a}" "$ratio" "$better" "$target" "$met" "${note[$m]:-}"
    done
done

echo
echo "Tycho (tycho run --workers $workers, $(basename "$wasm")):"
sed 's/^/  /' "$tmp/tycho.out"
otp="$(erl -noshell -eval 'io:format("~s", [erlang:system_info(otp_release)]), halt().' 2>/dev/null ||
    echo "?")"
echo "Erlang/OTP $otp (erl +P 2000000, one scheduler per core):"
sed 's/^/  /' "$tmp/erlang.out"
echo "Load average (1, 5, 15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)" \
    "($(nproc) cores; other load makes the figures noisy)"
echo
echo "Commands (from $root):"
for c in "${commands[@]}"; do
    n="${command_count[$c]}"
    if ((n > 1)); then echo "  $c    # x$n, a fresh run each"; else echo "  $c"; fi
done
echo "done: ${selected[*]} in $((SECONDS - start)) s (REPEAT=$repeat)" >&2
