#!/usr/bin/env bash
# Intake fault test: 10,000 email intake messages (5% of them sent twice) are consumed by a worker that is
# SIGKILLed twice while it consumes and restarted; afterwards exactly 10,000 tickets must exist for the run:
# none lost (offsets are committed only after the database commit), none duplicated (intake receipts).
#
#   bench/intake-fault.sh            # builds, starts a local stack on ports 29080.. and runs
#   COUNT=20000 KILLS=3 bench/intake-fault.sh
#
# Prints PASS/FAIL with the counts; results are appended to bench/results/<stamp>-intake-fault.txt.
set -Eeuo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
COUNT=${COUNT:-10000}
DUP_FRACTION=${DUP_FRACTION:-0.05}
KILLS=${KILLS:-2}
READY_TIMEOUT=${READY_TIMEOUT:-900}
BENCH_BUILD_DIR=${BENCH_BUILD_DIR:-/tmp/clientele-bench-intake}
KEEP_DATA=${KEEP_DATA:-0}
MVN_ARGS=${MVN_ARGS:-}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-900}

source "$BENCH_DIR/lib.sh"
endpoints 29
source "$BENCH_DIR/intake-common.sh"

intake_run_setup intake-fault
intake_stack_up "the fault test needs a local stack (it kills and restarts the consumer)"

RUN="fault$(date -u +%s)"
log "worker start; producing $COUNT messages (+${DUP_FRACTION} duplicates) as run $RUN"
start_worker
intake_load produce --run "$RUN" --count "$COUNT" --dup-fraction "$DUP_FRACTION" >"$SCRATCH/produce.out" 2>&1 &
PRODUCER=$!

for ((k = 1; k <= KILLS; k++)); do
    threshold=$((COUNT * k / (KILLS + 1)))
    deadline=$(($(date +%s) + DRAIN_TIMEOUT))
    until (($(run_tickets "$RUN") >= threshold)); do
        (($(date +%s) < deadline)) || die "stuck below $threshold tickets"
        sleep 0.2
    done
    n=$(run_tickets "$RUN")
    log "kill $k: SIGKILL worker (pid $WORKER_PID) at $n tickets"
    kill_worker KILL
    start_worker
    log "worker restarted (pid $WORKER_PID)"
done
wait "$PRODUCER" || die "producer failed: $(cat "$SCRATCH/produce.out")"
cat "$SCRATCH/produce.out"

# Drained when the count stops moving for 10 s after reaching the target (or the timeout).
deadline=$(($(date +%s) + DRAIN_TIMEOUT))
last=-1 still=0
while (($(date +%s) < deadline)); do
    n=$(run_tickets "$RUN")
    if ((n == last)); then still=$((still + 1)); else still=0; fi
    last=$n
    ((n >= COUNT && still >= 10)) && break
    sleep 1
done

tickets=$(run_tickets "$RUN")
distinct=$(sql -c "SELECT count(DISTINCT attributes->>'bench') FROM ticket WHERE tenant_id = '$TENANT' AND attributes->>'bench' LIKE '$RUN:%'")
messages=$(sql -c "SELECT count(*) FROM ticket_message m JOIN ticket t ON t.id = m.ticket_id WHERE t.tenant_id = '$TENANT' AND t.attributes->>'bench' LIKE '$RUN:%'")
receipts=$(sql -c "SELECT count(*) FROM intake_receipt WHERE tenant_id = '$TENANT' AND key LIKE 'email:$RUN-%'")
assigned=$(sql -c "SELECT count(*) FROM ticket WHERE tenant_id = '$TENANT' AND attributes->>'bench' LIKE '$RUN:%' AND assignee_id IS NOT NULL")
restarts=$(grep -c 'started in' "$WORKER_LOG" || true)
log "RESULT run=$RUN expected=$COUNT tickets=$tickets distinct=$distinct messages=$messages receipts=$receipts assigned=$assigned worker_starts=$restarts kills=$KILLS"
if ((tickets == COUNT && distinct == COUNT && messages == COUNT && receipts == COUNT)); then
    log "PASS: exactly $COUNT tickets, none lost, none duplicated"
else
    log "FAIL: expected $COUNT tickets/messages/receipts"
    exit 1
fi
