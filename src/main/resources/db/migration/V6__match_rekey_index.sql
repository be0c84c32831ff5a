-- The background re-keying looks for rows written by an older matching algorithm with
-- match_version < current; V4's partial index only covered version 0. A plain index serves any version.
DROP INDEX IF EXISTS customer_match_stale;
CREATE INDEX customer_match_version ON customer (match_version);
