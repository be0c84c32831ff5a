#!/usr/bin/env bash
# Clientele export benchmark: streams ROWS customers out of GET /v1/customers/export as CSV and as NDJSON, measures
# rows/s against `psql \copy (SELECT ...) TO` of the same rows on the same PostgreSQL in the same run, and samples the
# service JVM's RSS and heap while it exports, to show that memory does not grow with the number of rows.
# Writes everything to bench/results/export-<timestamp>.txt. See docs/benchmarks.md ("Streaming export").
#
#   bench/export.sh                    copies the tree to $BENCH_BUILD_DIR, builds it, starts the local stack
#                                      (./mvnw -Plocal) on its own ports, loads ROWS customers with SQL, measures,
#                                      and stops everything it started
#   BASE_URL=http://127.0.0.1:8080 PGPORT=15432 bench/export.sh
#                                      measures an already running stack (tenant $TENANT gets the rows)
#
# Environment (defaults in brackets):
#   ROWS [1000000] customers in the tenant (missing ones are inserted with SQL, existing ones kept)
#   SMALL_PERCENT [10] the first export covers this share of the rows, for the memory comparison
#   BENCH_BUILD_DIR [/tmp/clientele-bench-export]   KEEP_DATA [0] 1 keeps the PostgreSQL data of an earlier run
#   local mode ports: HTTP_PORT [27080] PGPORT [27432] KAFKA_PORT [27092] REDIS_PORT [27379] OIDC_PORT [27180]
#   SERVICE_HEAP [512m] -Xmx of the service     MVN_ARGS [] extra Maven arguments (e.g. -o)
#   READY_TIMEOUT [900] seconds to wait for build + start-up     MAX_SECONDS [3600] limit for the whole run
#   external mode: BASE_URL, PGHOST [127.0.0.1], PGPORT [15432], PGUSER [postgres], PGDATABASE [clientele],
#                  TOKEN_URL, CLIENT_ID [demo-partner], CLIENT_SECRET [demo-partner-secret], TENANT [demo]
set -Eeuo pipefail

# --- Limit: fixed here so every run is judged alike --------------------------------------------------------------
# Constant memory: the peak heap in use while exporting all rows may exceed the peak while exporting SMALL_PERCENT
# of them by at most this factor (plus 32 MB for GC timing).
readonly HEAP_GROWTH_MAX=1.25

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
ROWS=${ROWS:-1000000}
SMALL_PERCENT=${SMALL_PERCENT:-10}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-bench-export}
KEEP_DATA=${KEEP_DATA:-0}
SERVICE_HEAP=${SERVICE_HEAP:-512m}
MVN_ARGS=${MVN_ARGS:-}
READY_TIMEOUT=${READY_TIMEOUT:-900}
MAX_SECONDS=${MAX_SECONDS:-3600}
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
endpoints 27

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH_DIR/results
mkdir -p "$RESULTS_DIR"
OUT=$RESULTS_DIR/export-$STAMP.txt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/clientele-bench-export.XXXXXX")
STACK_PID="" WATCHDOG_PID="" SAMPLER_PIDS="" STACK_LOG=""
exec > >(tee -a "$OUT") 2>&1

