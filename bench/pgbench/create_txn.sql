-- Diagnostic (no target): the statements the service sends for one POST /v1/customers, as seen in the PostgreSQL
-- log: BEGIN; INSERT customer; INSERT change_history; INSERT outbox_event RETURNING seq; UPDATE of that outbox row
-- (every column: Hibernate finds its JSON map dirty at commit); COMMIT. The tables are copies of customer,
-- change_history and outbox_event with all their indexes, and the values have the service's sizes. The gap between
-- this and create req/s is the service's own cost; between this and insert.sql, the cost of the schema and design.
\set n random(1, 2000000000)
BEGIN;
INSERT INTO bench_customer (id, tenant_id, kind, display_name, first_name, last_name, contacts, email_keys,
                            phone_keys, attributes, owner_id, lifecycle_stage, version, created_at, updated_at,
                            created_by, updated_by)
VALUES (gen_random_uuid(), 'demo', 'person', 'Bench Load ' || :n, 'Bench', 'Load ' || :n,
        ('{"emails": [{"address": "pgbench-' || :n || '@example.com", "primary": true}], "phones": [], "addresses": []}')::jsonb,
        ARRAY['pgbench-' || :n || '@example.com'], '{}', '{}', '1f2775ba-8b56-3383-af3a-5f442647286b', 'lead', 0,
        now(), now(), '1f2775ba-8b56-3383-af3a-5f442647286b', '1f2775ba-8b56-3383-af3a-5f442647286b');
INSERT INTO bench_history (tenant_id, entity_type, entity_id, version, operation, source, actor, client_id,
                           correlation_id, occurred_at, entry)
VALUES ('demo', 'customer', gen_random_uuid(), 0, 'create', 'api', '1f2775ba-8b56-3383-af3a-5f442647286b', 'demo-partner',
        'corr-' || :n, now(),
        ('{"changes": [{"new": "person", "field": "kind"}, {"new": "Bench Load ' || :n || '", "field": "displayName"},'
         || ' {"new": "Bench", "field": "firstName"}, {"new": "Load ' || :n || '", "field": "lastName"},'
         || ' {"new": [{"address": "pgbench-' || :n || '@example.com", "primary": true}], "field": "emails"},'
         || ' {"new": "1f2775ba-8b56-3383-af3a-5f442647286b", "field": "ownerId"}, {"new": "lead", "field": "lifecycleStage"}],'
         || ' "snapshot": {"kind": "person", "emails": [{"address": "pgbench-' || :n || '@example.com", "primary": true}],'
         || ' "phones": [], "ownerId": "1f2775ba-8b56-3383-af3a-5f442647286b", "addresses": [], "attributes": {},'
         || ' "firstName": "Bench", "lastName": "Load ' || :n || '", "displayName": "Bench Load ' || :n || '",'
         || ' "lifecycleStage": "lead", "version": 0}}')::jsonb);
INSERT INTO bench_outbox (id, tenant_id, topic, aggregate_type, aggregate_id, event_type, occurred_at, actor,
                          correlation_id, data)
VALUES (gen_random_uuid(), 'demo', 'clientele.customers', 'customers', 'agg-' || :n, 'customer.created', now(),
        '1f2775ba-8b56-3383-af3a-5f442647286b', 'corr-' || :n,
        ('{"customer": {"id": "agg-' || :n || '", "kind": "person", "emails": [{"address": "pgbench-' || :n
         || '@example.com", "primary": true}], "displayName": "Bench Load", "lifecycleStage": "lead"}}')::jsonb)
RETURNING seq \gset
UPDATE bench_outbox SET actor = '1f2775ba-8b56-3383-af3a-5f442647286b', aggregate_id = 'agg-' || :n,
       aggregate_type = 'customers', correlation_id = 'corr-' || :n, event_type = 'customer.created',
       occurred_at = now(), tenant_id = 'demo', topic = 'clientele.customers',
       data = ('{"customer": {"id": "agg-' || :n || '", "kind": "person", "emails": [{"address": "pgbench-' || :n
               || '@example.com", "primary": true}], "displayName": "Bench Load", "lifecycleStage": "lead"}}')::jsonb
 WHERE seq = :seq;
END;
