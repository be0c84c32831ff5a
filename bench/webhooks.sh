#!/usr/bin/env bash
# Webhook and rate-limit benchmark (docs/webhooks.md, docs/rate-limits.md; figures in docs/benchmarks.md):
#   1. rate limit shared by two service processes: instance A (the local stack's service) and instance B (a second
#      `java -jar` of the same build, same PostgreSQL/Kafka/Redis) get alternating requests of tenant demo, whose
#      limit is LIMIT_QUOTA per 60 s; the admitted total must stay within one budget (quota + refill), not two.
#   2. limiter overhead: GET /v1/tags?limit=1 with wrk against instance C (limiter off) and D (limiter on, quotas out
#      of reach), alternately, in the same run: ratio of throughputs.
#   3. webhook delivery: EVENTS events written straight into the outbox are relayed, fanned out and delivered to a
#      local receiver (bench/WebhookSink.java) by one replica: deliveries/s and write-to-arrival latency, against
#      the receiver's own capacity measured with wrk in the same run; then a trickle (TRICKLE events, one every ~80 ms) for
#      latency at low load.
#
#   bench/webhooks.sh      copies the tree to $BENCH_BUILD_DIR, starts the local stack on ports 31xxx, runs, stops
#                          everything it started
# The receiver is plain http on 127.0.0.1, which only clientele.webhooks.allow-insecure-loopback=true accepts: this
# script sets it for its own stack (like the test profile); production never does.
# Environment: EVENTS [5000]  TRICKLE [200]  LIMIT_QUOTA [60]  WRK_SECONDS [15]  SINK_PORT [31090]
#              BENCH_BUILD_DIR [/tmp/clientele-bench-webhooks]  MVN_ARGS [] (e.g. -o)  READY_TIMEOUT [900]
set -Eeuo pipefail

# --- Limits: fixed here so every run is judged alike ---------------------------------------------------------------
readonly LIMITER_RATIO_MIN=0.70       # throughput with the limiter / without, same run
readonly DELIVERIES_PER_S_MIN=100     # burst delivery throughput of one replica
readonly TRICKLE_P99_MAX_MS=2000      # write-to-arrival p99 of the trickle (outbox poll 100 ms + worker poll 500 ms)

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
EVENTS=${EVENTS:-5000}
TRICKLE=${TRICKLE:-200}
LIMIT_QUOTA=${LIMIT_QUOTA:-60}
WRK_SECONDS=${WRK_SECONDS:-15}
SINK_PORT=${SINK_PORT:-31090}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-bench-webhooks}
KEEP_DATA=0
MVN_ARGS=${MVN_ARGS:-}
READY_TIMEOUT=${READY_TIMEOUT:-900}
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
endpoints 31
[[ $MODE == local ]] || die "this benchmark starts extra service processes from the local stack; run it without BASE_URL"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH_DIR/results
mkdir -p "$RESULTS_DIR"
OUT=$RESULTS_DIR/webhooks-$STAMP.txt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/clientele-bench-webhooks.XXXXXX")
STACK_PID="" SINK_PID="" EXTRA_PIDS=""
exec > >(tee -a "$OUT") 2>&1

cleanup() {
    local rc=$? p
    set +e
    trap - EXIT INT TERM
    for p in $EXTRA_PIDS $SINK_PID; do alive "$p" && kill "$p" 2>/dev/null; done
    stop_local_stack
    [[ -n "${STACK_LOG:-}" && -f "$STACK_LOG" ]] && cp "$STACK_LOG" "$RESULTS_DIR/webhooks-$STAMP.stack.log"
    rm -rf "$SCRATCH"
    [[ $rc == 0 ]] && log "results: $OUT" || log "failed (exit $rc); partial results: $OUT"
    exit "$rc"
}
trap cleanup EXIT

# Starts another service process with the local stack service's command line on port $1, plus -D options.
start_instance() {
    local port=$1 pid cwd a
    shift
    pid=$(listener_pid "$HTTP_PORT")
    [[ -n $pid ]] || die "no service listens on $HTTP_PORT"
    cwd=$(readlink "/proc/$pid/cwd")
    local -a args cmd=()
    mapfile -d '' args <"/proc/$pid/cmdline"
    for a in "${args[@]}"; do
        case $a in
            -Dquarkus.http.port=*) cmd+=("-Dquarkus.http.port=$port") ;;
            -jar) cmd+=("$@" -jar) ;;
            *) cmd+=("$a") ;;
        esac
    done
    (cd "$cwd" && exec "${cmd[@]}" </dev/null >"$SCRATCH/instance-$port.log" 2>&1) &
    INSTANCE_PID=$!
    EXTRA_PIDS="$EXTRA_PIDS $INSTANCE_PID"
    local deadline=$(($(date +%s) + 180))
    until curl -sf --max-time 3 "http://127.0.0.1:$port/q/health/ready" 2>/dev/null | grep -q '"UP"'; do
        alive "$INSTANCE_PID" || { tail -30 "$SCRATCH/instance-$port.log"; die "instance on $port exited"; }
        (($(date +%s) < deadline)) || die "instance on $port not ready in 180 s"
        sleep 1
    done
    log "instance on port $port ready (pid $INSTANCE_PID)"
}
stop_instance() { kill "$1" 2>/dev/null || true; local i; for ((i = 0; i < 30; i++)); do alive "$1" || return 0; sleep 1; done; kill -KILL "$1" 2>/dev/null || true; }

