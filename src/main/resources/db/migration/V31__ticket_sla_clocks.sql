-- SLA clocks of tickets: one row per ticket and measured target (firstResponse, nextResponse,
-- resolution), keeping the policy's target as it was when the clock started.
CREATE TABLE ticket_sla_clock (
    id             uuid PRIMARY KEY,
    tenant_id      text        NOT NULL,
    ticket_id      uuid        NOT NULL REFERENCES ticket (id) ON DELETE CASCADE,
    metric         text        NOT NULL,
    policy_id      uuid        NOT NULL,
    policy_name    text        NOT NULL,
    calendar_id    uuid,
    target_seconds bigint      NOT NULL,
    warn_percent   integer     NOT NULL,
    -- Business time used before running_since (all of it while paused or stopped).
    used_seconds   bigint      NOT NULL DEFAULT 0,
    running_since  timestamptz,
    started_at     timestamptz NOT NULL,
    stopped_at     timestamptz,
    -- met, breached (stopped after its breach) or cancelled (ticket solved or closed without it).
    outcome        text,
    warn_at        timestamptz,
    due_at         timestamptz,
    warned_at      timestamptz,
    breached_at    timestamptz,
    -- The earliest warning or breach still to announce; the scheduler's work list.
    next_event_at  timestamptz,
    cycle          integer     NOT NULL DEFAULT 1,
    version        bigint      NOT NULL DEFAULT 0,
    UNIQUE (ticket_id, metric)
);
CREATE INDEX ticket_sla_clock_next_event ON ticket_sla_clock (next_event_at) WHERE next_event_at IS NOT NULL;

-- One row per decided target: met when fulfilled in time, missed when breached. Feeds the SLA report.
CREATE TABLE ticket_sla_result (
    id              uuid PRIMARY KEY,
    tenant_id       text        NOT NULL,
    ticket_id       uuid        NOT NULL,
    metric          text        NOT NULL,
    cycle           integer     NOT NULL,
    policy_id       uuid        NOT NULL,
    policy_name     text        NOT NULL,
    team_id         uuid,
    decided_at      timestamptz NOT NULL,
    met             boolean     NOT NULL,
    target_seconds  bigint      NOT NULL,
    UNIQUE (ticket_id, metric, cycle)
);
CREATE INDEX ticket_sla_result_report ON ticket_sla_result (tenant_id, decided_at);
