package io.clientele.customer.domain;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

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

    /** Which of these ids name active customers of the tenant. */
    public Uni<List<UUID>> existing(String tenantId, List<UUID> ids) {
        return getSession().chain(session -> session.createNativeQuery(
                "SELECT CAST(id AS text) FROM customer WHERE tenant_id = :tenant AND deleted_at IS NULL AND id IN (:ids)",
                String.class)
                .setParameter("tenant", tenantId)
                .setParameter("ids", ids)
                .getResultList())
                .map(found -> found.stream().map(UUID::fromString).toList());
    }
}
