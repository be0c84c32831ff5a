-- Blind-index key rotation (docs/security.md): every customer row with sensitive data records which blind-index key
-- version its indexes were computed with, so the re-encryption job finds rows still indexed under an older key.
-- Rows from before this migration were indexed with the single key of that time, which is version 1.
ALTER TABLE customer ADD COLUMN blind_index_version integer;
UPDATE customer SET blind_index_version = 1 WHERE sensitive_data IS NOT NULL;
CREATE INDEX customer_blind_index_version ON customer (blind_index_version) WHERE blind_index_version IS NOT NULL;
