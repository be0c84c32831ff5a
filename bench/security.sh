#!/usr/bin/env bash
# Security overhead benchmark (docs/benchmarks.md, "Security"): what AES-256-GCM field encryption costs on
# customer create and read, and what a blind-index look-up costs against a plain indexed look-up, each as a
# ratio to the same endpoint without sensitive fields measured in the same run (interleaved, same stack).
#
#   bench/security.sh      copies the tree to $BENCH_BUILD_DIR, starts the local stack on its own ports (32xxx),
#                          seeds SEED customers in tenant demo, measures, stops everything it started
#   BASE_URL=http://127.0.0.1:8080 PGPORT=15432 bench/security.sh   against a running ./mvnw -Plocal instead
# Environment: REQUESTS [4000] per measurement   CONCURRENCY [8]   SEED [5000] customers with sensitive fields
#              ROUNDS [2] interleaved rounds   BENCH_BUILD_DIR [/tmp/clientele-security-bench]   MVN_ARGS []
set -Eeuo pipefail

# Limits: the encrypted variant must keep at least this share of the plain variant's throughput.
readonly MIN_CREATE_RATIO=0.80 MIN_READ_RATIO=0.80 MIN_LOOKUP_RATIO=0.80
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
REQUESTS=${REQUESTS:-4000}
CONCURRENCY=${CONCURRENCY:-8}
SEED=${SEED:-5000}
ROUNDS=${ROUNDS:-2}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-security-bench}
KEEP_DATA=0
MVN_ARGS=${MVN_ARGS:-}
READY_TIMEOUT=${READY_TIMEOUT:-900}
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
endpoints 32
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH_DIR/results
mkdir -p "$RESULTS_DIR"
RESULT=$RESULTS_DIR/$STAMP-security.txt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/clientele-bench-security.XXXXXX")
STACK_PID=""
trap 'stop_local_stack; rm -rf "$SCRATCH"' EXIT

ensure_tool ab apache2-utils
[[ $MODE == local ]] && { ensure_tool rsync rsync; start_local_stack; }
wait_ready
TOKEN=$(token)
log "git $(git -C "$REPO_DIR" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
    "REQUESTS=$REQUESTS CONCURRENCY=$CONCURRENCY SEED=$SEED ROUNDS=$ROUNDS" | tee -a "$RESULT"

create() { # body -> id
    curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$1" \
        "$BASE_URL/v1/customers" | sed -nE 's/^\{"id":"([^"]+)".*/\1/p'
}
export -f create
export TOKEN BASE_URL

log "seeding $SEED customers with sensitive fields (national id NI<n>, external id sec-<n>)"
seq 1 "$SEED" | xargs -P 4 -I{} bash -c 'create "{\"kind\":\"person\",\"firstName\":\"Seed\",\"lastName\":\"P{}\",\"externalId\":\"sec-{}\",\"sensitive\":{\"nationalId\":\"NI{}\",\"birthDate\":\"1980-01-01\",\"privateNotes\":\"seeded {}\"}}" >/dev/null' \
    2>/dev/null || true
PLAIN_ID=$(create '{"kind":"person","firstName":"Plain","lastName":"Reader"}')
SECRET_ID=$(create '{"kind":"person","firstName":"Secret","lastName":"Reader","sensitive":{"nationalId":"AB123456C","birthDate":"1970-05-06","personalPhone":"+442079460958","privateNotes":"call after six"}}')
[[ -n $PLAIN_ID && -n $SECRET_ID ]] || die "could not create the read targets"
printf '%s' '{"kind":"person","firstName":"Bench","lastName":"Plain","emails":[{"address":"plain@example.com"}]}' \
    >"$SCRATCH/plain.json"
printf '%s' '{"kind":"person","firstName":"Bench","lastName":"Secret","emails":[{"address":"secret@example.com"}],"sensitive":{"nationalId":"ZX 99 88 77 A","birthDate":"1985-02-03","personalPhone":"+442079460001","privateNotes":"prefers email; allergic to cats"}}' \
    >"$SCRATCH/secret.json"
probe=$((SEED / 2))

run_ab() { # name ab-args... ; prints "name rps=.. p50=.. p99=.."
    local name=$1 out
    shift
    out=$(ab -q -l -n "$REQUESTS" -c "$CONCURRENCY" -H "Authorization: Bearer $TOKEN" "$@" 2>&1) || die "ab failed: $out"
    local failed non2xx
    failed=$(sed -nE 's/^Failed requests: +([0-9]+).*/\1/p' <<<"$out")
    non2xx=$(sed -nE 's/^Non-2xx responses: +([0-9]+).*/\1/p' <<<"$out")
    [[ ${failed:-0} == 0 && -z $non2xx ]] || die "$name: $failed failed, ${non2xx:-0} non-2xx responses"
    printf '%s rps=%s p50=%s p99=%s\n' "$name" "$(sed -nE 's/^Requests per second: +([0-9.]+).*/\1/p' <<<"$out")" \
        "$(awk '$1 == "50%" { print $2 }' <<<"$out")" "$(awk '$1 == "99%" { print $2 }' <<<"$out")"
}

# Warm-up of every endpoint variant, then interleaved rounds (plain, encrypted, plain, encrypted, ...).
for pass in warmup $(seq 1 "$ROUNDS"); do
    {
        run_ab "create-plain" -p "$SCRATCH/plain.json" -T application/json "$BASE_URL/v1/customers"
        run_ab "create-sensitive" -p "$SCRATCH/secret.json" -T application/json "$BASE_URL/v1/customers"
        run_ab "read-plain" "$BASE_URL/v1/customers/$PLAIN_ID"
        run_ab "read-sensitive" "$BASE_URL/v1/customers/$SECRET_ID"
        run_ab "lookup-plain-index" "$BASE_URL/v1/customers?filter=externalId==sec-$probe"
        run_ab "lookup-blind-index" "$BASE_URL/v1/customers?filter=nationalId==NI$probe"
    } | sed "s/^/$pass /" | tee -a "$SCRATCH/runs.txt"
done
grep -v '^warmup' "$SCRATCH/runs.txt" >>"$RESULT"

best() { awk -v n="$1" '$2 == n { split($3, a, "="); if (a[2] > m) m = a[2] } END { print m }' "$SCRATCH/runs.txt"; }
verdicts=0
report() { # label plain encrypted limit
    local p e r v
    p=$(best "$2") e=$(best "$3") r=$(ratio "$(best "$3")" "$(best "$2")")
    v=$(ge "$r" "$4" && echo PASS || echo FAIL)
    [[ $v == PASS ]] || verdicts=1
    log "$1: $(fmt "$e") vs $(fmt "$p") req/s (best of $ROUNDS rounds), ratio $r, limit >= $4: $v" | tee -a "$RESULT"
}
report "create with sensitive fields vs without" create-plain create-sensitive "$MIN_CREATE_RATIO"
report "read (decrypting, admin) vs plain read" read-plain read-sensitive "$MIN_READ_RATIO"
report "blind-index look-up vs plain indexed look-up" lookup-plain-index lookup-blind-index "$MIN_LOOKUP_RATIO"
log "load after: $(cut -d' ' -f1-3 /proc/loadavg); result: $RESULT" | tee -a "$RESULT"
exit $verdicts
