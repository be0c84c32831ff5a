#!/usr/bin/env bash
# Shared by bench/intake.sh and bench/intake-fault.sh; sourced after bench/lib.sh, not run.
# The local stack's own service (port <prefix>080) serves REST with its intake consumers switched off; intake is
# consumed by a separate "worker" instance of the same build (port <prefix>081) that these scripts start, stop and
# SIGKILL, while PostgreSQL, Kafka and Redis stay up.

WORKER_PORT=${WORKER_PORT:-$((HTTP_PORT + 1))}
WORKER_PID="" WORKER_LOG=""
INTAKE_CHANNELS="email phone chat web api"

intake_off_args() {
    local c
    for c in $INTAKE_CHANNELS; do printf -- '-Dclientele.local.app.mp.messaging.incoming.intake-%s.enabled=false\n' "$c"; done
}

# Kafka client jars from the local Maven repository (the build fetched them), for bench/IntakeLoad.java.
intake_tool() {
    local kafka slf4j
    kafka=$(ls "$HOME"/.m2/repository/org/apache/kafka/kafka-clients/*/kafka-clients-*.jar 2>/dev/null | grep -v sources | sort -V | tail -1)
    slf4j=$(ls "$HOME"/.m2/repository/org/slf4j/slf4j-api/*/slf4j-api-*.jar 2>/dev/null | grep -v sources | sort -V | tail -1)
    [[ -n $kafka && -n $slf4j ]] || die "kafka-clients / slf4j-api not found in ~/.m2 (build the project once)"
    INTAKE_CP="$kafka:$slf4j:$SCRATCH/intakeload"
    mkdir -p "$SCRATCH/intakeload"
    javac -cp "$kafka:$slf4j" -d "$SCRATCH/intakeload" "$BENCH_DIR/IntakeLoad.java" || die "cannot compile bench/IntakeLoad.java"
}
intake_load() { java -cp "$INTAKE_CP" IntakeLoad "$@" --bootstrap "127.0.0.1:$KAFKA_PORT" --tenant "$TENANT"; }

# The primary service's command line, to start workers with exactly its configuration.
primary_command() {
    local pid
    pid=$(listener_pid "$HTTP_PORT")
    [[ -n $pid ]] || die "no process listens on $HTTP_PORT"
    PRIMARY_CWD=$(readlink "/proc/$pid/cwd")
    mapfile -d '' PRIMARY_CMD <"/proc/$pid/cmdline"
}

start_worker() {
    local -a cmd=()
    local arg
    for arg in "${PRIMARY_CMD[@]}"; do
        case $arg in
            -Dquarkus.http.port=*) cmd+=("-Dquarkus.http.port=$WORKER_PORT") ;;
            -Dmp.messaging.incoming.intake-*.enabled=false) ;;
            *) cmd+=("$arg") ;;
        esac
    done
    WORKER_LOG=$SCRATCH/worker.log
    (cd "$PRIMARY_CWD" && exec setsid "${cmd[@]}" </dev/null >>"$WORKER_LOG" 2>&1) &
    WORKER_PID=$!
    local i
    for ((i = 0; i < 120; i++)); do
        curl -sf --max-time 2 "http://127.0.0.1:$WORKER_PORT/q/health/ready" 2>/dev/null | grep -q '"UP"' && return 0
        alive "$WORKER_PID" || { tail -30 "$WORKER_LOG"; die "the worker exited"; }
        sleep 1
    done
    die "worker not ready after 120 s"
}

kill_worker() { # signal
    [[ -n $WORKER_PID ]] || return 0
    kill "-$1" "$WORKER_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 60; i++)); do alive "$WORKER_PID" || break; sleep 0.5; done
    alive "$WORKER_PID" && kill -KILL "$WORKER_PID" 2>/dev/null
    WORKER_PID=""
}

# A team of four agents with room for everything, and a least-loaded rule for the bench tickets, so every
# intake ticket is routed and assigned as in production.
setup_assignment() {
    local t team a
    t=$(token)
    team=$(curl -sf -H "Authorization: Bearer $t" -H 'Content-Type: application/json' \
        -d "{\"name\":\"Bench desk $RANDOM$RANDOM\"}" "$BASE_URL/v1/teams" | sed -nE 's/.*"id":"([^"]+)".*/\1/p')
    [[ -n $team ]] || die "cannot create the bench team"
    for a in bench-agent-1 bench-agent-2 bench-agent-3 bench-agent-4; do
        curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $t" -H 'Content-Type: application/json' \
            -d '{"role":"member"}' "$BASE_URL/v1/teams/$team/members/$a" || die "cannot add $a"
        curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $t" -H 'Content-Type: application/json' \
            -d '{"capacity":10000,"skills":[],"available":true}' "$BASE_URL/v1/agents/$a" || die "cannot profile $a"
    done
    curl -sf -o /dev/null -H "Authorization: Bearer $t" -H 'Content-Type: application/json' \
        -d "{\"name\":\"bench $team\",\"position\":0,\"teamId\":\"$team\",\"strategy\":\"least_loaded\",\"conditions\":{\"tags\":[\"bench\"]}}" \
        "$BASE_URL/v1/assignment-rules" || die "cannot create the assignment rule"
    log "assignment: team $team, 4 agents, least-loaded rule for tag bench"
}

run_tickets() { sql -c "SELECT count(*) FROM ticket WHERE tenant_id = '$TENANT' AND attributes->>'bench' LIKE '$1:%'"; }

# The run's results file, scratch dir and log, and the cleanup trap (worker, stack, scratch), for a run named $1
# (intake, intake-fault). A script defines intake_cleanup_extra for its own tidying before the stack stops.
intake_run_setup() {
    STAMP=$(date -u +%Y%m%dT%H%M%SZ)
    RESULTS_DIR=$BENCH_DIR/results
    mkdir -p "$RESULTS_DIR"
    RUN_NAME=$1
    OUT=$RESULTS_DIR/$STAMP-$RUN_NAME.txt
    SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/clientele-$RUN_NAME.XXXXXX")
    STACK_PID="" STACK_LOG=""
    exec > >(tee -a "$OUT") 2>&1
    trap intake_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

intake_cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    kill_worker TERM
    declare -F intake_cleanup_extra >/dev/null && intake_cleanup_extra
    [[ -n $WORKER_LOG && -f $WORKER_LOG ]] && cp "$WORKER_LOG" "$RESULTS_DIR/$STAMP-$RUN_NAME.worker.log"
    [[ -n "$STACK_PID" ]] && stop_local_stack
    rm -rf "$SCRATCH"
    exit "$rc"
}

# The local stack with its own intake consumers off, the load tool and the assignment set-up; $1 says why a
# stack given by BASE_URL will not do.
intake_stack_up() {
    ensure_tool psql postgresql-client
    ensure_tool curl curl
    ensure_tool ss iproute2
    [[ $MODE == local ]] || die "$1"
    ensure_tool rsync rsync
    local -a off
    mapfile -t off < <(intake_off_args)
    start_local_stack "${off[@]}"
    wait_ready
    primary_command
    intake_tool
    setup_assignment
}
