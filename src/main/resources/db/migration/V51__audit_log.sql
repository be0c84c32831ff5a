-- The audit log (docs/security.md): one row per write and per denied access, append-only. The trigger refuses
-- UPDATE, DELETE and TRUNCATE for every role but a superuser that disables it; privileges are revoked as well,
-- and production runs the service as a role that owns nothing (docs/security.md, "Audit log").
CREATE TABLE audit_log (
    seq         bigserial   PRIMARY KEY,
    -- NULL when the request carried no usable token (401): its tenant is unknown.
    tenant_id   text,
    occurred_at timestamptz NOT NULL,
    actor       text,
    client_id   text,
    action      text        NOT NULL,
    method      text        NOT NULL,
    target      text        NOT NULL,
    status      integer     NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('success', 'denied', 'failed')),
    source_ip   text,
    request_id  text
);
CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, occurred_at, seq);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
