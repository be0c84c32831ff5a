package io.clientele.customer.domain;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Tag queries and customer assignments; every one scoped to a tenant. */
@ApplicationScoped
public class TagRepository implements PanacheRepositoryBase<Tag, UUID> {

    public Uni<Tag> find(String tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
    }

    public Uni<Boolean> nameTaken(String tenantId, String name, UUID except) {
        return count("tenantId = ?1 and lower(name) = lower(?2) and id <> ?3", tenantId, name,
                except == null ? new UUID(0, 0) : except).map(n -> n > 0);
    }

    public Uni<List<Tag>> list(String tenantId, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(Tag.class, "tag", tenantId, "TRUE", where, orderBy, limit);
    }

    /** Adds the assignments that do not exist yet; returns the customers that gained the tag. */
    public Uni<List<UUID>> assign(String tenantId, UUID tagId, List<UUID> customerIds) {
        return getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO customer_tag (tag_id, customer_id, tenant_id, assigned_at)
                SELECT :tag, c.id, :tenant, now() FROM customer c
                 WHERE c.tenant_id = :tenant AND c.deleted_at IS NULL AND c.id IN (:ids)
                ON CONFLICT DO NOTHING
                RETURNING CAST(customer_id AS text)
                """, String.class)
                .setParameter("tag", tagId)
                .setParameter("tenant", tenantId)
                .setParameter("ids", customerIds)
                .getResultList())
                .map(ids -> ids.stream().map(UUID::fromString).toList());
    }

    /** Removes existing assignments; returns the customers that lost the tag. */
    public Uni<List<UUID>> unassign(String tenantId, UUID tagId, List<UUID> customerIds) {
        return getSession().chain(session -> session.createNativeQuery("""
                DELETE FROM customer_tag WHERE tenant_id = :tenant AND tag_id = :tag AND customer_id IN (:ids)
                RETURNING CAST(customer_id AS text)
                """, String.class)
                .setParameter("tag", tagId)
                .setParameter("tenant", tenantId)
                .setParameter("ids", customerIds)
                .getResultList())
                .map(ids -> ids.stream().map(UUID::fromString).toList());
    }
}
