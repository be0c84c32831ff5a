#!/usr/bin/env bash
# Clientele benchmark: the service's create/read throughput against raw PostgreSQL (pgbench) on the SAME server,
# measured in one run, plus create latency at a constant half load; prints ratios with PASS/FAIL against the
# targets and writes everything to bench/results/<timestamp>.txt. See docs/benchmarks.md.
#
#   bench/run.sh                       copies the tree to $BENCH_BUILD_DIR, builds it and starts the local stack
#                                      (./mvnw -Plocal: PostgreSQL, Kafka, Redis, OIDC issuer, service), measures,
#                                      and stops everything it started
#   BASE_URL=http://127.0.0.1:8080 PGPORT=15432 bench/run.sh
#                                      measures an already running stack instead (nothing is built or stopped)
#
# Environment (defaults in brackets):
#   DURATION [25] seconds per measured scenario    WARMUP [5] seconds of discarded load before each HTTP scenario
#   CONNS ["2 16"] concurrency levels              SEED [10000] customers created before measuring
#   HALF_LOAD_SECONDS [30] open-loop latency run   MAX_SECONDS [3600] hard limit for the whole run
#   BENCH_BUILD_DIR [/tmp/clientele-bench]         KEEP_DATA [0] 1 keeps the PostgreSQL data of earlier local runs
#   local mode ports (its own set, so it runs beside a developer's ./mvnw -Plocal on the default ports):
#     HTTP_PORT [24080] PGPORT [24432] KAFKA_PORT [24092] REDIS_PORT [24379] OIDC_PORT [24180]
#   MVN_ARGS [] extra Maven arguments (e.g. -o)    READY_TIMEOUT [900] seconds to wait for build + start-up
#   QUIET_WAIT [60] before each phase, wait up to this many seconds for processes outside the benchmark to idle
#   NOISE_RETRIES [2] repeat a phase (up to this many times) when other processes used > 0.25 cores during it
#   (both only matter on a shared machine; the "noise" column shows what other processes used in each phase)
#   external mode: BASE_URL, PGHOST [127.0.0.1], PGPORT [15432], PGUSER [postgres], PGDATABASE [clientele],
#                  TOKEN_URL, CLIENT_ID [demo-partner], CLIENT_SECRET [demo-partner-secret], TENANT [demo]
set -Eeuo pipefail

# --- Targets of the issue: fixed here on purpose, so every run is judged by the same limits -----------------
readonly CREATE_MIN_RATIO=0.8   # create req/s >= 0.8 x pgbench single-row INSERT tps, same concurrency
readonly READ_MIN_RATIO=0.6     # read req/s   >= 0.6 x pgbench select-only tps, same concurrency
readonly HALF_LOAD_P99_MAX_MS=25 # create p99 at a constant rate of half the create throughput at the lowest concurrency

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
DURATION=${DURATION:-25}
WARMUP=${WARMUP:-5}
CONNS=${CONNS:-"2 16"}
SEED=${SEED:-10000}
HALF_LOAD_SECONDS=${HALF_LOAD_SECONDS:-30}
MAX_SECONDS=${MAX_SECONDS:-3600}
READY_TIMEOUT=${READY_TIMEOUT:-900}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-bench}
KEEP_DATA=${KEEP_DATA:-0}
MVN_ARGS=${MVN_ARGS:-}
QUIET_WAIT=${QUIET_WAIT:-60}
NOISE_RETRIES=${NOISE_RETRIES:-2}
readonly NOISE_LIMIT=0.25 # cores used by other processes during a measurement above which it is repeated

# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
endpoints 24

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN_ID=$(date -u +%s)-$$
RESULTS_DIR=$BENCH_DIR/results
mkdir -p "$RESULTS_DIR"
OUT=$RESULTS_DIR/$STAMP.txt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/clientele-bench-run.XXXXXX")
STACK_PID="" WATCHDOG_PID="" TOOL_PID="" SCRATCH_TABLES=0 STACK_LOG=""
exec > >(tee -a "$OUT") 2>&1


