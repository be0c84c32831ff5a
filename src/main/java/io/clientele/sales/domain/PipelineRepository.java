package io.clientele.sales.domain;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.paging.PageQueries;
import io.clientele.platform.query.SqlFragment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Pipeline queries, always scoped to a tenant and skipping deleted pipelines. */
@ApplicationScoped
public class PipelineRepository implements PanacheRepositoryBase<Pipeline, UUID> {

    public Uni<Pipeline> findActive(String tenantId, UUID id) {
        return find("id = ?1 and tenantId = ?2 and deletedAt is null", id, tenantId).firstResult();
    }

    public Uni<Boolean> nameTaken(String tenantId, String name, UUID except) {
        return count("tenantId = ?1 and lower(name) = lower(?2) and deletedAt is null and id <> ?3", tenantId, name,
                except == null ? new UUID(0, 0) : except).map(n -> n > 0);
    }

    public Uni<List<Pipeline>> list(String tenantId, SqlFragment where, String orderBy, int limit) {
        return PageQueries.fetch(Pipeline.class, "pipeline", tenantId, "deleted_at IS NULL", where, orderBy, limit);
    }
}
