-- Customer service tickets, their conversation threads, and the intake bookkeeping that makes
-- multi-channel intake idempotent (intake_receipt) and threaded (ticket_thread_key).
CREATE TABLE ticket (
    id                uuid        PRIMARY KEY,
    tenant_id         text        NOT NULL,
    type              text        NOT NULL,
    channel           text        NOT NULL,
    priority          text        NOT NULL,
    status            text        NOT NULL,
    subject           text        NOT NULL,
    requester_id      uuid        REFERENCES customer (id),
    assignee_id       text,
    team_id           uuid,
    tags              text[]      NOT NULL DEFAULT '{}',
    attributes        jsonb       NOT NULL DEFAULT '{}',
    assignment        jsonb,
    version           bigint      NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    created_by        text,
    updated_by        text,
    last_message_at   timestamptz,
    solved_at         timestamptz,
    closed_at         timestamptz
);
CREATE INDEX ticket_tenant_created ON ticket (tenant_id, created_at, id);
CREATE INDEX ticket_requester ON ticket (tenant_id, requester_id);
-- Least-loaded assignment counts the open tickets of each agent.
CREATE INDEX ticket_assignee_open ON ticket (tenant_id, assignee_id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');

CREATE TABLE ticket_message (
    id           uuid        PRIMARY KEY,
    tenant_id    text        NOT NULL,
    ticket_id    uuid        NOT NULL REFERENCES ticket (id),
    direction    text        NOT NULL,
    channel      text        NOT NULL,
    body         text        NOT NULL,
    author_id    text,
    sender       text,
    external_id  text,
    attachments  jsonb       NOT NULL DEFAULT '{"items": []}',
    version      bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX ticket_message_ticket ON ticket_message (ticket_id, created_at, id);

-- One row per intake message ever accepted: its natural id (email Message-ID, call id, chat message id,
-- submission id or CloudEvent id) is the dedupe key, so a redelivery or re-send finds what it produced.
CREATE TABLE intake_receipt (
    tenant_id   text        NOT NULL,
    key         text        NOT NULL,
    ticket_id   uuid        NOT NULL,
    message_id  uuid        NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

-- Keys a later message can name to join a ticket: email Message-IDs (and the ids a message referenced),
-- chat conversation ids, phone case ids.
CREATE TABLE ticket_thread_key (
    tenant_id text NOT NULL,
    key       text NOT NULL,
    ticket_id uuid NOT NULL REFERENCES ticket (id),
    PRIMARY KEY (tenant_id, key)
);
