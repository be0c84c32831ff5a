#!/usr/bin/env bash
# Shared functions of the benchmark scripts (bench/run.sh, import.sh, export.sh, match.sh); sourced, not run.
# The caller sets: BENCH_DIR, REPO_DIR, BASE_URL, TOKEN_URL, CLIENT_ID, CLIENT_SECRET, and for a local stack
# BENCH_BUILD_DIR, KEEP_DATA, MVN_ARGS, RESULTS_DIR, STAMP, SCRATCH, READY_TIMEOUT and the *_PORT variables.

# Sets MODE, the ports, BASE_URL, TOKEN_URL, the demo client and the psql environment. With BASE_URL given, the
# scripts measure that running stack (external mode); otherwise a local stack on ports <prefix>080, <prefix>432,
# <prefix>092, <prefix>379 and <prefix>180, each overridable (HTTP_PORT, PGPORT, KAFKA_PORT, REDIS_PORT, OIDC_PORT).
endpoints() { # port-prefix, e.g. 24
    CLIENT_ID=${CLIENT_ID:-demo-partner}
    CLIENT_SECRET=${CLIENT_SECRET:-demo-partner-secret}
    TENANT=${TENANT:-demo}
    if [[ -n "${BASE_URL:-}" ]]; then
        MODE=external
        PGPORT=${PGPORT:-15432} OIDC_PORT=${OIDC_PORT:-18180}
    else
        MODE=local
        HTTP_PORT=${HTTP_PORT:-${1}080} PGPORT=${PGPORT:-${1}432} KAFKA_PORT=${KAFKA_PORT:-${1}092}
        REDIS_PORT=${REDIS_PORT:-${1}379} OIDC_PORT=${OIDC_PORT:-${1}180}
        BASE_URL=http://127.0.0.1:$HTTP_PORT
    fi
    BASE_URL=${BASE_URL%/}
    TOKEN_URL=${TOKEN_URL:-http://127.0.0.1:$OIDC_PORT/realms/clientele/protocol/openid-connect/token}
    export PGHOST=${PGHOST:-127.0.0.1} PGPORT PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-clientele}
}

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "ERROR: $*"; exit 1; }
alive() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; }

