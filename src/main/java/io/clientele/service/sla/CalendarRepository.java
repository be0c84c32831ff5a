package io.clientele.service.sla;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Business calendar queries, scoped to a tenant. */
@ApplicationScoped
public class CalendarRepository implements PanacheRepositoryBase<BusinessCalendar, UUID> {

    public Uni<BusinessCalendar> find(String tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2", id, tenantId).firstResult();
    }

    public Uni<Boolean> nameTaken(String tenantId, String name, UUID except) {
        return count("tenantId = ?1 and lower(name) = lower(?2) and id <> ?3", tenantId, name,
                except == null ? new UUID(0, 0) : except).map(n -> n > 0);
    }

    public Uni<List<BusinessCalendar>> list(String tenantId, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(BusinessCalendar.class, "business_calendar", tenantId, "TRUE", where, orderBy, limit);
    }
}
