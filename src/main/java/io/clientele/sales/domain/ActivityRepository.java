package io.clientele.sales.domain;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Activity queries, scoped to a tenant and skipping deleted activities. */
@ApplicationScoped
public class ActivityRepository implements PanacheRepositoryBase<Activity, UUID> {

    public Uni<Activity> findActive(String tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2 and deletedAt is null", id, tenantId).firstResult();
    }

    public Uni<List<Activity>> list(String tenantId, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(Activity.class, "sales_activity", tenantId, "deleted_at IS NULL", where, orderBy,
                limit);
    }
}
