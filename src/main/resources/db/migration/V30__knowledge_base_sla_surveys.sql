-- Knowledge base, business calendars, SLA policies and CSAT surveys (issue #5, parts 4-6).

-- Articles. title_terms/body_terms hold the text as the application segmented it (Latin words as
-- they are, Chinese/Japanese/Korean runs as overlapping character bigrams plus single characters),
-- because PostgreSQL's parsers keep a run of Han characters as one word (ADR 0014).
CREATE TABLE kb_article (
    id                uuid PRIMARY KEY,
    tenant_id         text        NOT NULL,
    version           bigint      NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    title             text        NOT NULL,
    body              text        NOT NULL,
    tags              text[]      NOT NULL DEFAULT '{}',
    locale            text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('draft', 'published')),
    published_at      timestamptz,
    helpful_count     integer     NOT NULL DEFAULT 0,
    not_helpful_count integer     NOT NULL DEFAULT 0,
    title_terms       text        NOT NULL,
    body_terms        text        NOT NULL
);
-- The search vector is an index expression, not a stored column, so record reads (SELECT *) stay lean;
-- queries call the same function, which lets the planner use the index.
CREATE FUNCTION kb_search_vector(title_terms text, body_terms text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN setweight(to_tsvector('simple'::regconfig, title_terms), 'A')
           || setweight(to_tsvector('simple'::regconfig, body_terms), 'B');
CREATE INDEX kb_article_search ON kb_article USING gin (kb_search_vector(title_terms, body_terms));
CREATE INDEX kb_article_tenant_title ON kb_article (tenant_id, lower(title), id);
CREATE INDEX kb_article_tags ON kb_article USING gin (tags);

-- One vote per voter and article; changing one's mind moves the counters.
CREATE TABLE kb_feedback (
    tenant_id  text        NOT NULL,
    article_id uuid        NOT NULL REFERENCES kb_article (id) ON DELETE CASCADE,
    voter      text        NOT NULL,
    helpful    boolean     NOT NULL,
    comment    text,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (article_id, voter)
);

-- Business calendars: weekly intervals (weekday -> [{start, end}] in local HH:MM) and holidays
-- (date -> name), in an IANA zone. JSON objects, not top-level arrays: Hibernate Reactive maps objects.
CREATE TABLE business_calendar (
    id         uuid PRIMARY KEY,
    tenant_id  text        NOT NULL,
    version    bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    name       text        NOT NULL,
    time_zone  text        NOT NULL,
    week       jsonb       NOT NULL,
    holidays   jsonb       NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX business_calendar_name ON business_calendar (tenant_id, lower(name));

-- SLA policies: the first enabled one by position whose priorities/types match a ticket applies.
CREATE TABLE sla_policy (
    id              uuid PRIMARY KEY,
    tenant_id       text        NOT NULL,
    version         bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    name            text        NOT NULL,
    position        integer     NOT NULL,
    enabled         boolean     NOT NULL DEFAULT true,
    priorities      text[]      NOT NULL DEFAULT '{}',
    ticket_types    text[]      NOT NULL DEFAULT '{}',
    calendar_id     uuid        REFERENCES business_calendar (id),
    targets         jsonb       NOT NULL,
    warn_before_pct integer     NOT NULL DEFAULT 20,
    escalation      jsonb       NOT NULL DEFAULT '{"actions": []}'
);
CREATE UNIQUE INDEX sla_policy_name ON sla_policy (tenant_id, lower(name));
CREATE INDEX sla_policy_order ON sla_policy (tenant_id, position, id);

-- CSAT surveys: one per ticket (a reopened and re-solved ticket keeps its survey); the conditional
-- UPDATE that sets answered_at makes the public link single-use.
CREATE TABLE csat_survey (
    id          uuid PRIMARY KEY,
    tenant_id   text        NOT NULL,
    ticket_id   uuid        NOT NULL,
    agent_id    text,
    team_id     text,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    answered_at timestamptz,
    rating      smallint CHECK (rating BETWEEN 1 AND 5),
    comment     text,
    CHECK ((answered_at IS NULL) = (rating IS NULL))
);
CREATE INDEX csat_survey_answered ON csat_survey (tenant_id, answered_at) WHERE answered_at IS NOT NULL;
CREATE UNIQUE INDEX csat_survey_ticket ON csat_survey (tenant_id, ticket_id);
