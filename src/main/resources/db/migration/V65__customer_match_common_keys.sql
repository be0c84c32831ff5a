-- Blocking keys shared by more customers than clientele.duplicates.block-cap (docs/duplicates.md):
-- an estimate from a sample, refreshed in the background. The match probe skips these keys, so one
-- very common name or phonetic code cannot pull hundreds of rows into candidate scoring.
CREATE TABLE customer_match_common_key (
    tenant_id     text        NOT NULL,
    key           text        NOT NULL,
    -- estimated number of active customers holding the key (sample count / sampled fraction)
    estimated     bigint      NOT NULL,
    refreshed_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
