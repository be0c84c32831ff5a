-- Funnel summary (ADR 0022): live opportunities counted and summed per pipeline, stage, currency,
-- status, stage path, UTC creation month and owner. The funnel reads whole months of its period here
-- and only the partial months at its edges from the opportunities, so a whole-pipeline funnel reads a
-- few thousand cells instead of every opportunity.
CREATE TABLE opportunity_funnel_cell (
    tenant_id      text          NOT NULL,
    pipeline_id    uuid          NOT NULL,
    stage_id       uuid          NOT NULL,
    currency       char(3)       NOT NULL,
    status         text          NOT NULL,
    stage_path     uuid[]        NOT NULL,
    created_month  date          NOT NULL,
    owner_id       text          NOT NULL,
    -- may fall to 0: such cells are kept (a later write may reuse them) and the funnel skips them
    opportunities  bigint        NOT NULL,
    amount         numeric(30,4) NOT NULL,
    PRIMARY KEY (tenant_id, pipeline_id, created_month, owner_id, stage_id, currency, status, stage_path)
);

-- Kept by a trigger, not by the service: every write path (API, stage deletion moving deals, imports,
-- COPY in benchmarks, the stage_path update after a move) changes the summary in its own transaction.
-- Old and new cells are applied as one INSERT sorted by key, so concurrent writers lock cells in the
-- same order and cannot deadlock on each other.
CREATE FUNCTION opportunity_funnel_cell_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO opportunity_funnel_cell AS c (tenant_id, pipeline_id, created_month, owner_id, stage_id, currency,
            status, stage_path, opportunities, amount)
    SELECT d.tenant_id, d.pipeline_id, d.created_month, d.owner_id, d.stage_id, d.currency, d.status, d.stage_path,
           sum(d.n), sum(d.amount)
      FROM (SELECT OLD.tenant_id, OLD.pipeline_id, date_trunc('month', OLD.created_at AT TIME ZONE 'UTC')::date,
                   OLD.owner_id, OLD.stage_id, OLD.currency, OLD.status, OLD.stage_path, -1, -OLD.amount
             WHERE TG_OP <> 'INSERT' AND OLD.deleted_at IS NULL
            UNION ALL
            SELECT NEW.tenant_id, NEW.pipeline_id, date_trunc('month', NEW.created_at AT TIME ZONE 'UTC')::date,
                   NEW.owner_id, NEW.stage_id, NEW.currency, NEW.status, NEW.stage_path, 1, NEW.amount
             WHERE TG_OP <> 'DELETE' AND NEW.deleted_at IS NULL)
           AS d (tenant_id, pipeline_id, created_month, owner_id, stage_id, currency, status, stage_path, n, amount)
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    HAVING sum(d.n) <> 0 OR sum(d.amount) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (tenant_id, pipeline_id, created_month, owner_id, stage_id, currency, status, stage_path) DO UPDATE
       SET opportunities = c.opportunities + EXCLUDED.opportunities, amount = c.amount + EXCLUDED.amount;
    RETURN NULL;
END $$;

CREATE TRIGGER opportunity_funnel_cell_insert AFTER INSERT ON opportunity
    FOR EACH ROW EXECUTE FUNCTION opportunity_funnel_cell_apply();
CREATE TRIGGER opportunity_funnel_cell_delete AFTER DELETE ON opportunity
    FOR EACH ROW EXECUTE FUNCTION opportunity_funnel_cell_apply();
-- Only updates touching a summarised column: title, activity or reminder updates cost nothing.
CREATE TRIGGER opportunity_funnel_cell_update AFTER UPDATE ON opportunity
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.pipeline_id IS DISTINCT FROM NEW.pipeline_id
        OR OLD.stage_id IS DISTINCT FROM NEW.stage_id OR OLD.currency IS DISTINCT FROM NEW.currency
        OR OLD.status IS DISTINCT FROM NEW.status OR OLD.stage_path IS DISTINCT FROM NEW.stage_path
        OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.owner_id IS DISTINCT FROM NEW.owner_id
        OR OLD.amount IS DISTINCT FROM NEW.amount OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
    EXECUTE FUNCTION opportunity_funnel_cell_apply();

INSERT INTO opportunity_funnel_cell (tenant_id, pipeline_id, created_month, owner_id, stage_id, currency, status,
        stage_path, opportunities, amount)
SELECT tenant_id, pipeline_id, date_trunc('month', created_at AT TIME ZONE 'UTC')::date, owner_id, stage_id,
       currency, status, stage_path, count(*), sum(amount)
  FROM opportunity WHERE deleted_at IS NULL
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

-- The completed stays of stage_stay_stat rolled up per UTC creation month: whole months of a funnel's
-- period read here, the days of its partial edge months from stage_stay_stat. Kept by a trigger on
-- stage_stay_stat, so it moves exactly with it.
CREATE TABLE stage_stay_month_stat (
    tenant_id      text             NOT NULL,
    pipeline_id    uuid             NOT NULL,
    stage_id       uuid             NOT NULL,
    created_month  date             NOT NULL,
    owner_id       text             NOT NULL,
    stays          bigint           NOT NULL,
    seconds        double precision NOT NULL,
    PRIMARY KEY (tenant_id, pipeline_id, created_month, owner_id, stage_id)
);

CREATE FUNCTION stage_stay_month_stat_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stage_stay_month_stat AS m (tenant_id, pipeline_id, created_month, owner_id, stage_id, stays, seconds)
    VALUES (NEW.tenant_id, NEW.pipeline_id, date_trunc('month', NEW.created_day)::date, NEW.owner_id, NEW.stage_id,
            NEW.stays - CASE WHEN TG_OP = 'UPDATE' THEN OLD.stays ELSE 0 END,
            NEW.seconds - CASE WHEN TG_OP = 'UPDATE' THEN OLD.seconds ELSE 0 END)
    ON CONFLICT (tenant_id, pipeline_id, created_month, owner_id, stage_id) DO UPDATE
       SET stays = m.stays + EXCLUDED.stays, seconds = m.seconds + EXCLUDED.seconds;
    RETURN NULL;
END $$;

-- stage_stay_stat rows are only ever inserted or incremented (never re-keyed or deleted).
CREATE TRIGGER stage_stay_month_stat_write AFTER INSERT OR UPDATE ON stage_stay_stat
    FOR EACH ROW EXECUTE FUNCTION stage_stay_month_stat_apply();

INSERT INTO stage_stay_month_stat (tenant_id, pipeline_id, created_month, owner_id, stage_id, stays, seconds)
SELECT tenant_id, pipeline_id, date_trunc('month', created_day)::date, owner_id, stage_id, sum(stays), sum(seconds)
  FROM stage_stay_stat
 GROUP BY 1, 2, 3, 4, 5;
