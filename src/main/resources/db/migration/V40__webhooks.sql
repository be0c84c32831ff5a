-- Webhook subscriptions, their deliveries (one row per subscription and event: the dedupe key) and the
-- attempt log. Deliveries are created by the outbox relay in the transaction that publishes the event.
CREATE TABLE webhook_subscription (
    id                         uuid        PRIMARY KEY,
    tenant_id                  text        NOT NULL,
    url                        text        NOT NULL,
    description                text,
    -- Comma-separated selectors (customer.created, customer.*, *); selectors never contain commas.
    event_types                text        NOT NULL,
    filter                     text,
    ordered                    boolean     NOT NULL DEFAULT false,
    status                     text        NOT NULL CHECK (status IN ('active', 'disabled')),
    disabled_reason            text,
    disabled_at                timestamptz,
    secret                     text        NOT NULL,
    previous_secret            text,
    previous_secret_expires_at timestamptz,
    created_by                 text,
    version                    bigint      NOT NULL,
    created_at                 timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL
);
CREATE INDEX webhook_subscription_tenant ON webhook_subscription (tenant_id, created_at);

CREATE TABLE webhook_delivery (
    id               uuid        PRIMARY KEY,
    -- Fan-out order (relay order): what the per-subscription ordering option follows.
    position         bigserial   NOT NULL,
    tenant_id        text        NOT NULL,
    subscription_id  uuid        NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
    event_id         uuid        NOT NULL,
    event_type       text        NOT NULL,
    payload          text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    -- Due time of a pending delivery; for one being delivered, the end of the claiming replica's lease.
    next_attempt_at  timestamptz NOT NULL,
    first_attempt_at timestamptz,
    last_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL,
    completed_at     timestamptz,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status IN ('pending', 'delivering');
CREATE INDEX webhook_delivery_open ON webhook_delivery (subscription_id, position)
    WHERE status IN ('pending', 'delivering');
CREATE INDEX webhook_delivery_log ON webhook_delivery (subscription_id, created_at, id);

CREATE TABLE webhook_attempt (
    delivery_id  uuid        NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    attempt      integer     NOT NULL,
    tenant_id    text        NOT NULL,
    started_at   timestamptz NOT NULL,
    duration_ms  integer     NOT NULL,
    status_code  integer,
    error        text,
    response     text,
    PRIMARY KEY (delivery_id, attempt)
);
