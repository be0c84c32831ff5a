package io.clientele.customer.domain;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.customer.domain.matching.MatchProfile;
import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Customer queries. Every one of them is scoped to a tenant and skips soft-deleted rows. */
@ApplicationScoped
public class CustomerRepository implements PanacheRepositoryBase<Customer, UUID> {

    private static final String ACTIVE = "deleted_at IS NULL";

    public Uni<Customer> findActive(String tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2 and deletedAt is null", id, tenantId).firstResult();
    }

    public Uni<Boolean> externalIdTaken(String tenantId, String externalId, UUID except) {
        return except == null
                ? count("tenantId = ?1 and externalId = ?2 and deletedAt is null", tenantId, externalId)
                        .map(n -> n > 0)
                : count("tenantId = ?1 and externalId = ?2 and deletedAt is null and id <> ?3", tenantId,
                        externalId, except).map(n -> n > 0);
    }

    public Uni<List<Customer>> findByNaturalKey(String tenantId, NaturalKey key, int max) {
        String condition = switch (key.kind()) {
            case EMAIL -> "email_keys @> ARRAY[CAST(:value AS text)]";
            case PHONE -> "phone_keys @> ARRAY[CAST(:value AS text)]";
            case EXTERNAL_ID -> "external_id = :value";
        };
        return getSession().chain(session -> session.createNativeQuery(
                "SELECT * FROM customer WHERE tenant_id = :tenant AND deleted_at IS NULL AND " + condition
                        + " ORDER BY created_at, id LIMIT :max", Customer.class)
                .setParameter("tenant", tenantId)
                .setParameter("value", key.value())
                .setParameter("max", max)
                .getResultList());
    }

    public Uni<List<Customer>> list(String tenantId, CustomerQuery query) {
        return PageQueries.fetch(Customer.class, "customer", tenantId, ACTIVE, query.where(), query.orderBy(),
                query.limit());
    }

    public Uni<Long> count(String tenantId, SqlFragment where) {
        return PageQueries.count("customer", tenantId, ACTIVE, where);
    }

    /** Rows of a compiled grouping: dimension values, count, sums (see GroupQuery). */
    public Uni<List<Object[]>> groups(String tenantId, SqlFragment statement) {
        return getSession().chain(session -> {
            var query = session.createNativeQuery(statement.sql(), Object[].class).setParameter("tenant", tenantId);
            statement.params().forEach(query::setParameter);
            return query.getResultList();
        });
    }

    /**
     * Active customers of the same kind sharing a blocking key, an email, a phone or the external
     * id with {@code probe}: id, pg_trgm similarity of the names, then what scoring needs (match
     * name, keys, emails, phones joined by U+001F, external id, company id, addresses as JSON), so
     * that only the candidates returned are loaded as entities.
     */
    public Uni<List<Object[]>> matchCandidates(String tenantId, MatchProfile probe, UUID except, int max) {
        return matchCandidates(tenantId, probe, probe.keys(), except, max);
    }

    /** As above, probing only {@code keys} of the probe's blocking keys (the common ones left out). */
    public Uni<List<Object[]>> matchCandidates(String tenantId, MatchProfile probe, List<String> keys, UUID except,
            int max) {
        return getSession().chain(session -> session.createNativeQuery(
                "SELECT CAST(id AS text), similarity(match_name, :name), match_name,"
                        + " array_to_string(match_keys, chr(31)), array_to_string(email_keys, chr(31)),"
                        + " array_to_string(phone_keys, chr(31)), external_id, CAST(company_id AS text),"
                        + " CAST(contacts -> 'addresses' AS text) FROM customer"
                        + " WHERE tenant_id = :tenant AND deleted_at IS NULL AND kind = :kind AND id <> :except"
                        + " AND (match_keys && CAST(:keys AS text[]) OR email_keys && CAST(:emails AS text[])"
                        + " OR phone_keys && CAST(:phones AS text[]) OR external_id = :externalId)"
                        // Exact contact matches first: a large block of namesakes must not push them out.
                        // (a NULL external id makes the condition NULL, hence the COALESCE).
                        + " ORDER BY COALESCE(email_keys && CAST(:emails AS text[])"
                        + " OR phone_keys && CAST(:phones AS text[]) OR external_id = :externalId, false) DESC,"
                        + " 2 DESC, id LIMIT :max", Object[].class)
                .setParameter("name", probe.matchName())
                .setParameter("tenant", tenantId)
                .setParameter("kind", probe.kind().apiName())
                .setParameter("except", except == null ? new UUID(0, 0) : except)
                .setParameter("keys", keys.toArray(String[]::new))
                .setParameter("emails", probe.emails().toArray(String[]::new))
                .setParameter("phones", probe.phones().toArray(String[]::new))
                .setParameter("externalId", probe.externalId() == null ? "" : probe.externalId())
                .setParameter("max", max)
                .getResultList());
    }

