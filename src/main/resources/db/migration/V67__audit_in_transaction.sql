-- Audit entries of successful writes are written inside the write's own transaction (ADR 0023), before the HTTP
-- status is known, and background work has no HTTP status at all: status becomes optional. A denial answered
-- with 404 (a record hidden by visibility) says why in reason.
ALTER TABLE audit_log ALTER COLUMN status DROP NOT NULL;
ALTER TABLE audit_log ADD COLUMN reason text;