ensure_tool rsync rsync
ensure_tool wrk wrk
ensure_tool psql postgresql-client
# Instance A = the stack's own service: tenant demo limited to LIMIT_QUOTA per 60 s; loopback receiver allowed.
BENCH_RATE_LIMIT=1 start_local_stack "-Dclientele.local.app.clientele.rate-limit.tenants.demo.quota=$LIMIT_QUOTA" \
    "-Dclientele.local.app.clientele.rate-limit.tenants.demo.window=60s" \
    "-Dclientele.local.app.clientele.webhooks.allow-insecure-loopback=true"
wait_ready
TOKEN=$(token)
log "git $(git -C "$REPO_DIR" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
    "EVENTS=$EVENTS TRICKLE=$TRICKLE LIMIT_QUOTA=$LIMIT_QUOTA WRK_SECONDS=$WRK_SECONDS"

# --- 1. One budget across two processes ------------------------------------------------------------------------------
B_PORT=$((HTTP_PORT + 1))
start_instance "$B_PORT"
B_PID=$INSTANCE_PID
requests=$((LIMIT_QUOTA * 2))
ok_a=0 ok_b=0 limited=0
t0=$(date +%s.%N)
for ((i = 0; i < requests; i++)); do
    port=$([[ $((i % 2)) == 0 ]] && echo "$HTTP_PORT" || echo "$B_PORT")
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/v1/tags?limit=1")
    case $code in
        200) [[ $port == "$HTTP_PORT" ]] && ok_a=$((ok_a + 1)) || ok_b=$((ok_b + 1)) ;;
        429) limited=$((limited + 1)) ;;
        *) die "unexpected HTTP $code from port $port" ;;
    esac
done
elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
# GCRA refills LIMIT_QUOTA per 60 s: the most one shared budget can admit in $elapsed s.
bound=$(awk -v q="$LIMIT_QUOTA" -v e="$elapsed" 'BEGIN { printf "%d", q + int(q * e / 60) + 1 }')
admitted=$((ok_a + ok_b))
shared=$([[ $admitted -le $bound && $ok_a -gt 0 && $ok_b -gt 0 && $limited -gt 0 ]] && echo PASS || echo FAIL)
log "RESULT shared-limit requests=$requests admitted=$admitted (A=$ok_a B=$ok_b) rejected=$limited" \
    "seconds=$elapsed one_budget_bound=$bound two_budgets_would_admit=$((bound * 2 < requests ? bound * 2 : requests)): $shared"
stop_instance "$B_PID"

# --- 2. Limiter overhead ---------------------------------------------------------------------------------------------
C_PORT=$((HTTP_PORT + 2)) D_PORT=$((HTTP_PORT + 3))
start_instance "$C_PORT" -Dclientele.rate-limit.enabled=false
C_PID=$INSTANCE_PID
# Quotas out of reach (client and tenant), so every request pays for the check and none is refused.
start_instance "$D_PORT" -Dclientele.rate-limit.tenants.demo.quota=1000000000 \
    -Dclientele.rate-limit.client.quota=1000000000 -Dclientele.rate-limit.tenant.quota=1000000000
