-- pgbench baseline for POST /v1/customers: one single-row INSERT per transaction into a scratch table
-- with the customer table's columns (primary key only), a row of the width the service writes.
\set n random(1, 2000000000)
INSERT INTO bench_insert (id, tenant_id, kind, display_name, first_name, last_name, contacts, email_keys,
                          phone_keys, attributes, owner_id, lifecycle_stage, version, created_at, updated_at,
                          created_by, updated_by)
VALUES (gen_random_uuid(), 'demo', 'person', 'Bench Load ' || :n, 'Bench', 'Load ' || :n,
        ('{"emails": [{"address": "pgbench-' || :n || '@example.com", "primary": true}], "phones": [], "addresses": []}')::jsonb,
        ARRAY['pgbench-' || :n || '@example.com'], '{}', '{}', '1f2775ba-8b56-3383-af3a-5f442647286b', 'lead', 0,
        now(), now(), '1f2775ba-8b56-3383-af3a-5f442647286b', '1f2775ba-8b56-3383-af3a-5f442647286b');
