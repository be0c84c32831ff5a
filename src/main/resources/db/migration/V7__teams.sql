-- Teams of users (sales teams, service teams). Record visibility "team" and ticket assignment read membership.
CREATE TABLE team (
    id          uuid        PRIMARY KEY,
    tenant_id   text        NOT NULL,
    name        text        NOT NULL,
    description text,
    version     bigint      NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX team_name_uq ON team (tenant_id, lower(name));

-- subject = the user's token subject (the same value owner ids and assignees hold).
CREATE TABLE team_member (
    team_id   uuid        NOT NULL REFERENCES team (id) ON DELETE CASCADE,
    tenant_id text        NOT NULL,
    subject   text        NOT NULL,
    role      text        NOT NULL CHECK (role IN ('member', 'lead')),
    added_at  timestamptz NOT NULL,
    PRIMARY KEY (team_id, subject)
);
-- "Which teams is this user in?" on every team-scoped read.
CREATE INDEX team_member_subject ON team_member (tenant_id, subject);
