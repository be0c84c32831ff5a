#!/usr/bin/env bash
# Intake throughput and latency: Kafka email message -> persisted, routed and assigned ticket.
#  1. raw PostgreSQL: pgbench single-row INSERT of a ticket-shaped row, 2 clients, same server, same run;
#  2. throughput: BACKLOG messages produced while the consumer is stopped, then consumed by one worker;
#     rate = tickets / (last created_at - first created_at);
#  3. latency: messages at a constant rate of half the measured throughput for LAT_SECONDS, each timed from
#     its scheduled send to its ticket.created event on clientele.tickets (persisted, assigned AND published:
#     includes the outbox relay's poll interval, so an upper bound of "persisted").
# (pgbench substitutes :name even inside quoted strings, so the row avoids colons other than :n.)
# Targets: throughput >= 0.7 x pgbench INSERT tps; p99 <= 250 ms at half load.
#
#   bench/intake.sh          # local stack on ports 29080..; BACKLOG=20000 LAT_SECONDS=30 PG_SECONDS=20
set -Eeuo pipefail

readonly THROUGHPUT_MIN_RATIO=0.7
readonly HALF_LOAD_P99_MAX_MS=250

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
BACKLOG=${BACKLOG:-20000}
WARM=${WARM:-2000}
LAT_SECONDS=${LAT_SECONDS:-30}
PG_SECONDS=${PG_SECONDS:-20}
READY_TIMEOUT=${READY_TIMEOUT:-900}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-bench-intake}
KEEP_DATA=${KEEP_DATA:-0}
MVN_ARGS=${MVN_ARGS:-}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-900}

source "$BENCH_DIR/lib.sh"
endpoints 29
source "$BENCH_DIR/intake-common.sh"

intake_cleanup_extra() { timeout 15 psql -qX -c "DROP TABLE IF EXISTS bench_ticket_insert" >/dev/null 2>&1; }
intake_run_setup intake
ensure_tool pgbench postgresql-client
intake_stack_up "this benchmark starts its own consumer: run it against a local stack"

drain() { # run count
    local deadline=$(($(date +%s) + DRAIN_TIMEOUT))
    until (($(run_tickets "$1") >= $2)); do
        (($(date +%s) < deadline)) || die "run $1 stuck at $(run_tickets "$1") of $2 tickets"
        sleep 0.5
    done
}

# Warm-up: JIT, connection pools, the customers of the 500 senders (later messages match them).
start_worker
intake_load produce --run warm --count "$WARM" >/dev/null
drain warm "$WARM"
log "warm-up: $WARM tickets"

# 1. Raw INSERT baseline on the same PostgreSQL, consumer idle.
sql <<SQL >/dev/null
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_ticket_insert;
CREATE TABLE bench_ticket_insert (LIKE ticket INCLUDING DEFAULTS, PRIMARY KEY (id));
SQL
cat >"$SCRATCH/insert.sql" <<'SQL'
\set n random(1, 2000000000)
INSERT INTO bench_ticket_insert (id, tenant_id, type, channel, priority, status, subject, tags, attributes, version, created_at, updated_at, created_by, updated_by) VALUES (gen_random_uuid(), 'demo', 'inquiry', 'email', 'normal', 'new', 'Bench ticket ' || :n, ARRAY['bench'], '{"bench": "pg"}', 0, now(), now(), 'bench', 'bench');
SQL
pgout=$(timeout $((PG_SECONDS + 60)) pgbench -n -M prepared -c 2 -j 2 -T "$PG_SECONDS" -f "$SCRATCH/insert.sql" 2>&1) \
    || { echo "$pgout"; die "pgbench failed"; }
PG_TPS=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$pgout" | head -1)
log "pgbench single-row INSERT, 2 clients, ${PG_SECONDS}s: $(fmt "$PG_TPS") tps"

# 2. Throughput: a backlog consumed by one worker.
kill_worker TERM
RUN="tput$(date -u +%s)"
intake_load produce --run "$RUN" --count "$BACKLOG" | tee "$SCRATCH/produce.out"
start_worker
drain "$RUN" "$BACKLOG"
read -r SPAN RATE <<<"$(sql -F ' ' -c "SELECT round(extract(epoch FROM max(created_at) - min(created_at))::numeric, 3),
    round(count(*) / greatest(extract(epoch FROM max(created_at) - min(created_at)), 0.001))
    FROM ticket WHERE tenant_id = '$TENANT' AND attributes->>'bench' LIKE '$RUN:%'")"
ASSIGNED=$(sql -c "SELECT count(*) FROM ticket WHERE tenant_id = '$TENANT' AND attributes->>'bench' LIKE '$RUN:%' AND assignee_id IS NOT NULL")
log "throughput: $BACKLOG tickets in ${SPAN}s = $RATE tickets/s ($ASSIGNED assigned)"

# 3. Latency at half the measured throughput.
HALF=$(awk -v r="$RATE" 'BEGIN { printf "%d", r / 2 }')
LRUN="lat$(date -u +%s)"
latout=$(intake_load paced --run "$LRUN" --rate "$HALF" --seconds "$LAT_SECONDS" --drain-seconds 60 | tail -1)
log "$latout"
P99=$(kv "$latout" p99_ms)

T_RATIO=$(ratio "$RATE" "$PG_TPS")
log "RESULT intake_tps=$RATE pgbench_insert_tps=$(fmt "$PG_TPS") ratio=$T_RATIO (target >= $THROUGHPUT_MIN_RATIO) half_load_rps=$HALF p99_ms=$P99 (target <= $HALF_LOAD_P99_MAX_MS)"
ge "$T_RATIO" "$THROUGHPUT_MIN_RATIO" && log "throughput: PASS" || log "throughput: FAIL"
ge "$HALF_LOAD_P99_MAX_MS" "$P99" && log "latency: PASS" || log "latency: FAIL"