# --- Cleanup: stop exactly what this script started ----------------------------------------------------------
cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    alive "$TOOL_PID" && kill "$TOOL_PID" 2>/dev/null
    alive "$WATCHDOG_PID" && kill "$WATCHDOG_PID" 2>/dev/null
    if [[ $SCRATCH_TABLES == 1 ]]; then
        timeout 15 psql -qX -c "DROP TABLE IF EXISTS bench_insert, bench_read, bench_customer, bench_history, bench_outbox" >/dev/null 2>&1 || true
    fi
    if [[ -n "$STACK_PID" ]]; then
        stop_local_stack
        [[ -n "$STACK_LOG" && -f "$STACK_LOG" ]] && cp "$STACK_LOG" "$RESULTS_DIR/$STAMP.stack.log" 2>/dev/null || true
    fi
    rm -rf "$SCRATCH"
    [[ $rc == 0 ]] && log "results: $OUT" || log "failed (exit $rc); partial results: $OUT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Hard time limit for the whole run.
( trap 'kill $sp 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & sp=$!; wait $sp && { echo "[bench] time limit of ${MAX_SECONDS}s reached" >&2; kill -TERM $$; } ) &
WATCHDOG_PID=$!

# Runs a load tool in the background and waits, so that Ctrl-C / the time limit are handled at once.
run_tool() { # out-file command...
    local out=$1; shift
    "$@" >"$out" 2>&1 &
    TOOL_PID=$!
    local rc=0
    wait "$TOOL_PID" || rc=$?
    TOOL_PID=""
    return $rc
}

# --- Tools -----------------------------------------------------------------------------------------------------
ensure_tool wrk wrk
ensure_tool pgbench postgresql-client
ensure_tool psql postgresql-client
ensure_tool curl curl
ensure_tool ss iproute2
command -v java >/dev/null 2>&1 || die "java (17+) is required"
[[ $MODE == local ]] && ensure_tool rsync rsync

# --- Helpers -----------------------------------------------------------------------------------------------------

# CPU accounting per phase, in clock ticks: service JVM, PostgreSQL (postmaster + backends, including exited
# ones through the postmaster's cutime), the local-stack JVM (Kafka broker, OIDC issuer) + redis, the load tool
# (children of this shell, via `times`), and the whole machine from /proc/stat.
CLK_TCK=$(getconf CLK_TCK)
ticks() { [[ -n "$1" && -r /proc/$1/stat ]] && sed 's/.*) //' "/proc/$1/stat" | awk -v all="${2:-0}" '{ print $12 + $13 + (all ? $14 + $15 : 0) }' || echo 0; }
pg_ticks() {
    local pm=$PG_PID total child
    [[ -n "$pm" ]] || { echo 0; return; }
    total=$(ticks "$pm" 1)
    for child in $(ps -o pid= --ppid "$pm" 2>/dev/null); do total=$((total + $(ticks "$child"))); done
    echo "$total"
}
infra_ticks() {
    local total=0 p
    for p in $INFRA_PIDS; do total=$((total + $(ticks "$p"))); done
    echo "$total"
}
# `times` must run in this shell (not in $(...)): a subshell starts with zero child time.
children_ticks() { awk -v hz="$CLK_TCK" 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz }' "$SCRATCH/times"; }
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
cpu_begin() { times >"$SCRATCH/times"; C0=("$(ticks "$SERVICE_PID")" "$(pg_ticks)" "$(infra_ticks)" "$(children_ticks)" $(machine_ticks)); }
# Callers run `times >"$SCRATCH/times"` first, in this shell: cpu_delta runs inside $(...).
cpu_delta() { # -> "service postgres infra tool other idle" in cores since cpu_begin
    local c1=("$(ticks "$SERVICE_PID")" "$(pg_ticks)" "$(infra_ticks)" "$(children_ticks)" $(machine_ticks))
    awk -v ncpu="$(nproc)" -v s="$((c1[0] - C0[0]))" -v p="$((c1[1] - C0[1]))" -v i="$((c1[2] - C0[2]))" \
        -v t="$((c1[3] - C0[3]))" -v busy="$((c1[4] - C0[4]))" -v all="$((c1[5] - C0[5]))" 'BEGIN {
            if (all <= 0) all = 1
            f = ncpu / all # ticks -> cores
            other = busy - s - p - i - t; if (other < 0) other = 0
            printf "%.2f %.2f %.2f %.2f %.2f %.2f\n", s * f, p * f, i * f, t * f, other * f, (all - busy) * f }'
}
cpu_end() { # label [requests per second] -> cores used per component over the phase (and CPU ms per request)
    local d
    times >"$SCRATCH/times"
    read -r -a d <<<"$(cpu_delta)"
    printf '  cpu (cores of %d) %-22s service %s | postgres %s | kafka+oidc+redis %s | load tool %s | other %s | idle %s\n' \
        "$(nproc)" "$1" "${d[@]}"
    if [[ -n "${2:-}" ]] && ge "$2" 0.001; then
        awk -v r="$2" -v s="${d[0]}" -v p="${d[1]}" -v t="${d[3]}" 'BEGIN {
            printf "  cpu per request %-24s service %.3f ms | postgres %.3f ms | load tool %.3f ms\n", "", s / r * 1000, p / r * 1000, t / r * 1000 }'
    fi
    # "other" = processes outside the benchmark (noise); remember the worst phase for the summary.
    LAST_OTHER=${d[4]}
}
# True when the phase just measured should be repeated: too much CPU went to other processes, and retries are left.
repeat_noisy() { # key attempt
    ge "$NOISE_LIMIT" "$LAST_OTHER" && return 1
    (($2 < NOISE_RETRIES)) || return 1
    log "repeating $1: other processes used $LAST_OTHER cores during it"
}
# QUIET_WAIT > 0: before a phase, wait (up to that many seconds) until processes outside the benchmark use less than
# 0.15 cores, measured over 3 s; for machines shared with builds and tests.
wait_quiet() {
    ((QUIET_WAIT > 0)) || return 0
    local deadline=$(($(date +%s) + QUIET_WAIT)) d waited=0
    while :; do
        cpu_begin
        sleep 3
        times >"$SCRATCH/times"
        read -r -a d <<<"$(cpu_delta)"
        if ge 0.15 "${d[4]}"; then
            ((waited == 0)) || log "other processes went quiet after $waited s"
            break
        fi
        if (($(date +%s) >= deadline)); then
            log "note: other processes still use ${d[4]} cores after ${QUIET_WAIT}s; measuring anyway"
            break
        fi
        waited=$((waited + 3))
    done
}
LAST_OTHER=0

