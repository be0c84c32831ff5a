#!/usr/bin/env bash
# Duplicate-detection benchmark: precision and recall on a generated labelled set of person records, and the
# latency of POST /v1/customers/matches with TOTAL customers stored (target: p99 <= 20 ms at 1,000,000).
# See docs/duplicates.md (how the set is built) and docs/benchmarks.md (figures).
#
#   bench/match.sh                     builds a private copy of the tree in $BENCH_BUILD_DIR, starts the local stack
#                                      on its own ports, loads TOTAL customers with COPY, queries, stops everything
# Environment: TOTAL [1000000] customers stored   QUERIES [4000] match requests (3/4 with a true match)
#              BENCH_BUILD_DIR [/tmp/clientele-match-bench]   MVN_ARGS [] (e.g. -o)   READY_TIMEOUT [900]
#              ports: HTTP_PORT [25080] PGPORT [25432] KAFKA_PORT [25092] REDIS_PORT [25379] OIDC_PORT [25180]
set -Eeuo pipefail

readonly P99_MAX_MS=20
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
TOTAL=${TOTAL:-1000000}
QUERIES=${QUERIES:-4000}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-match-bench}
MVN_ARGS=${MVN_ARGS:-}
READY_TIMEOUT=${READY_TIMEOUT:-900}
HTTP_PORT=${HTTP_PORT:-25080} PGPORT=${PGPORT:-25432} KAFKA_PORT=${KAFKA_PORT:-25092}
REDIS_PORT=${REDIS_PORT:-25379} OIDC_PORT=${OIDC_PORT:-25180}
BASE_URL=http://127.0.0.1:$HTTP_PORT
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULT=$REPO_DIR/bench/results/$STAMP-match.txt
mkdir -p "$REPO_DIR/bench/results"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RESULT" >&2; }
die() { log "error: $*"; exit 1; }
STACK_PID=""
cleanup() { [[ -z $STACK_PID ]] || { kill -TERM -- "-$STACK_PID" 2>/dev/null || true; wait "$STACK_PID" 2>/dev/null || true; }; }
trap cleanup EXIT

[[ $BENCH_BUILD_DIR != "$REPO_DIR" ]] || die "BENCH_BUILD_DIR must not be the repository itself"
log "copying the tree to $BENCH_BUILD_DIR"
rm -rf "$BENCH_BUILD_DIR" && mkdir -p "$BENCH_BUILD_DIR"
tar -C "$REPO_DIR" --exclude ./target --exclude ./bench/results -cf - . | tar -C "$BENCH_BUILD_DIR" -xf -
log "building and starting the local stack (log: $BENCH_BUILD_DIR/stack.log)"
(cd "$BENCH_BUILD_DIR" && exec setsid ./mvnw -B $MVN_ARGS -Plocal "-Dclientele.local.http-port=$HTTP_PORT" \
    "-Dclientele.local.postgres-port=$PGPORT" "-Dclientele.local.kafka-port=$KAFKA_PORT" \
    "-Dclientele.local.redis-port=$REDIS_PORT" "-Dclientele.local.oidc-port=$OIDC_PORT" \
    </dev/null >"$BENCH_BUILD_DIR/stack.log" 2>&1) &
STACK_PID=$!
deadline=$(($(date +%s) + READY_TIMEOUT))
until curl -sf --max-time 3 "$BASE_URL/q/health/ready" 2>/dev/null | grep -q '"UP"'; do
    kill -0 "$STACK_PID" 2>/dev/null || { tail -30 "$BENCH_BUILD_DIR/stack.log"; die "the stack exited"; }
    (($(date +%s) < deadline)) || die "not ready after ${READY_TIMEOUT}s"
    sleep 2
done
token() {
    curl -sS -d grant_type=client_credentials -d client_id=demo-partner -d client_secret=demo-partner-secret \
        "http://127.0.0.1:$OIDC_PORT/realms/clientele/protocol/openid-connect/token" |
        sed -nE 's/.*"access_token":"([^"]+)".*/\1/p'
}
CP=$(cd "$BENCH_BUILD_DIR" && ./mvnw -q -B $MVN_ARGS dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=/dev/stdout)
(cd "$BENCH_BUILD_DIR" && ./mvnw -q -B $MVN_ARGS test-compile -Dquarkus.generate-code.skip=true >/dev/null)
log "git $(git -C "$REPO_DIR" rev-parse --short HEAD), $(nproc) cores, TOTAL=$TOTAL QUERIES=$QUERIES"
java -Xmx2g -cp "$BENCH_BUILD_DIR/target/test-classes:$BENCH_BUILD_DIR/target/classes:$CP" \
    io.clientele.bench.MatchBench "jdbc:postgresql://127.0.0.1:$PGPORT/clientele" postgres "$BASE_URL" "$(token)" \
    demo "$TOTAL" "$QUERIES" | tee -a "$RESULT"
p99=$(sed -nE 's/.*p99 ([0-9.]+).*/\1/p' "$RESULT" | tail -1)
verdict=$(awk -v p="$p99" -v m="$P99_MAX_MS" 'BEGIN { print (p <= m) ? "PASS" : "FAIL" }')
log "match p99 $p99 ms vs limit $P99_MAX_MS ms: $verdict (result: $RESULT)"
