-- Duplicate matching and merging of customers.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Match keys are computed by the service (MatchProfile: ICU transliteration, Double Metaphone) so
-- every script is handled the same way whatever the database locale; match_version tells which
-- algorithm wrote them, and rows written by an older one are re-keyed in the background.
ALTER TABLE customer
    ADD COLUMN match_name    text    NOT NULL DEFAULT '',
    ADD COLUMN match_keys    text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN match_version integer NOT NULL DEFAULT 0,
    -- Set on a customer merged away: reads of its id redirect to the survivor.
    ADD COLUMN merged_into   uuid REFERENCES customer (id);

-- Candidate look-up: one GIN probe per tenant for all of a record's blocking keys.
CREATE INDEX customer_match_keys ON customer USING gin (tenant_id, match_keys) WHERE deleted_at IS NULL;
CREATE INDEX customer_match_stale ON customer (match_version) WHERE match_version < 1;
CREATE INDEX customer_merged_into ON customer (merged_into) WHERE merged_into IS NOT NULL;

-- Per-tenant thresholds and default policies; a tenant without a row uses the configured defaults.
CREATE TABLE duplicate_settings (
    tenant_id          text             PRIMARY KEY,
    possible_threshold double precision NOT NULL CHECK (possible_threshold > 0 AND possible_threshold <= 1),
    likely_threshold   double precision NOT NULL CHECK (likely_threshold > 0 AND likely_threshold <= 1),
    create_policy      text             NOT NULL CHECK (create_policy IN ('allow', 'reject', 'merge')),
    update_policy      text             NOT NULL CHECK (update_policy IN ('allow', 'reject')),
    version            bigint           NOT NULL,
    updated_at         timestamptz      NOT NULL,
    updated_by         text,
    CHECK (possible_threshold <= likely_threshold)
);
