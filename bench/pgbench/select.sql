-- pgbench baseline for GET /v1/customers/{id}: one primary-key look-up of a full customer row (a copy of the
-- seeded customers numbered 1..:rows), with the predicate the service uses (tenant, not deleted).
\set n random(1, :rows)
SELECT * FROM bench_read WHERE n = :n AND tenant_id = 'demo' AND deleted_at IS NULL;
