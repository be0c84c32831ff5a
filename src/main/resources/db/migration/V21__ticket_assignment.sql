-- Automatic ticket assignment: service agent profiles (capacity, skills, availability), ordered routing rules
-- (conditions -> team + strategy) and the round-robin position per team.
CREATE TABLE service_agent (
    id           uuid        PRIMARY KEY,
    tenant_id    text        NOT NULL,
    subject      text        NOT NULL,
    display_name text,
    capacity     integer     NOT NULL CHECK (capacity >= 0),
    skills       text[]      NOT NULL DEFAULT '{}',
    available    boolean     NOT NULL,
    version      bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX service_agent_subject_uq ON service_agent (tenant_id, subject);

CREATE TABLE assignment_rule (
    id          uuid        PRIMARY KEY,
    tenant_id   text        NOT NULL,
    name        text        NOT NULL,
    position    integer     NOT NULL,
    enabled     boolean     NOT NULL,
    conditions  jsonb       NOT NULL,
    team_id     uuid        NOT NULL REFERENCES team (id),
    strategy    text        NOT NULL CHECK (strategy IN ('round_robin', 'least_loaded', 'skills')),
    skills      text[]      NOT NULL DEFAULT '{}',
    version     bigint      NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX assignment_rule_name_uq ON assignment_rule (tenant_id, lower(name));
CREATE INDEX assignment_rule_order ON assignment_rule (tenant_id, position, created_at);

CREATE TABLE assignment_cursor (
    tenant_id    text NOT NULL,
    team_id      uuid NOT NULL,
    last_subject text NOT NULL,
    PRIMARY KEY (tenant_id, team_id)
);