# --- Start or find the stack ---------------------------------------------------------------------------------------
START_EPOCH=$(date +%s)
log "Clientele benchmark $STAMP ($MODE mode, $BASE_URL, PostgreSQL $PGHOST:$PGPORT/$PGDATABASE)"
[[ $MODE == local ]] && start_local_stack

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
if ge "$LOAD_BEFORE" 0.5; then
    log "note: load average is already $LOAD_BEFORE before the run: other work on this machine makes figures noisy"
fi
wait_ready
log "ready after $(($(date +%s) - START_EPOCH)) s"
sql -c "SELECT 1" >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"

SERVICE_PID=$(listener_pid "${BASE_URL##*:}")
PG_PID=$(listener_pid "$PGPORT")
INFRA_PIDS=""
if [[ $MODE == local ]]; then
    INFRA_PIDS="$STACK_PID $(listener_pid "$REDIS_PORT")"
fi
[[ -n "$SERVICE_PID" ]] || log "note: service process not found on port ${BASE_URL##*:}: no RSS/CPU for it"
[[ -n "$PG_PID" ]] || log "note: PostgreSQL process not found on port $PGPORT: no CPU figures for it"

# --- Context ------------------------------------------------------------------------------------------------------------
GIT_REV=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo "?")
[[ -n $(git -C "$REPO_DIR" status --porcelain 2>/dev/null | grep -v '^?? bench/results' || true) ]] && GIT_REV="$GIT_REV+uncommitted"
TOKEN_TTL=$(curl -sS --max-time 10 -d grant_type=client_credentials -d "client_id=$CLIENT_ID" -d "client_secret=$CLIENT_SECRET" \
    "$TOKEN_URL" | sed -nE 's/.*"expires_in":([0-9]+).*/\1/p')