ensure_tool() { # command debian-package
    command -v "$1" >/dev/null 2>&1 && return 0
    [[ $(id -u) == 0 ]] || die "$1 is missing: install the Debian package $2"
    log "installing $2 (for $1)"
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get install -y -q "$2" >/dev/null 2>&1 \
        || { timeout 300 apt-get update -q >/dev/null 2>&1 && timeout 300 apt-get install -y -q "$2" >/dev/null 2>&1; } \
        || die "could not install $2"
}
kv() { sed -nE "s/.*[ ]$2=([^ ]+).*/\1/p" <<<"$1"; } # value of key=value in a result line
fmt() { awk -v v="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "nan" }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
sql() { timeout 60 psql -qAtX -v ON_ERROR_STOP=1 "$@"; }

listener_pid() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

token() {
    local response t
    response=$(curl -sS --max-time 10 -d grant_type=client_credentials -d "client_id=$CLIENT_ID" \
        -d "client_secret=$CLIENT_SECRET" "$TOKEN_URL") || die "token request to $TOKEN_URL failed"
    t=$(sed -nE 's/.*"access_token":"([^"]+)".*/\1/p' <<<"$response")
    [[ -n $t ]] || die "no access_token from $TOKEN_URL: $response"
    printf '%s' "$t"
}

rss_mb() { awk '/^'"$2"':/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

# Copies the tree to $BENCH_BUILD_DIR and starts ./mvnw -Plocal there on the benchmark ports (extra arguments go to
# Maven, e.g. -Dclientele.local.heap=256m); sets STACK_PID and STACK_LOG. Refuses to start when a port is taken.
# The rate limiter is off unless BENCH_RATE_LIMIT=1: a benchmark's load generator is one client, and 429s would
# measure the quota, not the endpoint (bench/webhooks.sh measures the limiter itself).
start_local_stack() {
    local port limiter=()
    [[ ${BENCH_RATE_LIMIT:-0} == 1 ]] || limiter=(-Dclientele.local.app.clientele.rate-limit.enabled=false)
    for port in $PGPORT $KAFKA_PORT $REDIS_PORT $OIDC_PORT $HTTP_PORT; do
        if [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]; then
            die "port $port is taken (another benchmark still running?); choose others with HTTP_PORT, PGPORT, KAFKA_PORT, REDIS_PORT, OIDC_PORT"
        fi
    done
    [[ $BENCH_BUILD_DIR != "$REPO_DIR" ]] || die "BENCH_BUILD_DIR must not be the repository itself"
    log "copying $REPO_DIR to $BENCH_BUILD_DIR (private build: no clash with target/ of the working tree)"
    mkdir -p "$BENCH_BUILD_DIR"
    rsync -a --delete --exclude target --exclude bench/results "$REPO_DIR/" "$BENCH_BUILD_DIR/"
    if [[ $KEEP_DATA != 1 ]]; then rm -rf "$BENCH_BUILD_DIR/target/local"; fi
    STACK_LOG=$SCRATCH/stack.log
    log "building and starting the local stack (./mvnw -Plocal; log: $STACK_LOG, kept in $RESULTS_DIR after the run)"
    # setsid: its own process group, so Ctrl-C here reaches only this script, which then stops the stack in order.
    (cd "$BENCH_BUILD_DIR" && exec setsid ./mvnw -B $MVN_ARGS -Plocal "-Dclientele.local.http-port=$HTTP_PORT" \
        "-Dclientele.local.postgres-port=$PGPORT" "-Dclientele.local.kafka-port=$KAFKA_PORT" \
        "-Dclientele.local.redis-port=$REDIS_PORT" "-Dclientele.local.oidc-port=$OIDC_PORT" "${limiter[@]}" "$@" \
        </dev/null >"$STACK_LOG" 2>&1) &
    STACK_PID=$!
}

# Waits until the service answers ready (or the local stack died, or READY_TIMEOUT passed).
wait_ready() {
    local deadline
    log "waiting for $BASE_URL/q/health/ready"
    deadline=$(($(date +%s) + READY_TIMEOUT))
    until curl -sf --max-time 3 "$BASE_URL/q/health/ready" 2>/dev/null | grep -q '"UP"'; do
        if [[ -n "$STACK_PID" ]] && ! alive "$STACK_PID"; then
            tail -40 "$STACK_LOG" || true
            die "the local stack exited before becoming ready (log above)"
        fi
        (($(date +%s) < deadline)) || die "not ready after ${READY_TIMEOUT}s"
        sleep 2
    done
}

# Stops the local stack started by start_local_stack, and a PostgreSQL its shutdown hook could not stop.
stop_local_stack() {
    [[ -n "$STACK_PID" ]] || return 0
    {
        log "stopping the local stack (pid $STACK_PID)"
        kill -TERM "$STACK_PID" 2>/dev/null || true # its shutdown hook stops the service, PostgreSQL, Kafka, Redis
        local i
        for ((i = 0; i < 90; i++)); do alive "$STACK_PID" || break; sleep 1; done
        if alive "$STACK_PID"; then
            log "stack did not stop in 90 s; killing its process group"
            kill -KILL -- "-$STACK_PID" 2>/dev/null || true
        fi
        # PostgreSQL runs in its own session: if the hook could not stop it, stop it by its pid file.
        local pidfile=$BENCH_BUILD_DIR/target/local/pg/postmaster.pid pm
        if [[ -f $pidfile ]]; then
            pm=$(head -1 "$pidfile")
            if alive "$pm" && grep -q postgres "/proc/$pm/cmdline" 2>/dev/null; then
                log "stopping leftover PostgreSQL (pid $pm)"
                kill -INT "$pm" 2>/dev/null || true
                for ((i = 0; i < 30; i++)); do alive "$pm" || break; sleep 1; done
                alive "$pm" && kill -KILL "$pm" 2>/dev/null || true
            fi
        fi
    }
}
