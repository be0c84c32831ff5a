#!/usr/bin/env bash
# Clientele import benchmark: 100,000 customers through POST /v1/imports with duplicate checking on, against a
# plain PostgreSQL COPY of the same rows into a table of the customer's shape (same indexes) on the SAME server,
# measured in one run; prints rows/s of both and the ratio, with PASS/FAIL against the target of issue #3
# (>= 20,000 rows/s). Results go to bench/results/<timestamp>-import.txt. See docs/benchmarks.md.
#
#   bench/import.sh                    copies the tree to $BENCH_BUILD_DIR, builds it and starts the local stack
#                                      (./mvnw -Plocal), measures, and stops everything it started
#   BASE_URL=http://127.0.0.1:8080 PGPORT=15432 bench/import.sh
#                                      measures an already running stack instead (nothing is built or stopped)
#
# Environment (defaults in brackets):
#   ROWS [100000] rows in the measured file      PRELOAD [5000] customers imported first (also the JIT warm-up)
#   POLICY [update] duplicate policy              MATCH_ON [email] natural keys (comma-separated)
#   FUZZY [off] fuzzy duplicate check of the measured import: off, flag or skip (ADR 0021)
#   BENCH_BUILD_DIR [/tmp/clientele-bench-import] KEEP_DATA [0]  MVN_ARGS []  READY_TIMEOUT [900]
#   local mode ports: HTTP_PORT [24080] PGPORT [24432] KAFKA_PORT [24092] REDIS_PORT [24379] OIDC_PORT [24180]
#   external mode: BASE_URL, PGHOST [127.0.0.1], PGPORT [15432], PGUSER [postgres], PGDATABASE [clientele],
#                  TOKEN_URL, CLIENT_ID [demo-partner], CLIENT_SECRET [demo-partner-secret], TENANT [demo]
set -Eeuo pipefail

readonly MIN_ROWS_PER_SECOND=20000 # issue #3: import 100,000 customers with duplicate checking on

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
ROWS=${ROWS:-100000}
PRELOAD=${PRELOAD:-5000}
POLICY=${POLICY:-update}
MATCH_ON=${MATCH_ON:-email}
FUZZY=${FUZZY:-off}
READY_TIMEOUT=${READY_TIMEOUT:-900}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-bench-import}
KEEP_DATA=${KEEP_DATA:-0}
MVN_ARGS=${MVN_ARGS:-}

# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
endpoints 24

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH_DIR/results
mkdir -p "$RESULTS_DIR"
OUT=$RESULTS_DIR/$STAMP-import.txt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/clientele-bench-import.XXXXXX")
STACK_PID="" STACK_LOG="" SCRATCH_TABLE=0
exec > >(tee -a "$OUT") 2>&1

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    [[ $SCRATCH_TABLE == 1 ]] && timeout 15 psql -qX -c "DROP TABLE IF EXISTS bench_import_copy" >/dev/null 2>&1
    if [[ -n "$STACK_PID" ]]; then
        stop_local_stack
        [[ -n "$STACK_LOG" && -f "$STACK_LOG" ]] && cp "$STACK_LOG" "$RESULTS_DIR/$STAMP-import.stack.log" 2>/dev/null
    fi
    rm -rf "$SCRATCH"
    [[ $rc == 0 ]] && log "results: $OUT" || log "failed (exit $rc); partial results: $OUT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_tool psql postgresql-client
ensure_tool curl curl
ensure_tool ss iproute2
[[ $MODE == local ]] && ensure_tool rsync rsync

now_ms() { date +%s%3N; }