PG_SETTINGS=$(sql -F' ' -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings WHERE name IN
    ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections', 'server_version')")
cat <<EOF

== context ==
date (UTC)      $(date -u '+%Y-%m-%d %H:%M:%S')
tree            $GIT_REV
machine         $(nproc) cores ($(sed -nE 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)
java            $(java -version 2>&1 | head -1)
tools           $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(pgbench --version)
postgresql      $PG_SETTINGS
service pid     ${SERVICE_PID:-?}, postgres pid ${PG_PID:-?}; token lifetime ${TOKEN_TTL:-?} s (a fresh token per scenario)
settings        DURATION=${DURATION}s WARMUP=${WARMUP}s CONNS="$CONNS" SEED=$SEED HALF_LOAD_SECONDS=${HALF_LOAD_SECONDS}s QUIET_WAIT=${QUIET_WAIT}s NOISE_RETRIES=$NOISE_RETRIES
EOF

# --- Seed -------------------------------------------------------------------------------------------------------------
# wrk threads stop after SEED/threads responses, but wrk itself only ends after -d; stop it once the rows are there.
existing=$(sql -c "SELECT count(*) FROM customer WHERE tenant_id = '$TENANT' AND deleted_at IS NULL")
if ((existing < SEED)); then
    missing=$((SEED - existing))
    log "seeding $missing customers through the API (16 connections; also warms up the create path)"
    BENCH_MODE=create BENCH_TOKEN=$(token) BENCH_RUN_ID=$RUN_ID-seed BENCH_STOP_AFTER=$(((missing + 1) / 2)) \
        wrk -t2 -c16 -d300s --timeout 10s -s "$BENCH_DIR/wrk/customers.lua" "$BASE_URL" >"$SCRATCH/seed.out" 2>&1 &
    TOOL_PID=$!
    seed_deadline=$(($(date +%s) + 300))
    while alive "$TOOL_PID"; do
        sleep 1
        now_rows=$(sql -c "SELECT count(*) FROM customer WHERE tenant_id = '$TENANT' AND deleted_at IS NULL")
        if ((now_rows >= SEED)) || (($(date +%s) > seed_deadline)); then kill -INT "$TOOL_PID" 2>/dev/null || true; fi
    done
    wait "$TOOL_PID" 2>/dev/null || true
    TOOL_PID=""
    existing=$(sql -c "SELECT count(*) FROM customer WHERE tenant_id = '$TENANT' AND deleted_at IS NULL")
    ((existing >= SEED)) || { cat "$SCRATCH/seed.out"; die "seeding stopped at $existing customers"; }
fi
log "$existing customers in tenant $TENANT"

# Scratch tables for pgbench, in the service's database: an INSERT target with the customer columns (primary key
# only), a numbered copy of SEED customers for primary-key reads (the read scenario uses the same customers), and
# copies of customer, change_history and outbox_event with all their indexes for the create-transaction replica
# (own identity columns, so the service's sequences are not touched).
SCRATCH_TABLES=1
sql <<SQL >/dev/null
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_insert, bench_read, bench_customer, bench_history, bench_outbox;
CREATE TABLE bench_insert (LIKE customer INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (id));
CREATE TABLE bench_customer (LIKE customer INCLUDING ALL);
CREATE TABLE bench_outbox (LIKE outbox_event INCLUDING ALL EXCLUDING DEFAULTS);
ALTER TABLE bench_outbox ALTER COLUMN seq ADD GENERATED BY DEFAULT AS IDENTITY;
CREATE TABLE bench_history (LIKE change_history INCLUDING ALL EXCLUDING DEFAULTS);
ALTER TABLE bench_history ALTER COLUMN seq ADD GENERATED BY DEFAULT AS IDENTITY;
CREATE TABLE bench_read AS
    SELECT row_number() OVER (ORDER BY c.id) AS n, c.*
      FROM (SELECT * FROM customer WHERE tenant_id = '$TENANT' AND deleted_at IS NULL ORDER BY created_at LIMIT $SEED) c;
ALTER TABLE bench_read ADD PRIMARY KEY (n);
VACUUM ANALYZE bench_read;
ANALYZE customer;
SQL
READ_ROWS=$(sql -c "SELECT count(*) FROM bench_read")
sql -c "SELECT id FROM bench_read ORDER BY n" >"$SCRATCH/ids.txt"
log "row width: customer avg $(sql -c "SELECT round(avg(pg_column_size(c.*))) FROM customer c") bytes; $READ_ROWS ids for reads"

# --- Scenarios --------------------------------------------------------------------------------------------------------
quiesce() { # let the outbox relay catch up and flush dirty pages, so a scenario does not pay for the previous one
    local i backlog
    for ((i = 0; i < 60; i++)); do
        backlog=$(sql -c "SELECT count(*) FROM outbox_event" 2>/dev/null || echo 0)
        ((backlog == 0)) && break
        sleep 1
    done
    ((backlog == 0)) || log "note: outbox backlog still $backlog rows"
    sql -c "CHECKPOINT" >/dev/null 2>&1 || true
    sleep 1
    wait_quiet
}

declare -A RPS P50 P99 ERR NOISE
wrk_scenario() { # key mode conns
    local key=$1 mode=$2 conns=$3 threads=$(($3 < 2 ? $3 : 2)) line
    local -a env=(BENCH_MODE="$mode" BENCH_IDS="$SCRATCH/ids.txt")
    if ((WARMUP > 0)); then
        run_tool "$SCRATCH/warm.out" env "${env[@]}" BENCH_TOKEN="$(token)" BENCH_RUN_ID="$RUN_ID-$key-warm" \
            timeout $((WARMUP + 30)) wrk -t"$threads" -c"$conns" -d"${WARMUP}s" --timeout 10s \
            -s "$BENCH_DIR/wrk/customers.lua" "$BASE_URL" || true
    fi
    local attempt
    for ((attempt = 0; ; attempt++)); do
        quiesce
        cpu_begin
        run_tool "$SCRATCH/$key.out" env "${env[@]}" BENCH_TOKEN="$(token)" BENCH_RUN_ID="$RUN_ID-$key-$attempt" \
            timeout $((DURATION + 30)) wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s \
            -s "$BENCH_DIR/wrk/customers.lua" "$BASE_URL" || { cat "$SCRATCH/$key.out"; die "wrk failed ($key)"; }
        line=$(grep '^BENCH ' "$SCRATCH/$key.out") || { cat "$SCRATCH/$key.out"; die "no result from wrk ($key)"; }
        RPS[$key]=$(kv "$line" rps) P50[$key]=$(kv "$line" p50_ms) P99[$key]=$(kv "$line" p99_ms)
        ERR[$key]=$(($(kv "$line" status_errors) + $(kv "$line" socket_errors)))
        log "$key: $(fmt "${RPS[$key]}") req/s, p50 ${P50[$key]} ms, p99 ${P99[$key]} ms, errors ${ERR[$key]}"
        cpu_end "$key" "${RPS[$key]}"
        repeat_noisy "$key" "$attempt" || break
    done
    NOISE[$key]=$LAST_OTHER
}

pgbench_scenario() { # key script conns [pgbench args...]
    local key=$1 script=$2 conns=$3 threads=$(($3 < 2 ? $3 : 2)) out tps failed
    shift 3
    local attempt
    for ((attempt = 0; ; attempt++)); do
        quiesce
        rm -f "$SCRATCH"/pgblog*
        cpu_begin
        # 1 transaction in 5 is logged: enough for percentiles without making pgbench (same cores) pay for logging.
        run_tool "$SCRATCH/$key.out" bash -c 'cd "$1" && shift && exec "$@"' _ "$SCRATCH" \
            timeout $((DURATION + 60)) pgbench -n -M prepared -c "$conns" -j "$threads" -T "$DURATION" \
            -l --sampling-rate=0.2 --log-prefix=pgblog "$@" -f "$BENCH_DIR/pgbench/$script" \
            || { cat "$SCRATCH/$key.out"; die "pgbench failed ($key)"; }
        out=$(cat "$SCRATCH/$key.out")
        tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$out" | tail -1)
        failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' <<<"$out")
        [[ -n $tps ]] || { echo "$out"; die "no tps from pgbench ($key)"; }
        cat "$SCRATCH"/pgblog* | awk '{ print $3 }' | sort -n >"$SCRATCH/lat.txt"
        RPS[$key]=$tps ERR[$key]=${failed:-0}
        P50[$key]=$(awk -v p=50 '{ v[NR] = $1 } END { r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; printf "%.2f", v[r] / 1000 }' "$SCRATCH/lat.txt")
        P99[$key]=$(awk -v p=99 '{ v[NR] = $1 } END { r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; printf "%.2f", v[r] / 1000 }' "$SCRATCH/lat.txt")
        log "$key: $(fmt "$tps") tps, p50 ${P50[$key]} ms, p99 ${P99[$key]} ms, failed ${ERR[$key]}"
        cpu_end "$key" "$tps"
        repeat_noisy "$key" "$attempt" || break
    done
    NOISE[$key]=$LAST_OTHER
}

RSS_IDLE=$(rss_mb "$SERVICE_PID" VmRSS)
for c in $CONNS; do
    log "-- concurrency $c --"
    wrk_scenario "create@$c" create "$c"
    pgbench_scenario "insert@$c" insert.sql "$c"
    pgbench_scenario "txn@$c" create_txn.sql "$c"
    wrk_scenario "read@$c" read "$c"
    pgbench_scenario "select@$c" select.sql "$c" -D "rows=$READ_ROWS"
done

# Latency at half load: open loop at half the create throughput measured above at the lowest concurrency.
LOW=$(tr ' ' '\n' <<<"$CONNS" | grep . | sort -n | head -1)
HALF_RATE=$(awk -v r="${RPS[create@$LOW]}" 'BEGIN { printf "%.0f", r / 2 }')
log "-- create at a constant ${HALF_RATE} req/s (half of create@$LOW) for ${HALF_LOAD_SECONDS}s, open loop --"
# Compiled first (rather than `java bench/RateLoad.java`) so that javac's CPU does not count in the phase.
RATELOAD=("$BENCH_DIR/RateLoad.java")
if command -v javac >/dev/null 2>&1; then
    mkdir -p "$SCRATCH/rateload"
    javac -d "$SCRATCH/rateload" "$BENCH_DIR/RateLoad.java" || die "cannot compile bench/RateLoad.java"
    RATELOAD=(-cp "$SCRATCH/rateload" RateLoad)
fi
for ((attempt = 0; ; attempt++)); do
    quiesce
    cpu_begin
    run_tool "$SCRATCH/half.out" env BENCH_TOKEN="$(token)" timeout $((HALF_LOAD_SECONDS + WARMUP + 90)) \
        java -Xmx128m -XX:+UseSerialGC "${RATELOAD[@]}" --url "$BASE_URL/v1/customers" --rate "$HALF_RATE" \
        --seconds "$HALF_LOAD_SECONDS" --warmup "$WARMUP" --run-id "$RUN_ID-half-$attempt" \
        || { cat "$SCRATCH/half.out"; die "RateLoad failed"; }
    HALF=$(grep '^RATELOAD ' "$SCRATCH/half.out") || { cat "$SCRATCH/half.out"; die "no result from RateLoad"; }
    log "half load: $HALF"
    cpu_end "create@${HALF_RATE}/s" "$(kv "$HALF" achieved_rps)"
    repeat_noisy "half load" "$attempt" || break
done
NOISE[half]=$LAST_OTHER

RSS_END=$(rss_mb "$SERVICE_PID" VmRSS)
RSS_PEAK=$(rss_mb "$SERVICE_PID" VmHWM)
INFRA_RSS=""
[[ $MODE == local ]] && INFRA_RSS="; local-stack JVM (Kafka, OIDC issuer) $(rss_mb "$STACK_PID" VmRSS) MB"

# --- Report -----------------------------------------------------------------------------------------------------------
VERDICT=PASS
check() { # label value limit op(>=|<=) detail
    local ok
    if [[ $4 == ">=" ]]; then ge "$2" "$3" && ok=PASS || ok=FAIL; else ge "$3" "$2" && ok=PASS || ok=FAIL; fi
    [[ $2 == nan ]] && ok=FAIL
    [[ $ok == FAIL ]] && VERDICT=FAIL
    printf '%-32s %-34s %9s   (%s %s)  %s\n' "$1" "$5" "$2" "$4" "$3" "$ok"
}
row() { printf '%-36s %5s %10s %9s %9s %7s %6s\n' "$@"; }

echo
echo "== results $STAMP (tree $GIT_REV, $(nproc) cores, ${DURATION}s per scenario) =="
row scenario conc "req/s" "p50 ms" "p99 ms" errors noise
scenario_row() { row "$1" "$2" "$(fmt "${RPS[$3]}")" "${P50[$3]}" "${P99[$3]}" "${ERR[$3]}" "${NOISE[$3]}"; }
for c in $CONNS; do
    scenario_row "create customer  POST (wrk)" "$c" "create@$c"
    scenario_row "pgbench INSERT 1 row (prepared)" "$c" "insert@$c"
    scenario_row "  pgbench create-txn replica (info)" "$c" "txn@$c"
    scenario_row "read customer  GET by id (wrk)" "$c" "read@$c"
    scenario_row "pgbench SELECT by pk (prepared)" "$c" "select@$c"
done
HALF_ERR=$(($(kv "$HALF" bad_status) + $(kv "$HALF" errors)))
row "create, open loop at $(kv "$HALF" target_rps)/s" "-" "$(kv "$HALF" achieved_rps)" "$(kv "$HALF" p50_ms)" "$(kv "$HALF" p99_ms)" "$HALF_ERR" "${NOISE[half]}"
echo "  (open loop: max $(kv "$HALF" max_ms) ms, p99.9 $(kv "$HALF" p999_ms) ms, generator send lag max $(kv "$HALF" max_send_lag_ms) ms, $(kv "$HALF" connections) connections)"
echo
echo "== targets =="
for c in $CONNS; do
    check "create >= ${CREATE_MIN_RATIO} x INSERT @$c" "$(ratio "${RPS[create@$c]}" "${RPS[insert@$c]}")" "$CREATE_MIN_RATIO" ">=" \
        "$(fmt "${RPS[create@$c]}") / $(fmt "${RPS[insert@$c]}") req/s"
done
for c in $CONNS; do
    check "read >= ${READ_MIN_RATIO} x SELECT @$c" "$(ratio "${RPS[read@$c]}" "${RPS[select@$c]}")" "$READ_MIN_RATIO" ">=" \
        "$(fmt "${RPS[read@$c]}") / $(fmt "${RPS[select@$c]}") req/s"
done
check "create p99 at half load" "$(kv "$HALF" p99_ms)" "$HALF_LOAD_P99_MAX_MS" "<=" "ms at $(kv "$HALF" target_rps) req/s"
echo "(info, no target) create / create-txn replica:$(for c in $CONNS; do printf ' @%s %s' "$c" "$(ratio "${RPS[create@$c]}" "${RPS[txn@$c]}")"; done);" \
    "replica / single INSERT:$(for c in $CONNS; do printf ' @%s %s' "$c" "$(ratio "${RPS[txn@$c]}" "${RPS[insert@$c]}")"; done)"
if ! ge "$NOISE_LIMIT" "${NOISE[create@$LOW]}"; then
    echo "WARNING: create@$LOW, which sets the half-load rate, was measured with ${NOISE[create@$LOW]} cores of noise:" \
        "the rate (and so the latency check) may be too low"
fi
errors_total=$HALF_ERR
for k in "${!ERR[@]}"; do errors_total=$((errors_total + ${ERR[$k]})); done
if ((errors_total > 0)); then
    echo "WARNING: $errors_total failed requests/transactions in the measured scenarios (see the errors column)"
    VERDICT=FAIL
fi
echo
echo "service RSS: ${RSS_IDLE} MB after seeding, ${RSS_END} MB at the end, peak ${RSS_PEAK} MB (pid ${SERVICE_PID:-?})$INFRA_RSS"
NOISE_MAX=$(printf '%s\n' "${NOISE[@]}" | sort -g | tail -1)
echo "noise: cores used by processes outside the benchmark during each measurement (column \"noise\"), at most $NOISE_MAX;" \
    "a phase with more than $NOISE_LIMIT was repeated up to $NOISE_RETRIES times"
echo "overall: $VERDICT    (wall time $(($(date +%s) - START_EPOCH)) s)"
