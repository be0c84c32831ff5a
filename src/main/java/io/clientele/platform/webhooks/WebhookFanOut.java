package io.clientele.platform.webhooks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.outbox.OutboxTap;
import io.clientele.platform.query.FilterNode;
import io.clientele.platform.query.JsonFilter;
import io.clientele.platform.query.QueryException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Turns relayed events into deliveries, in the relay's transaction (ADR 0016): one row per matching active
 * subscription and event, inserted in relay order; the unique (subscription, event) key absorbs a batch the relay
 * repeats after a crash, so nothing is delivered twice because of it.
 */
@ApplicationScoped
public class WebhookFanOut implements OutboxTap {

    private static final Logger LOG = Logger.getLogger(WebhookFanOut.class);

    private final ObjectMapper mapper;
    /** Parsed filters by text; subscriptions are few and filters rarely change. */
    private final Map<String, FilterNode> filters = new ConcurrentHashMap<>();

    WebhookFanOut(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    private record Subscription(UUID id, String tenantId, List<String> eventTypes, String filter) {
    }

    @Override
    public Uni<Void> relayed(SqlConnection connection, List<Relayed> events) {
        Set<String> tenants = new LinkedHashSet<>();
        events.forEach(e -> tenants.add(e.tenantId()));
        return connection.preparedQuery("""
                SELECT id, tenant_id, event_types, filter FROM webhook_subscription
                 WHERE status = 'active' AND tenant_id = ANY($1)
                """).execute(Tuple.of(tenants.toArray(String[]::new)))
                .chain(rows -> {
                    List<Subscription> subscriptions = new ArrayList<>();
                    for (Row row : rows) {
                        subscriptions.add(new Subscription(row.getUUID("id"), row.getString("tenant_id"),
                                List.of(row.getString("event_types").split(",")), row.getString("filter")));
                    }
                    return subscriptions.isEmpty() ? Uni.createFrom().voidItem() : insert(connection, events,
                            subscriptions);
                });
    }

    private Uni<Void> insert(SqlConnection connection, List<Relayed> events, List<Subscription> subscriptions) {
        List<UUID> ids = new ArrayList<>();
        List<String> tenants = new ArrayList<>();
        List<UUID> subs = new ArrayList<>();
        List<UUID> eventIds = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (Relayed event : events) {
            JsonNode document = null;
            for (Subscription s : subscriptions) {
                if (!s.tenantId().equals(event.tenantId()) || !EventTypes.matches(s.eventTypes(), event.type())) {
                    continue;
                }
                if (s.filter() != null) {
                    if (document == null) {
                        document = parse(event.cloudEvent());
                    }
                    if (!passes(s, document)) {
                        continue;
                    }
                }
                ids.add(UUID.randomUUID());
                tenants.add(event.tenantId());
                subs.add(s.id());
                eventIds.add(event.id());
                types.add(event.type());
                payloads.add(event.cloudEvent());
            }
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // ORDER BY n: positions (bigserial) are drawn in relay order, which the ordering option follows.
        return connection.preparedQuery("""
                INSERT INTO webhook_delivery (id, tenant_id, subscription_id, event_id, event_type, payload, status,
                                              next_attempt_at, created_at)
                SELECT id, t, s, e, et, p, 'pending', now(), now()
                  FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[])
                       WITH ORDINALITY AS r(id, t, s, e, et, p, n)
                 ORDER BY n
                ON CONFLICT (subscription_id, event_id) DO NOTHING
                """).execute(Tuple.from(new Object[] { ids.toArray(UUID[]::new), tenants.toArray(String[]::new),
                subs.toArray(UUID[]::new), eventIds.toArray(UUID[]::new), types.toArray(String[]::new),
                payloads.toArray(String[]::new) }))
                .invoke(result -> LOG.debugf("webhook fan-out: %d deliveries for %d events", result.rowCount(),
                        events.size()))
                .replaceWithVoid();
    }

    private boolean passes(Subscription s, JsonNode document) {
        try {
            return JsonFilter.matches(filters.computeIfAbsent(s.filter(), JsonFilter::parse), document);
        } catch (QueryException e) {
            // Filters are validated when saved; one that no longer parses matches nothing rather than everything.
            LOG.warnf("webhook subscription %s has an invalid filter: %s", s.id(), e.getMessage());
            return false;
        }
    }

    private JsonNode parse(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("relayed event is not JSON", e);
        }
    }
}