# --- Data ------------------------------------------------------------------------------------------------------
# Realistic rows: Latin and Chinese names, quoted last names with commas, UK phones without country code (read with
# defaultRegion GB), countries, a loyalty attribute. Every 50th row (offset 1) repeats the email of the row 2
# before it with another phone (a duplicate inside the file: an update), every 50th (offset 3) the email of a
# preloaded customer with the same data (a duplicate of the database: unchanged). The same rows are written as a COPY file of the customer table's shape.
generate() { # rows offset prefix csv-out copy-out
    awk -v rows="$1" -v offset="$2" -v prefix="$3" -v preload="$PRELOAD" -v tenant="$TENANT" \
        -v csv="$4" -v copy="$5" 'BEGIN {
        srand(42 + offset)
        split("Ada Grace Alan Linus Barbara Edsger Margaret Donald Frances Ken", first, " ")
        split("Lovelace Hopper Turing Torvalds Liskov Dijkstra Hamilton Knuth Allen Thompson", last, " ")
        split("伟 芳 娜 秀英 敏 静 丽 强 磊 军", cfirst, " ")
        split("王 李 张 刘 陈 杨 黄 赵 吴 周", clast, " ")
        split("GB DE FR CN US NL SE ES IT JP", country, " ")
        split("bronze silver gold platinum", tier, " ")
        split("lead subscriber customer opportunity", stage, " ")
        print "First,Last,E-mail,Phone,Country,Loyalty,Stage" > csv
        for (i = 0; i < rows; i++) {
            n = i + offset
            if (i % 10 == 7) { f = cfirst[n % 10 + 1]; l = clast[int(n / 10) % 10 + 1] }
            else { f = first[n % 10 + 1]; l = last[int(n / 10) % 10 + 1] }
            quoted = (i % 25 == 4)
            if (quoted) l = l ", Jr."
            if (i % 50 == 1 && i >= 2) email = prefix (n - 2) "@bench.example"
            else if (i % 50 == 3 && preload > 0) email = "pre" (i % preload) "@bench.example"
            else email = prefix n "@bench.example"
            phone = sprintf("020 7946 %04d", n % 1000)
            e164 = sprintf("+4420794%05d", 60000 + n % 1000)
            c = country[n % 10 + 1]; t = tier[n % 4 + 1]; s = stage[n % 4 + 1]
            printf "%s,%s,%s,%s,%s,%s,%s\r\n", f, (quoted ? "\"" l "\"" : l), email, phone, c, t, s > csv
            contacts = sprintf("{\"emails\":[{\"address\":\"%s\",\"primary\":true}],\"phones\":[{\"number\":\"%s\",\"primary\":true}],\"addresses\":[{\"country\":\"%s\"}]}", email, e164, c)
            printf "%s\tperson\t%s %s\t%s\t%s\t%s\t{%s}\t{%s}\t{\"loyalty\":\"%s\"}\tbench\t%s\t0\tnow\tnow\n", tenant, f, l, f, l, contacts, email, e164, t, s > copy
        }
    }'
}

# --- Stack -----------------------------------------------------------------------------------------------------
START_EPOCH=$(date +%s)
log "Clientele import benchmark $STAMP ($MODE mode, $BASE_URL, PostgreSQL $PGHOST:$PGPORT/$PGDATABASE)"
[[ $MODE == local ]] && start_local_stack
wait_ready
log "ready after $(($(date +%s) - START_EPOCH)) s"
sql -c "SELECT 1" >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"
SERVICE_PID=$(listener_pid "${BASE_URL##*:}")

RUN=$(date -u +%s)
log "generating $PRELOAD preload rows and $ROWS measured rows"
generate "$PRELOAD" 0 "pre" "$SCRATCH/preload.csv" "$SCRATCH/preload.copy"
# The preload must use the "pre" addresses the measured file refers to.
generate "$ROWS" 1000000 "r$RUN-" "$SCRATCH/rows.csv" "$SCRATCH/rows.copy"
log "file: $(wc -c <"$SCRATCH/rows.csv") bytes, $(($(wc -l <"$SCRATCH/rows.csv") - 1)) rows"

options() { # policy fuzzy
    printf '{"format":"csv","mapping":{"First":"firstName","Last":"lastName","E-mail":"emails[0].address","Phone":"phones[0].number","Country":"addresses[0].country","Loyalty":"attributes.loyalty","Stage":"lifecycleStage"},"defaults":{"kind":"person"},"defaultRegion":"GB","duplicatePolicy":"%s","matchOn":[%s],"fuzzy":"%s"}' \
        "$1" "$(sed -E 's/([^,]+)/"\1"/g' <<<"$MATCH_ON")" "${2:-off}"
}

import_file() { # file policy [fuzzy] -> prints the job id
    local response id
    options "$2" "${3:-off}" >"$SCRATCH/options.json"
    response=$(curl -sS --max-time 600 -H "Authorization: Bearer $(token)" \
        -F "file=@$1;type=text/csv" -F "options=<$SCRATCH/options.json;type=application/json" \
        "$BASE_URL/v1/imports") || die "upload failed"
    id=$(sed -nE 's/.*"id":"([^"]+)".*/\1/p' <<<"$response")
    [[ -n $id ]] || die "no job id in: $response"
    printf '%s' "$id"
}

await_job() { # id -> prints the final job JSON
    local job status deadline=$(($(date +%s) + 1800))
    while :; do
        job=$(curl -sS --max-time 10 -H "Authorization: Bearer $(token)" "$BASE_URL/v1/imports/$1")
        status=$(sed -nE 's/.*"status":"([^"]+)".*/\1/p' <<<"$job")
        case $status in completed | failed | cancelled) break ;; esac
        (($(date +%s) < deadline)) || die "import $1 still $status after 30 minutes"
        sleep 0.2
    done
    printf '%s' "$job"
}

drain_outbox() {
    local i backlog
    for ((i = 0; i < 600; i++)); do
        backlog=$(sql -c "SELECT count(*) FROM outbox_event")
        ((backlog == 0)) && return 0
        sleep 1
    done
    log "note: outbox backlog still $backlog rows"
}

