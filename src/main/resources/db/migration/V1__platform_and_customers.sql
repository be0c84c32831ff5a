-- Platform: transactional outbox, idempotency keys. Customers: the first business slice.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Domain events written in the same transaction as the change; a relay publishes them to Kafka
-- in seq order and deletes them once the broker acknowledged (see docs/adr/0003-outbox.md).
CREATE TABLE outbox_event (
    seq            bigserial PRIMARY KEY,
    id             uuid        NOT NULL UNIQUE,
    tenant_id      text        NOT NULL,
    topic          text        NOT NULL,
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    event_type     text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    actor          text,
    correlation_id text,
    data           jsonb       NOT NULL
);

-- One row per (tenant, caller, key): inserted in the transaction of the change it guards, so a
-- retried POST can never run twice, whether or not Redis is up.
CREATE TABLE idempotency_key (
    tenant_id       text        NOT NULL,
    principal       text        NOT NULL,
    idem_key        text        NOT NULL,
    request_hash    text        NOT NULL,
    response_status integer,
    response_headers text,
    response_body   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, principal, idem_key)
);
CREATE INDEX idempotency_key_created_at ON idempotency_key (created_at);

CREATE TABLE customer (
    id              uuid        PRIMARY KEY,
    tenant_id       text        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('person', 'company')),
    display_name    text        NOT NULL,
    first_name      text,
    last_name       text,
    name            text,
    company_id      uuid REFERENCES customer (id),
    -- {"emails": [...], "phones": [...], "addresses": [...]}: one JSON object, as Hibernate
    -- Reactive binds JSON columns through Vert.x JsonObject, which cannot hold a top-level array.
    contacts        jsonb       NOT NULL DEFAULT '{}',
    -- Normalised keys extracted from emails/phones for indexed look-ups and filters.
    email_keys      text[]      NOT NULL DEFAULT '{}',
    phone_keys      text[]      NOT NULL DEFAULT '{}',
    attributes      jsonb       NOT NULL DEFAULT '{}',
    owner_id        text,
    lifecycle_stage text        NOT NULL,
    external_id     text,
    version         bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    created_by      text,
    updated_by      text,
    deleted_at      timestamptz
);

CREATE UNIQUE INDEX customer_external_id_uq ON customer (tenant_id, external_id)
    WHERE external_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX customer_tenant_created ON customer (tenant_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_tenant_updated ON customer (tenant_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_tenant_display ON customer (tenant_id, display_name, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_email_keys ON customer USING gin (email_keys);
CREATE INDEX customer_phone_keys ON customer USING gin (phone_keys);
CREATE INDEX customer_attributes ON customer USING gin (attributes jsonb_path_ops);
CREATE INDEX customer_company ON customer (company_id) WHERE company_id IS NOT NULL;