log() { printf '[export-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "ERROR: $*"; exit 1; }

cleanup() {
    local rc=$? p i
    set +e
    trap - EXIT INT TERM
    for p in $SAMPLER_PIDS; do alive "$p" && kill "$p" 2>/dev/null; done
    alive "$WATCHDOG_PID" && kill "$WATCHDOG_PID" 2>/dev/null
    if [[ -n "$STACK_PID" ]]; then
        log "stopping the local stack (pid $STACK_PID)"
        kill -TERM "$STACK_PID" 2>/dev/null # its shutdown hook stops the service, PostgreSQL, Kafka, Redis
        for ((i = 0; i < 90; i++)); do alive "$STACK_PID" || break; sleep 1; done
        alive "$STACK_PID" && { log "stack did not stop in 90 s; killing its process group"; kill -KILL -- "-$STACK_PID" 2>/dev/null; }
        local pidfile=$BENCH_BUILD_DIR/target/local/pg/postmaster.pid pm
        if [[ -f $pidfile ]]; then
            pm=$(head -1 "$pidfile")
            if alive "$pm" && grep -q postgres "/proc/$pm/cmdline" 2>/dev/null; then
                log "stopping leftover PostgreSQL (pid $pm)"
                kill -INT "$pm" 2>/dev/null
                for ((i = 0; i < 30; i++)); do alive "$pm" || break; sleep 1; done
            fi
        fi
        [[ -n "$STACK_LOG" && -f "$STACK_LOG" ]] && cp "$STACK_LOG" "$RESULTS_DIR/export-$STAMP.stack.log"
    fi
    rm -rf "$SCRATCH"
    [[ $rc == 0 ]] && log "results: $OUT" || log "failed (exit $rc); partial results: $OUT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
( trap 'kill $sp 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & sp=$!; wait $sp && { echo "[export-bench] time limit of ${MAX_SECONDS}s reached" >&2; kill -TERM $$; } ) &
WATCHDOG_PID=$!

for tool in curl psql ss awk; do command -v "$tool" >/dev/null 2>&1 || die "$tool is required (Debian: curl, postgresql-client, iproute2)"; done
command -v java >/dev/null 2>&1 || die "java (17+) is required"
JSTAT=$(command -v jstat || true)
[[ -n $JSTAT ]] || log "note: jstat not found (it comes with a JDK): no heap figures"
[[ $MODE == local ]] && { command -v rsync >/dev/null 2>&1 || die "rsync is required in local mode"; }

sql() { timeout 1800 psql -qAtX -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { print n / s }'; }
megabytes() { awk -v b="$1" 'BEGIN { print b / 1048576 }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }
cpu_seconds() { sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13) / hz }'; }
# Heap in use (young + old, MB) from one jstat sample; "?" without jstat.
heap_mb() { [[ -n $JSTAT ]] && "$JSTAT" -gc "$1" | awk 'NR == 2 { printf "%.0f", ($3 + $4 + $6 + $8) / 1024 }' || echo "?"; }

# --- Start or find the stack ---------------------------------------------------------------------------------
START_EPOCH=$(date +%s)
log "Clientele export benchmark $STAMP ($MODE mode, $BASE_URL, PostgreSQL $PGHOST:$PGPORT/$PGDATABASE, $ROWS rows)"
if [[ $MODE == local ]]; then
    start_local_stack "-Dclientele.local.heap=$SERVICE_HEAP"
fi
wait_ready
log "ready after $(($(date +%s) - START_EPOCH)) s"
sql -c "SELECT 1" >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"
SERVICE_PID=$(listener_pid "${BASE_URL##*:}")
[[ -n "$SERVICE_PID" ]] || die "service process not found on port ${BASE_URL##*:} (needed for its memory figures)"

# --- Data: ROWS customers of realistic width (2 emails, a phone, an address, 3 attributes; 1 in 5 tagged) -------
existing=$(sql -c "SELECT count(*) FROM customer WHERE tenant_id = '$TENANT' AND deleted_at IS NULL")
if ((existing < ROWS)); then
    log "inserting $((ROWS - existing)) customers with SQL (batches of 100000)"
    t0=$(now)
    from=$((existing + 1))
    while ((from <= ROWS)); do
        to=$((from + 99999)); ((to <= ROWS)) || to=$ROWS
        sql <<SQL
INSERT INTO customer (id, tenant_id, kind, display_name, first_name, last_name, contacts, email_keys, phone_keys,
                      attributes, owner_id, lifecycle_stage, external_id, version, created_at, updated_at,
                      created_by, updated_by)
SELECT gen_random_uuid(), '$TENANT', 'person', 'Firstname' || g || ' Lastname' || g, 'Firstname' || g, 'Lastname' || g,
       jsonb_build_object(
           'emails', jsonb_build_array(
               jsonb_build_object('address', 'customer' || g || '@example.com', 'label', 'work', 'primary', true),
               jsonb_build_object('address', 'customer' || g || '@home.example', 'primary', false)),
           'phones', jsonb_build_array(jsonb_build_object('number', '+4420' || lpad(CAST(g AS text), 8, '0'),
                                                          'primary', true)),
           'addresses', jsonb_build_array(jsonb_build_object('line1', g || ' High Street', 'city', 'London',
                                                             'postalCode', 'SW1A 1AA', 'country', 'GB'))),
       ARRAY['customer' || g || '@example.com', 'customer' || g || '@home.example'],
       ARRAY['+4420' || lpad(CAST(g AS text), 8, '0')],
       jsonb_build_object('tier', (ARRAY['gold', 'silver', 'bronze'])[1 + g % 3], 'score', g % 1000,
                          'note', CASE WHEN g % 50 = 0 THEN '=HYPERLINK("x")' ELSE 'met at a fair, twice' END),
       'owner-' || (g % 20), (ARRAY['lead', 'customer', 'opportunity'])[1 + g % 3], 'bench-' || g, 0,
       timestamptz '2024-01-01 00:00:00Z' + g * interval '1 second',
       timestamptz '2024-01-01 00:00:00Z' + g * interval '1 second', 'bench', 'bench'
  FROM generate_series($from, $to) g;
SQL
        log "  $to rows"
        from=$((to + 1))
    done
    sql <<SQL
INSERT INTO tag (id, tenant_id, name, version, created_at, updated_at)
SELECT gen_random_uuid(), '$TENANT', n, 0, now(), now() FROM unnest(ARRAY['bench-vip', 'bench-partner']) n
    ON CONFLICT DO NOTHING;
INSERT INTO customer_tag (tag_id, customer_id, tenant_id, assigned_at)
SELECT t.id, c.id, '$TENANT', now()
  FROM customer c JOIN tag t ON t.tenant_id = '$TENANT' AND t.name = 'bench-vip'
 WHERE c.tenant_id = '$TENANT' AND c.external_id LIKE 'bench-%' AND CAST(substr(c.external_id, 7) AS int) % 5 = 0
    ON CONFLICT DO NOTHING;
SQL
    log "loaded in $(fmt "$(elapsed "$t0" "$(now)")") s"
fi
sql -c "VACUUM ANALYZE customer" -c "VACUUM ANALYZE customer_tag" -c "CHECKPOINT" >/dev/null
TOTAL=$(sql -c "SELECT count(*) FROM customer WHERE tenant_id = '$TENANT' AND deleted_at IS NULL")
((TOTAL >= ROWS)) || die "only $TOTAL customers in tenant $TENANT"
# The first SMALL_PERCENT of the rows in export order, selected by creation time.
SMALL_CUTOFF=$(sql -c "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM customer
    WHERE tenant_id = '$TENANT' AND deleted_at IS NULL ORDER BY created_at, id OFFSET $((TOTAL * SMALL_PERCENT / 100)) LIMIT 1")
SMALL=$(sql -c "SELECT count(*) FROM customer WHERE tenant_id = '$TENANT' AND deleted_at IS NULL
    AND created_at < timestamptz '$SMALL_CUTOFF'")
log "$TOTAL customers in tenant $TENANT ($(sql -c "SELECT pg_size_pretty(pg_total_relation_size('customer'))") with indexes);" \
    "small export: the first $SMALL (createdAt < $SMALL_CUTOFF)"

# --- Measurements ------------------------------------------------------------------------------------------------
# What the service runs for a CSV export (from PostgreSQL's log / CustomerExport), for the \copy baseline.
EXPORT_SQL="SELECT id, kind, display_name, first_name, last_name, name, company_id, CAST(contacts AS text) AS contacts,
 CAST(attributes AS text) AS attributes, owner_id, lifecycle_stage, external_id, version, created_at, updated_at,
 ARRAY(SELECT t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id
        WHERE ct.customer_id = customer.id AND ct.tenant_id = customer.tenant_id ORDER BY lower(t.name), t.name) AS tags
 FROM customer WHERE tenant_id = '$TENANT' AND deleted_at IS NULL ORDER BY created_at ASC, id ASC"

CSV_WITHOUT_TAGS=id,kind,displayName,firstName,lastName,name,companyId,primaryEmail,emails,primaryPhone,phones,address.label,address.line1,address.line2,address.city,address.region,address.postalCode,address.country,ownerId,lifecycleStage,externalId,attributes,createdAt,updatedAt,version
declare -A SECS BYTES COUNT RSS_PEAK HEAP_PEAK CPU
start_samplers() { # key
    (while alive "$SERVICE_PID"; do rss_mb "$SERVICE_PID"; sleep 0.2; done) >"$SCRATCH/$1.rss" 2>/dev/null &
    SAMPLER_PIDS="$!"
    if [[ -n $JSTAT ]]; then
        "$JSTAT" -gc "$SERVICE_PID" 200 >"$SCRATCH/$1.jstat" 2>/dev/null &
        SAMPLER_PIDS="$SAMPLER_PIDS $!"
    fi
}
stop_samplers() { # key
    local p
    for p in $SAMPLER_PIDS; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    SAMPLER_PIDS=""
    RSS_PEAK[$1]=$(sort -n "$SCRATCH/$1.rss" | tail -1)
    HEAP_PEAK[$1]=$([[ -s $SCRATCH/$1.jstat ]] && awk '$1 ~ /^[0-9.]+$/ { u = ($3 + $4 + $6 + $8) / 1024; if (u > m) m = u } END { printf "%.0f", m }' "$SCRATCH/$1.jstat" || echo "?")
}

copy_baseline() {
    local t0 t1
    log "psql \\copy of the same rows (the same SELECT the service runs) to /dev/null"
    t0=$(now)
    sql -c "\\copy ($EXPORT_SQL) TO '/dev/null' WITH (FORMAT csv)"
    t1=$(now)
    SECS[copy]=$(elapsed "$t0" "$t1")
    log "copy: $TOTAL rows in $(fmt "${SECS[copy]}" 2) s = $(fmt "$(per_second "$TOTAL" "${SECS[copy]}")" 0) rows/s"
}

export_run() { # key format expected-rows [filter] [fields]
    local key=$1 format=$2 expected=$3 filter=${4:-} fields=${5:-} meta lines cpu0 status size total url
    url="$BASE_URL/v1/customers/export?format=$format"
    [[ -z $filter ]] || url="$url&filter=$(sed 's/=/%3D/g; s/:/%3A/g' <<<"$filter")"
    [[ -z $fields ]] || url="$url&fields=$fields"
    local t
    t=$(token)
    cpu0=$(cpu_seconds "$SERVICE_PID")
    start_samplers "$key"
    # curl fails (exit 18) when the server breaks the transfer off; the lines are counted as they arrive.
    lines=$(set -o pipefail; curl -sS --no-buffer -H "Authorization: Bearer $t" -w '%{stderr}%{http_code} %{size_download} %{time_total}\n' \
        "$url" 2>"$SCRATCH/$key.meta" | wc -l) || { cat "$SCRATCH/$key.meta"; die "export $key failed"; }
    stop_samplers "$key"
    CPU[$key]=$(awk -v a="$cpu0" -v b="$(cpu_seconds "$SERVICE_PID")" 'BEGIN { printf "%.1f", b - a }')
    read -r status size total < <(tail -1 "$SCRATCH/$key.meta")
    [[ $status == 200 ]] || die "export $key answered $status"
    [[ $format == csv ]] && lines=$((lines - 1)) # header row
    ((lines == expected)) || die "export $key delivered $lines records, expected $expected"
    SECS[$key]=$total BYTES[$key]=$size COUNT[$key]=$lines
    log "$key: $lines rows, $(fmt "$(megabytes "$size")" 0) MB in $(fmt "$total" 2) s" \
        "= $(fmt "$(per_second "$lines" "$total")" 0) rows/s; service CPU ${CPU[$key]} s," \
        "peak RSS ${RSS_PEAK[$key]} MB, peak heap used ${HEAP_PEAK[$key]} MB"
}

# Idle figures after a full GC, so the heap shows what is live rather than garbage not yet collected.
[[ -n $JSTAT ]] && jcmd "$SERVICE_PID" GC.run >/dev/null 2>&1 || true
sleep 2
IDLE_RSS=$(rss_mb "$SERVICE_PID") IDLE_HEAP=$(heap_mb "$SERVICE_PID")
log "service idle: RSS $IDLE_RSS MB, heap in use $IDLE_HEAP MB after a full GC"

copy_baseline # also warms the cache for the exports
FIRST_COPY=${SECS[copy]}
export_run small csv "$SMALL" "createdAt=lt=$SMALL_CUTOFF"
export_run csv csv "$TOTAL"
# Information: the same without the tags column, whose per-row subquery is most of PostgreSQL's share of the work.
export_run csvnotags csv "$TOTAL" "" "$CSV_WITHOUT_TAGS"
export_run ndjson ndjson "$TOTAL"
copy_baseline # again at the end: the ratios use the better of the two
SECS[copy]=$(awk -v a="$FIRST_COPY" -v b="${SECS[copy]}" 'BEGIN { print (a < b ? a : b) }')

[[ -n $JSTAT ]] && jcmd "$SERVICE_PID" GC.run >/dev/null 2>&1 || true
sleep 2
AFTER_RSS=$(rss_mb "$SERVICE_PID") AFTER_HEAP=$(heap_mb "$SERVICE_PID")

# --- Report -------------------------------------------------------------------------------------------------------
COPY_RPS=$(per_second "$TOTAL" "${SECS[copy]}")
GIT_REV=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo "?")
[[ -n $(git -C "$REPO_DIR" status --porcelain 2>/dev/null | grep -v '^?? bench/results' || true) ]] && GIT_REV="$GIT_REV+uncommitted"
echo
echo "== export results $STAMP (tree $GIT_REV, $(nproc) cores, $(java -version 2>&1 | head -1), service -Xmx$SERVICE_HEAP) =="
printf '%-34s %9s %8s %9s %10s %8s %9s %9s %9s\n' scenario rows MB seconds "rows/s" "x copy" "svc CPU s" "RSS MB" "heap MB"
printf '%-34s %9s %8s %9s %10s %8s %9s %9s %9s\n' "psql \\copy (same SELECT), best of 2" "$TOTAL" "-" "$(fmt "${SECS[copy]}" 2)" \
    "$(fmt "$COPY_RPS" 0)" "1.000" "-" "-" "-"
for key in small csv csvnotags ndjson; do
    rps=$(per_second "${COUNT[$key]}" "${SECS[$key]}")
    case $key in small) label="CSV, first ${SMALL_PERCENT}% (filter createdAt)" ;; csv) label="CSV, all rows" ;; csvnotags) label="  (info) CSV without tags column" ;; ndjson) label="NDJSON, all rows" ;; esac
    printf '%-34s %9s %8s %9s %10s %8s %9s %9s %9s\n' "$label" "${COUNT[$key]}" \
        "$(fmt "$(megabytes "${BYTES[$key]}")" 0)" "$(fmt "${SECS[$key]}" 2)" \
        "$(fmt "$rps" 0)" "$(ratio "$rps" "$COPY_RPS")" "${CPU[$key]}" "${RSS_PEAK[$key]}" "${HEAP_PEAK[$key]}"
done
echo "service memory: idle RSS $IDLE_RSS MB / heap in use $IDLE_HEAP MB (after a full GC);" \
    "after the exports RSS $AFTER_RSS MB / heap in use $AFTER_HEAP MB (after a full GC)"
echo "(RSS and heap are peaks of samples every 0.2 s during each export; heap = young + old generation in use)"
VERDICT=PASS
if [[ ${HEAP_PEAK[csv]} != "?" && ${HEAP_PEAK[small]} != "?" ]]; then
    limit=$(awk -v s="${HEAP_PEAK[small]}" -v f="$HEAP_GROWTH_MAX" 'BEGIN { printf "%.0f", s * f + 32 }')
    for key in csv ndjson; do
        if awk -v a="${HEAP_PEAK[$key]}" -v l="$limit" 'BEGIN { exit !(a <= l) }'; then ok=PASS; else ok=FAIL; VERDICT=FAIL; fi
        echo "constant memory ($key): peak heap ${HEAP_PEAK[$key]} MB for $TOTAL rows <= $HEAP_GROWTH_MAX x ${HEAP_PEAK[small]} MB" \
            "(for $SMALL rows) + 32 MB = $limit MB  $ok"
    done
fi
echo "overall: $VERDICT    (wall time $(($(date +%s) - START_EPOCH)) s)"
[[ $VERDICT == PASS ]]
