#!/usr/bin/env bash
# Sales benchmark: funnel over TOTAL opportunities (target p99 <= 50 ms at 100,000), scoring one opportunity
# (p99 <= 5 ms) and training the win model on CLOSED closed deals (<= 10 s at 10,000). See docs/sales.md and
# docs/benchmarks.md (figures).
#
#   bench/sales.sh         copies the tree to $BENCH_BUILD_DIR, starts the local stack on its own ports (28xxx),
#                          loads TOTAL opportunities with COPY into a new pipeline of tenant demo, measures, stops
#                          everything it started
#   BASE_URL=http://127.0.0.1:8080 PGPORT=15432 bench/sales.sh
#                          against a running ./mvnw -Plocal instead (adds a pipeline and its opportunities to demo)
# Environment: TOTAL [100000]   CLOSED [10000]   QUERIES [2000] requests per measured endpoint
#              BENCH_BUILD_DIR [/tmp/clientele-sales-bench]   MVN_ARGS [] (e.g. -o)   READY_TIMEOUT [900]
set -Eeuo pipefail

readonly FUNNEL_P99_MAX_MS=50 SCORE_P99_MAX_MS=5 TRAIN_MAX_S=10
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
TOTAL=${TOTAL:-100000}
CLOSED=${CLOSED:-10000}
QUERIES=${QUERIES:-2000}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-sales-bench}
KEEP_DATA=0
MVN_ARGS=${MVN_ARGS:-}
READY_TIMEOUT=${READY_TIMEOUT:-900}
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
endpoints 28
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH_DIR/results
mkdir -p "$RESULTS_DIR"
RESULT=$RESULTS_DIR/$STAMP-sales.txt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/clientele-bench-sales.XXXXXX")
STACK_PID=""
trap 'stop_local_stack; rm -rf "$SCRATCH"' EXIT

[[ $MODE == local ]] && { ensure_tool rsync rsync; start_local_stack; }
wait_ready
CODE_DIR=$([[ $MODE == local ]] && echo "$BENCH_BUILD_DIR" || echo "$REPO_DIR")
CP=$(cd "$CODE_DIR" && ./mvnw -q -B $MVN_ARGS dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=/dev/stdout)
(cd "$CODE_DIR" && ./mvnw -q -B $MVN_ARGS test-compile -Dquarkus.generate-code.skip=true >/dev/null)
log "git $(git -C "$REPO_DIR" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
    "TOTAL=$TOTAL CLOSED=$CLOSED QUERIES=$QUERIES" | tee -a "$RESULT"
java -Xmx2g -cp "$CODE_DIR/target/test-classes:$CODE_DIR/target/classes:$CP" io.clientele.bench.SalesBench \
    "jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE" "$PGUSER" "$BASE_URL" "$TOKEN_URL" "$CLIENT_ID" "$CLIENT_SECRET" \
    "$TENANT" "$TOTAL" "$CLOSED" "$QUERIES" 2> >(grep -v 'LogManager\|JBossLoggerFinder' >&2) | tee -a "$RESULT"
funnel=$(sed -nE 's/^funnel \(all.*p99 ([0-9.]+) ms.*/\1/p' "$RESULT" | tail -1)
score=$(sed -nE 's/^score:.*p99 ([0-9.]+) ms.*/\1/p' "$RESULT" | tail -1)
train=$(sed -nE 's/^training on [0-9]+ closed: ([0-9.]+) s.*/\1/p' "$RESULT" | tail -1)
verdict() { awk -v v="$1" -v m="$2" 'BEGIN { print (v <= m) ? "PASS" : "FAIL" }'; }
log "funnel p99 $funnel ms / $FUNNEL_P99_MAX_MS ms = $(ratio "$funnel" $FUNNEL_P99_MAX_MS) $(verdict "$funnel" $FUNNEL_P99_MAX_MS);" \
    "score p99 $score ms / $SCORE_P99_MAX_MS ms = $(ratio "$score" $SCORE_P99_MAX_MS) $(verdict "$score" $SCORE_P99_MAX_MS);" \
    "training $train s / $TRAIN_MAX_S s = $(ratio "$train" $TRAIN_MAX_S) $(verdict "$train" $TRAIN_MAX_S)" \
    "(load after: $(cut -d' ' -f1-3 /proc/loadavg); result: $RESULT)" | tee -a "$RESULT"
