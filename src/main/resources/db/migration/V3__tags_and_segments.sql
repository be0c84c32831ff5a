-- Tags (many-to-many with customers) and segments (saved filters with dynamic membership).
CREATE TABLE tag (
    id         uuid        PRIMARY KEY,
    tenant_id  text        NOT NULL,
    name       text        NOT NULL,
    color      text,
    version    bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX tag_name_uq ON tag (tenant_id, lower(name));

CREATE TABLE customer_tag (
    tag_id      uuid        NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
    customer_id uuid        NOT NULL REFERENCES customer (id),
    tenant_id   text        NOT NULL,
    assigned_at timestamptz NOT NULL,
    PRIMARY KEY (tag_id, customer_id)
);
CREATE INDEX customer_tag_customer ON customer_tag (customer_id);

CREATE TABLE segment (
    id          uuid        PRIMARY KEY,
    tenant_id   text        NOT NULL,
    name        text        NOT NULL,
    description text,
    filter      text        NOT NULL,
    version     bigint      NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    created_by  text
);
CREATE UNIQUE INDEX segment_name_uq ON segment (tenant_id, lower(name));
