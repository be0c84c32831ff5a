-- Sales opportunities (issue #4): pipelines with their ordered stages, opportunities, the periods
-- each opportunity spent in each stage, activities and tasks, and the per-tenant win-probability model.

-- Stages live inside their pipeline as an ordered JSON array: they are always read, reordered and
-- versioned together (one ETag), and opportunities reference a stage by its stable id.
CREATE TABLE pipeline (
    id          uuid        PRIMARY KEY,
    tenant_id   text        NOT NULL,
    version     bigint      NOT NULL,
    name        text        NOT NULL,
    -- [{"id", "name", "probability", "won", "lost", "staleAfterDays"}] in pipeline order
    stages      jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    deleted_at  timestamptz
);
CREATE UNIQUE INDEX pipeline_name ON pipeline (tenant_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE opportunity (
    id                  uuid          PRIMARY KEY,
    tenant_id           text          NOT NULL,
    version             bigint        NOT NULL,
    customer_id         uuid          NOT NULL,
    contact_id          uuid,
    title               text          NOT NULL,
    amount              numeric(19,4) NOT NULL,
    currency            char(3)       NOT NULL,
    pipeline_id         uuid          NOT NULL REFERENCES pipeline (id),
    stage_id            uuid          NOT NULL,
    -- open, won or lost: follows the won/lost flags of the current stage
    status              text          NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    owner_id            text          NOT NULL,
    expected_close_date date,
    source              text,
    tags                text[]        NOT NULL DEFAULT '{}',
    attributes          jsonb         NOT NULL DEFAULT '{}',
    close_reason        text,
    closed_at           timestamptz,
    stage_entered_at    timestamptz   NOT NULL,
    -- Every stage entered so far, in first-entry order: the funnel counts "reached" from it
    -- without joining the stage periods.
    stage_path          uuid[]        NOT NULL DEFAULT '{}',
    last_activity_at    timestamptz,
    -- The basis (max of stage entry and last activity) an opportunity.stale event was last emitted for.
    stale_notified_for  timestamptz,
    created_at          timestamptz   NOT NULL,
    updated_at          timestamptz   NOT NULL,
    created_by          text,
    updated_by          text,
    deleted_at          timestamptz
);
CREATE INDEX opportunity_list ON opportunity (tenant_id, created_at, id) WHERE deleted_at IS NULL;
-- Covers the funnel's scan (index-only once vacuumed): no heap access for the aggregate.
CREATE INDEX opportunity_funnel ON opportunity (tenant_id, pipeline_id, created_at)
    INCLUDE (stage_id, currency, status, amount, owner_id, stage_path) WHERE deleted_at IS NULL;
CREATE INDEX opportunity_customer ON opportunity (tenant_id, customer_id) WHERE deleted_at IS NULL;
CREATE INDEX opportunity_stage ON opportunity (tenant_id, pipeline_id, stage_id) WHERE deleted_at IS NULL;
CREATE INDEX opportunity_open ON opportunity (stage_entered_at) WHERE status = 'open' AND deleted_at IS NULL;

-- One row per stay of an opportunity in a stage; exited_at is NULL while it is still there.
CREATE TABLE opportunity_stage_period (
    id              bigserial   PRIMARY KEY,
    tenant_id       text        NOT NULL,
    opportunity_id  uuid        NOT NULL REFERENCES opportunity (id),
    pipeline_id     uuid        NOT NULL,
    stage_id        uuid        NOT NULL,
    entered_at      timestamptz NOT NULL,
    exited_at       timestamptz,
    actor           text
);
CREATE INDEX stage_period_opportunity ON opportunity_stage_period (opportunity_id, entered_at);
CREATE INDEX stage_period_pipeline ON opportunity_stage_period (tenant_id, pipeline_id, stage_id);

-- Completed stays summed per stage, creation day of the opportunity and owner at the time it left
-- the stage: the funnel's average time in stage without joining every stay to its opportunity.
-- Written in the transaction that ends the stay.
CREATE TABLE stage_stay_stat (
    tenant_id    text             NOT NULL,
    pipeline_id  uuid             NOT NULL,
    stage_id     uuid             NOT NULL,
    created_day  date             NOT NULL,
    owner_id     text             NOT NULL,
    stays        bigint           NOT NULL,
    seconds      double precision NOT NULL,
    PRIMARY KEY (tenant_id, pipeline_id, stage_id, created_day, owner_id)
);

-- Calls, meetings, emails, notes and tasks, against a customer and optionally one of its opportunities.
CREATE TABLE sales_activity (
    id                  uuid        PRIMARY KEY,
    tenant_id           text        NOT NULL,
    version             bigint      NOT NULL,
    type                text        NOT NULL CHECK (type IN ('call', 'meeting', 'email', 'note', 'task')),
    customer_id         uuid        NOT NULL,
    opportunity_id      uuid,
    subject             text        NOT NULL,
    body                text,
    occurred_at         timestamptz NOT NULL,
    owner_id            text        NOT NULL,
    -- tasks only
    due_at              timestamptz,
    assignee_id         text,
    status              text        CHECK (status IN ('open', 'done')),
    completed_at        timestamptz,
    due_notified_at     timestamptz,
    overdue_notified_at timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    created_by          text,
    deleted_at          timestamptz
);
CREATE INDEX activity_list ON sales_activity (tenant_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX activity_customer ON sales_activity (tenant_id, customer_id, occurred_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX activity_opportunity ON sales_activity (opportunity_id) WHERE deleted_at IS NULL;
CREATE INDEX activity_open_tasks ON sales_activity (due_at) WHERE type = 'task' AND status = 'open' AND deleted_at IS NULL;

-- The trained win-probability model of a tenant: coefficients and quality figures as JSON, so every
-- replica (and a restarted one) scores with the same model without retraining.
CREATE TABLE win_model (
    tenant_id   text        PRIMARY KEY,
    version     bigint      NOT NULL,
    trained_at  timestamptz NOT NULL,
    model       jsonb       NOT NULL
);
