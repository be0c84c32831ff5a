#!/usr/bin/env bash
# Duplicate-detection benchmark: precision and recall on a generated labelled set of person records, and the
# latency of POST /v1/customers/matches with TOTAL customers stored (target: p99 <= 20 ms at 1,000,000).
# See docs/duplicates.md (how the set is built) and docs/benchmarks.md (figures).
#
#   bench/match.sh         copies the tree to $BENCH_BUILD_DIR, starts the local stack on its own ports (25xxx),
#                          loads TOTAL customers with COPY into tenant demo, queries, stops everything it started
#   BASE_URL=http://127.0.0.1:8080 PGPORT=15432 bench/match.sh
#                          against a running ./mvnw -Plocal instead (REPLACES the demo tenant's customers)
# Environment: TOTAL [1000000] customers stored   QUERIES [4000] match requests (3/4 with a true match)
#              BENCH_BUILD_DIR [/tmp/clientele-match-bench]   MVN_ARGS [] (e.g. -o)   READY_TIMEOUT [900]
set -Eeuo pipefail

readonly P99_MAX_MS=20
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
TOTAL=${TOTAL:-1000000}
QUERIES=${QUERIES:-4000}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-match-bench}
KEEP_DATA=0
MVN_ARGS=${MVN_ARGS:-}
READY_TIMEOUT=${READY_TIMEOUT:-900}
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
endpoints 25
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH_DIR/results
mkdir -p "$RESULTS_DIR"
RESULT=$RESULTS_DIR/$STAMP-match.txt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/clientele-bench-match.XXXXXX")
STACK_PID=""
trap 'stop_local_stack; rm -rf "$SCRATCH"' EXIT

# The common-key estimate (CommonMatchKeys) is checked every 30 s, so it follows the COPY load quickly.
[[ $MODE == local ]] && { ensure_tool rsync rsync
    start_local_stack -Dclientele.local.app.clientele.duplicates.common-keys-refresh=30s; }
wait_ready
CODE_DIR=$([[ $MODE == local ]] && echo "$BENCH_BUILD_DIR" || echo "$REPO_DIR")
CP=$(cd "$CODE_DIR" && ./mvnw -q -B $MVN_ARGS dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=/dev/stdout)
(cd "$CODE_DIR" && ./mvnw -q -B $MVN_ARGS test-compile -Dquarkus.generate-code.skip=true >/dev/null)
log "git $(git -C "$REPO_DIR" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
    "TOTAL=$TOTAL QUERIES=$QUERIES" | tee -a "$RESULT"
java -Xmx2g -cp "$CODE_DIR/target/test-classes:$CODE_DIR/target/classes:$CP" io.clientele.bench.MatchBench \
    "jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE" "$PGUSER" "$BASE_URL" "$TOKEN_URL $CLIENT_ID $CLIENT_SECRET" "$TENANT" "$TOTAL" "$QUERIES" \
    2> >(grep -v 'LogManager\|JBossLoggerFinder' >&2) | tee -a "$RESULT"
p99=$(sed -nE 's/.*p99 ([0-9.]+).*/\1/p' "$RESULT" | tail -1)
verdict=$(awk -v p="$p99" -v m="$P99_MAX_MS" 'BEGIN { print (p <= m) ? "PASS" : "FAIL" }')
log "match p99 $p99 ms vs limit $P99_MAX_MS ms: $verdict (load after: $(cut -d' ' -f1-3 /proc/loadavg); result: $RESULT)" \
    | tee -a "$RESULT"