num() { sed -nE "s/.*\"$2\":([0-9.]+).*/\1/p" <<<"$1"; }

existing=$(sql -c "SELECT count(*) FROM customer WHERE tenant_id = '$TENANT' AND email_keys && ARRAY['pre0@bench.example']")
if ((existing == 0 && PRELOAD > 0)); then
    log "preloading $PRELOAD customers through an import (also warms up the import path)"
    pre=$(await_job "$(import_file "$SCRATCH/preload.csv" create)")
    log "preload: $(num "$pre" created) created"
fi
drain_outbox
sql -c "CHECKPOINT" >/dev/null

# --- Measured import ----------------------------------------------------------------------------------------------
before=$(sql -c "SELECT count(*) FROM customer WHERE tenant_id = '$TENANT'")
log "importing $ROWS rows (duplicatePolicy=$POLICY, matchOn=$MATCH_ON, fuzzy=$FUZZY; load average $(cut -d' ' -f1-3 /proc/loadavg))"
t0=$(now_ms)
JOB_ID=$(import_file "$SCRATCH/rows.csv" "$POLICY" "$FUZZY")
t_upload=$(now_ms)
JOB=$(await_job "$JOB_ID")
t1=$(now_ms)
after=$(sql -c "SELECT count(*) FROM customer WHERE tenant_id = '$TENANT'")
IMPORT_MS=$((t1 - t0))
UPLOAD_MS=$((t_upload - t0))
IMPORT_RPS=$(awk -v r="$ROWS" -v ms="$IMPORT_MS" 'BEGIN { printf "%.0f", r / (ms / 1000) }')
log "import: $(sed -nE 's/.*"status":"([^"]+)".*/\1/p' <<<"$JOB") in $IMPORT_MS ms (upload + checks $UPLOAD_MS ms): $IMPORT_RPS rows/s"
log "  created $(num "$JOB" created), updated $(num "$JOB" updated), unchanged $(num "$JOB" unchanged), skipped $(num "$JOB" skipped), failed $(num "$JOB" failed); job's own rate $(num "$JOB" rowsPerSecond) rows/s; $((after - before)) new customers"
t2=$(now_ms)
drain_outbox
log "outbox relay published the import's events $(($(now_ms) - t2)) ms after the job completed"

# --- COPY baseline --------------------------------------------------------------------------------------------------
SCRATCH_TABLE=1
sql <<SQL >/dev/null
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_import_copy;
CREATE TABLE bench_import_copy (LIKE customer INCLUDING ALL);
ALTER TABLE bench_import_copy ALTER COLUMN id SET DEFAULT gen_random_uuid();
CHECKPOINT;
SQL
log "COPY of the same $ROWS rows into bench_import_copy (the customer table's columns and indexes)"
t3=$(now_ms)
sql -c "\\copy bench_import_copy (tenant_id, kind, display_name, first_name, last_name, contacts, email_keys, phone_keys, attributes, owner_id, lifecycle_stage, version, created_at, updated_at) FROM '$SCRATCH/rows.copy'" >/dev/null
t4=$(now_ms)
COPY_MS=$((t4 - t3))
COPY_RPS=$(awk -v r="$ROWS" -v ms="$COPY_MS" 'BEGIN { printf "%.0f", r / (ms / 1000) }')
log "COPY: $COPY_MS ms: $COPY_RPS rows/s"

RATIO=$(ratio "$IMPORT_RPS" "$COPY_RPS")
VERDICT=PASS
ge "$IMPORT_RPS" "$MIN_ROWS_PER_SECOND" || VERDICT=FAIL
echo
echo "== import results $STAMP ($(nproc) cores, $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')) =="
printf '%-44s %10s %12s\n' scenario ms rows/s
printf '%-44s %10s %12s\n' "import $ROWS rows via POST /v1/imports ($POLICY, $MATCH_ON, fuzzy $FUZZY)" "$IMPORT_MS" "$IMPORT_RPS"
printf '%-44s %10s %12s\n' "COPY $ROWS rows into a customer-shaped table" "$COPY_MS" "$COPY_RPS"
echo "ratio import / COPY: $RATIO"
if [[ -n "$STACK_LOG" && -f "$STACK_LOG" ]]; then
    echo "worker phases: $(grep -o "import $JOB_ID completed; this worker's.*" "$STACK_LOG" | tail -1 | sed 's/.*this worker.s //')"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "target: import >= $MIN_ROWS_PER_SECOND rows/s: $VERDICT"
[[ -n "$SERVICE_PID" ]] && echo "service RSS peak: $(rss_mb "$SERVICE_PID" VmHWM) MB"
echo "overall: $VERDICT    (wall time $(($(date +%s) - START_EPOCH)) s)"
