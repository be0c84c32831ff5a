-- Field-level change history for every audited record type (customers now; opportunities and
-- tickets reuse it). Written in the transaction of the change; never updated or deleted by the API.
CREATE TABLE change_history (
    seq            bigserial   PRIMARY KEY,
    tenant_id      text        NOT NULL,
    entity_type    text        NOT NULL,
    entity_id      uuid        NOT NULL,
    version        bigint      NOT NULL,
    operation      text        NOT NULL CHECK (operation IN ('create', 'update', 'delete', 'merge')),
    source         text        NOT NULL,
    actor          text,
    client_id      text,
    correlation_id text,
    occurred_at    timestamptz NOT NULL,
    -- {"changes": [{"field": ..., "old": ..., "new": ...}], "snapshot": {...state after the change...}}
    entry          jsonb       NOT NULL
);
CREATE INDEX change_history_entity ON change_history (tenant_id, entity_type, entity_id, seq DESC);
