-- Which SLA policy applies to a ticket and since when. Re-selected when the ticket's priority or type
-- changes (ADR 0024); policy_id is null while no policy matches. Clocks keep the policy they last ran under.
CREATE TABLE ticket_sla_policy (
    ticket_id   uuid        PRIMARY KEY REFERENCES ticket (id) ON DELETE CASCADE,
    tenant_id   text        NOT NULL,
    policy_id   uuid,
    policy_name text,
    since       timestamptz NOT NULL
);

-- Tickets with clocks got their policy at creation.
INSERT INTO ticket_sla_policy (ticket_id, tenant_id, policy_id, policy_name, since)
SELECT DISTINCT ON (c.ticket_id) c.ticket_id, c.tenant_id, c.policy_id, c.policy_name, t.created_at
  FROM ticket_sla_clock c JOIN ticket t ON t.id = c.ticket_id
 ORDER BY c.ticket_id, c.started_at;
