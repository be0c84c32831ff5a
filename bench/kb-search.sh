#!/usr/bin/env bash
# Knowledge-base search benchmark: TOTAL articles (half Chinese, half English) in one tenant; p99 of
# GET /v1/kb/search (target: <= 100 ms at 100,000 articles) and its ratio to GET /v1/kb/articles/{id} through
# the same stack, plus the indexed search SQL against a plain ILIKE scan of the same table, in the same run.
#
#   bench/kb-search.sh     copies the tree to $BENCH_BUILD_DIR, starts the local stack on its own ports (30xxx),
#                          loads TOTAL articles with COPY into tenant demo, queries, stops everything it started
#   BASE_URL=http://127.0.0.1:8080 PGPORT=15432 bench/kb-search.sh
#                          against a running ./mvnw -Plocal instead (REPLACES the demo tenant's articles)
# Environment: TOTAL [100000] articles   QUERIES [2000] searches (half Chinese, half English)
#              BENCH_BUILD_DIR [/tmp/clientele-kb-bench]   MVN_ARGS [] (e.g. -o)   READY_TIMEOUT [900]
set -Eeuo pipefail

readonly P99_MAX_MS=100
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
TOTAL=${TOTAL:-100000}
QUERIES=${QUERIES:-2000}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-kb-bench}
KEEP_DATA=0
MVN_ARGS=${MVN_ARGS:-}
READY_TIMEOUT=${READY_TIMEOUT:-900}
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
endpoints 30
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH_DIR/results
mkdir -p "$RESULTS_DIR"
RESULT=$RESULTS_DIR/$STAMP-kb-search.txt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/clientele-bench-kb.XXXXXX")
STACK_PID=""
trap 'stop_local_stack; rm -rf "$SCRATCH"' EXIT

[[ $MODE == local ]] && { ensure_tool rsync rsync; start_local_stack; }
wait_ready
CODE_DIR=$([[ $MODE == local ]] && echo "$BENCH_BUILD_DIR" || echo "$REPO_DIR")
CP=$(cd "$CODE_DIR" && ./mvnw -q -B $MVN_ARGS dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=/dev/stdout)
(cd "$CODE_DIR" && ./mvnw -q -B $MVN_ARGS test-compile -Dquarkus.generate-code.skip=true >/dev/null)
log "git $(git -C "$REPO_DIR" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
    "TOTAL=$TOTAL QUERIES=$QUERIES" | tee -a "$RESULT"
# Two runs: loading takes minutes, and the measuring run needs a token that is still fresh.
for mode in load query; do
    java -Xmx1g -cp "$CODE_DIR/target/test-classes:$CODE_DIR/target/classes:$CP" io.clientele.bench.KbBench \
        "jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE" "$PGUSER" "$BASE_URL" "$(token)" "$TENANT" "$TOTAL" \
        "$QUERIES" "$mode" 2> >(grep -v 'LogManager\|JBossLoggerFinder' >&2) | tee -a "$RESULT"
done
p99=$(sed -nE 's/^RESULT http .*search_p99=([0-9.]+).*/\1/p' "$RESULT" | tail -1)
verdict=$(awk -v p="$p99" -v m="$P99_MAX_MS" 'BEGIN { print (p <= m) ? "PASS" : "FAIL" }')
log "kb search p99 $p99 ms vs limit $P99_MAX_MS ms: $verdict (load after: $(cut -d' ' -f1-3 /proc/loadavg); result: $RESULT)" \
    | tee -a "$RESULT"