D_PID=$INSTANCE_PID
wrk_run() { # port -> "rps p50_ms p99_ms"
    local out
    out=$(wrk -t2 -c8 -d"${WRK_SECONDS}s" --latency -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:$1/v1/tags?limit=1")
    grep -q 'Non-2xx' <<<"$out" && die "non-2xx answers from port $1: $out"
    awk '/Requests\/sec/ { r = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
         function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
         END { printf "%s %.2f %.2f", r, ms(p50), ms(p99) }' <<<"$out"
}
log "warm-up (5 s each)"
WRK_SECONDS_SAVED=$WRK_SECONDS WRK_SECONDS=5
wrk_run "$C_PORT" >/dev/null; wrk_run "$D_PORT" >/dev/null
WRK_SECONDS=$WRK_SECONDS_SAVED
off_sum=0 on_sum=0
for round in 1 2; do
    read -r off p50_off p99_off <<<"$(wrk_run "$C_PORT")"
    read -r on p50_on p99_on <<<"$(wrk_run "$D_PORT")"
    log "round $round: without limiter ${off} req/s (p50 ${p50_off} ms, p99 ${p99_off} ms);" \
        "with limiter ${on} req/s (p50 ${p50_on} ms, p99 ${p99_on} ms)"
    off_sum=$(awk -v a="$off_sum" -v b="$off" 'BEGIN { print a + b }')
    on_sum=$(awk -v a="$on_sum" -v b="$on" 'BEGIN { print a + b }')
done
lratio=$(ratio "$on_sum" "$off_sum")
lverdict=$(ge "$lratio" "$LIMITER_RATIO_MIN" && echo PASS || echo FAIL)
log "RESULT limiter-overhead with_limiter_rps=$(fmt "$(awk -v s="$on_sum" 'BEGIN { print s / 2 }')")" \
    "without_rps=$(fmt "$(awk -v s="$off_sum" 'BEGIN { print s / 2 }')") ratio=$lratio min=$LIMITER_RATIO_MIN: $lverdict"
stop_instance "$C_PID"
stop_instance "$D_PID"

# --- 3. Webhook delivery ---------------------------------------------------------------------------------------------
java "$BENCH_DIR/WebhookSink.java" "$SINK_PORT" >"$SCRATCH/sink.log" 2>&1 &
SINK_PID=$!
for ((i = 0; i < 60; i++)); do curl -sf "http://127.0.0.1:$SINK_PORT/stats" >/dev/null 2>&1 && break; sleep 1; done
body="{\"specversion\":\"1.0\",\"id\":\"raw\",\"type\":\"bench.ping\",\"data\":{\"customer\":{\"displayName\":\"$(printf 'x%.0s' {1..400})\"}}}"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$body" >"$SCRATCH/post.lua"
sink_rps=$(wrk -t1 -c8 -d10s -s "$SCRATCH/post.lua" "http://127.0.0.1:$SINK_PORT/raw" | awk '/Requests\/sec/ { print $2 }')
curl -sf -X DELETE "http://127.0.0.1:$SINK_PORT/stats" >/dev/null
log "receiver capacity (wrk, 8 connections, POST ~500 B): $sink_rps req/s"

sub=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"url\":\"http://127.0.0.1:$SINK_PORT/hook\",\"eventTypes\":[\"bench.*\"]}" "$BASE_URL/v1/webhooks") \
    || die "could not create the subscription"
log "subscription $(sed -nE 's/.*"id":"([^"]+)".*/\1/p' <<<"$sub" | head -1)"
insert_events() { # count
    sql -c "INSERT INTO outbox_event (id, tenant_id, topic, aggregate_type, aggregate_id, event_type, occurred_at,
                                      actor, data)
            SELECT gen_random_uuid(), '$TENANT', 'clientele.customers', 'bench', 'bench-' || (g % 97), 'bench.ping',
                   clock_timestamp(), 'bench', jsonb_build_object('customer', jsonb_build_object('n', g,
                   'displayName', repeat('x', 400)))
              FROM generate_series(1, $1) g"
}
wait_count() { # expected timeout-s
    local deadline=$(($(date +%s) + $2)) n
    while :; do
        n=$(curl -sf "http://127.0.0.1:$SINK_PORT/stats" | sed -nE 's/.*count=([0-9]+).*/\1/p')
        [[ ${n:-0} -ge $1 ]] && return 0
        (($(date +%s) < deadline)) || die "only ${n:-0} of $1 deliveries arrived in $2 s"
        sleep 0.5
    done
}
t_insert=$(date +%s%3N)
insert_events "$EVENTS"
wait_count "$EVENTS" 600
stats=$(curl -sf "http://127.0.0.1:$SINK_PORT/stats")
last=$(kv "$stats" last_ms)
dps=$(awk -v n="$EVENTS" -v a="$t_insert" -v b="$last" 'BEGIN { printf "%.0f", n * 1000 / (b - a) }')
dverdict=$(ge "$dps" "$DELIVERIES_PER_S_MIN" && echo PASS || echo FAIL)
log "RESULT webhook-burst events=$EVENTS deliveries_per_s=$dps receiver_capacity_rps=$sink_rps" \
    "ratio=$(ratio "$dps" "$sink_rps") latency_p50_ms=$(kv "$stats" p50_ms) p99_ms=$(kv "$stats" p99_ms)" \
    "max_ms=$(kv "$stats" max_ms) min=${DELIVERIES_PER_S_MIN}/s: $dverdict"
dup=$(sql -c "SELECT count(*) - count(DISTINCT event_id) FROM webhook_delivery")
log "RESULT webhook-burst duplicates_in_delivery_table=$dup arrivals=$(kv "$stats" count)"

curl -sf -X DELETE "http://127.0.0.1:$SINK_PORT/stats" >/dev/null
for ((i = 0; i < TRICKLE; i++)); do insert_events 1 >/dev/null; sleep 0.05; done
wait_count "$TRICKLE" 120
stats=$(curl -sf "http://127.0.0.1:$SINK_PORT/stats")
tverdict=$(awk -v p="$(kv "$stats" p99_ms)" -v m="$TRICKLE_P99_MAX_MS" 'BEGIN { print (p <= m) ? "PASS" : "FAIL" }')
log "RESULT webhook-trickle events=$TRICKLE latency_p50_ms=$(kv "$stats" p50_ms) p99_ms=$(kv "$stats" p99_ms)" \
    "max_ms=$(kv "$stats" max_ms) limit_p99_ms=$TRICKLE_P99_MAX_MS: $tverdict"
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
