-- Open (new, open, pending, on hold) tickets per assignee, kept by a trigger in the transaction of every
-- ticket write, whatever path made it (REST, intake batches, escalations). Routing reads the agents' loads
-- from here under the team lock instead of counting every open ticket of the team at each batch, a count
-- that grew with the open backlog (docs/benchmarks.md, "Quiet machine after the fourth session's merges").
CREATE TABLE agent_open_tickets (
    tenant_id   text   NOT NULL,
    assignee_id text   NOT NULL,
    open_count  bigint NOT NULL CHECK (open_count >= 0),
    PRIMARY KEY (tenant_id, assignee_id)
);

CREATE FUNCTION ticket_open_load() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_open boolean := TG_OP <> 'INSERT' AND OLD.assignee_id IS NOT NULL
                        AND OLD.status IN ('new', 'open', 'pending', 'on_hold');
    is_open  boolean := TG_OP <> 'DELETE' AND NEW.assignee_id IS NOT NULL
                        AND NEW.status IN ('new', 'open', 'pending', 'on_hold');
BEGIN
    -- Most updates touch neither the assignee nor whether the ticket counts: nothing to do.
    IF TG_OP = 'UPDATE' AND was_open = is_open AND OLD.assignee_id IS NOT DISTINCT FROM NEW.assignee_id
       AND OLD.tenant_id = NEW.tenant_id THEN
        RETURN NULL;
    END IF;
    IF was_open THEN
        UPDATE agent_open_tickets SET open_count = open_count - 1
         WHERE tenant_id = OLD.tenant_id AND assignee_id = OLD.assignee_id;
    END IF;
    IF is_open THEN
        INSERT INTO agent_open_tickets (tenant_id, assignee_id, open_count)
        VALUES (NEW.tenant_id, NEW.assignee_id, 1)
        ON CONFLICT (tenant_id, assignee_id) DO UPDATE SET open_count = agent_open_tickets.open_count + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ticket_open_load AFTER INSERT OR UPDATE OR DELETE ON ticket
    FOR EACH ROW EXECUTE FUNCTION ticket_open_load();

INSERT INTO agent_open_tickets (tenant_id, assignee_id, open_count)
SELECT tenant_id, assignee_id, count(*)
  FROM ticket
 WHERE assignee_id IS NOT NULL AND status IN ('new', 'open', 'pending', 'on_hold')
 GROUP BY tenant_id, assignee_id;
