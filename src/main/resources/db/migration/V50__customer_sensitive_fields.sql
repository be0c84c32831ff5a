-- Sensitive customer fields (national id, birth date, personal phone, private notes), stored only as one
-- AES-256-GCM sealed value per customer (docs/security.md); the key version is repeated in its own column so the
-- re-encryption job finds values under an older key through an index. Blind indexes (keyed HMAC-SHA256 of the
-- normalised value) serve equality filters without decrypting anything.
ALTER TABLE customer
    ADD COLUMN sensitive_data        bytea,
    ADD COLUMN sensitive_key_version integer,
    ADD COLUMN national_id_bidx      text,
    ADD COLUMN personal_phone_bidx   text,
    ADD CONSTRAINT customer_sensitive_version CHECK ((sensitive_data IS NULL) = (sensitive_key_version IS NULL));

CREATE INDEX customer_national_id_bidx ON customer (tenant_id, national_id_bidx)
    WHERE national_id_bidx IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX customer_personal_phone_bidx ON customer (tenant_id, personal_phone_bidx)
    WHERE personal_phone_bidx IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX customer_sensitive_key_version ON customer (sensitive_key_version)
    WHERE sensitive_key_version IS NOT NULL;