    public Uni<List<Customer>> findActive(String tenantId, List<UUID> ids) {
        return list("tenantId = ?1 and deletedAt is null and id in ?2", tenantId, ids);
    }

    /** Locks the given customers for the rest of the transaction, in id order so that lockers never deadlock. */
    public Uni<List<Customer>> lockAll(String tenantId, List<UUID> ids) {
        return getSession().chain(session -> session.createNativeQuery(
                "SELECT * FROM customer WHERE tenant_id = :tenant AND id IN (:ids) ORDER BY id FOR UPDATE",
                Customer.class)
                .setParameter("tenant", tenantId)
                .setParameter("ids", ids)
                .getResultList());
    }

    /** The customer a merged-away id now points to (following chains of merges), or null. */
    public Uni<UUID> mergedTarget(String tenantId, UUID id) {
        return getSession().chain(session -> session.createNativeQuery(
                "WITH RECURSIVE chain(id, merged_into, depth) AS ("
                        + " SELECT id, merged_into, 0 FROM customer WHERE tenant_id = :tenant AND id = :id"
                        + " AND merged_into IS NOT NULL"
                        + " UNION ALL SELECT c.id, c.merged_into, chain.depth + 1 FROM customer c"
                        + " JOIN chain ON c.id = chain.merged_into WHERE chain.depth < 20)"
                        + " SELECT CAST(c.id AS text) FROM chain JOIN customer c ON c.id = chain.merged_into"
                        + " WHERE c.deleted_at IS NULL LIMIT 1", String.class)
                .setParameter("tenant", tenantId)
                .setParameter("id", id)
                .getResultList())
                .map(found -> found.isEmpty() ? null : UUID.fromString(found.get(0)));
    }

    /**
     * Serialises, until the transaction ends, writers that hold any of these keys (e.g. the same
     * email), so two concurrent creates cannot both miss each other's duplicate.
     */
    public Uni<Void> lockKeys(List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return getSession().chain(session -> session.createNativeQuery(
                "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest(CAST(:keys AS text[])) k",
                Long.class)
                .setParameter("keys", keys.toArray(String[]::new))
                .getSingleResult())
                .replaceWithVoid();
    }

    /** Moves the tag assignments of merged-away customers to the survivor. */
    public Uni<Void> moveTags(String tenantId, List<UUID> from, UUID to) {
        return getSession().chain(session -> session.createNativeQuery(
                "INSERT INTO customer_tag (tag_id, customer_id, tenant_id, assigned_at)"
                        + " SELECT tag_id, :to, tenant_id, min(assigned_at) FROM customer_tag"
                        + " WHERE tenant_id = :tenant AND customer_id IN (:from) GROUP BY tag_id, tenant_id"
                        + " ON CONFLICT DO NOTHING")
                .setParameter("to", to).setParameter("tenant", tenantId).setParameter("from", from)
                .executeUpdate()
                .chain(() -> session.createNativeQuery(
                        "DELETE FROM customer_tag WHERE tenant_id = :tenant AND customer_id IN (:from)")
                        .setParameter("tenant", tenantId).setParameter("from", from).executeUpdate()))
                .replaceWithVoid();
    }

    /** Active persons belonging to any of these companies. */
    public Uni<List<Customer>> members(String tenantId, List<UUID> companies) {
        return list("tenantId = ?1 and deletedAt is null and companyId in ?2", tenantId, companies);
    }

    /** Customers whose match keys an older algorithm wrote (read-only: they are updated natively). */
    public Uni<List<Customer>> staleMatchKeys(int version, int max) {
        return getSession().chain(session -> session.createNativeQuery(
                "SELECT * FROM customer WHERE match_version < :version LIMIT :max FOR UPDATE SKIP LOCKED",
                Customer.class)
                .setParameter("version", version)
                .setParameter("max", max)
                .setReadOnly(true)
                .getResultList());
    }

    /** Stores match keys without touching version or updatedAt: they are derived, not a change. */
    public Uni<Void> storeMatchKeys(UUID id, String matchName, List<String> keys, int version) {
        return getSession().chain(session -> session.createNativeQuery(
                "UPDATE customer SET match_name = :name, match_keys = CAST(:keys AS text[]), match_version = :version"
                        + " WHERE id = :id")
                .setParameter("name", matchName)
                .setParameter("keys", keys.toArray(String[]::new))
                .setParameter("version", version)
                .setParameter("id", id)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** Which of these ids name active customers of the tenant. */
    public Uni<List<UUID>> existing(String tenantId, List<UUID> ids, SqlFragment scope) {
        return getSession().chain(session -> {
            var query = session.createNativeQuery("SELECT CAST(id AS text) FROM customer WHERE tenant_id = :tenant"
                    + " AND deleted_at IS NULL AND id IN (:ids) AND (" + scope.sql() + ")", String.class)
                    .setParameter("tenant", tenantId)
                    .setParameter("ids", ids);
            scope.params().forEach(query::setParameter);
            return query.getResultList();
        })
                .map(found -> found.stream().map(UUID::fromString).toList());
    }
}
