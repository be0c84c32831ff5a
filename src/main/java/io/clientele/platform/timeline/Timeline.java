package io.clientele.platform.timeline;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.security.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Merges the entries every {@link TimelineSource} contributes into one page, newest first. The
 * cursor is the position (instant, kind, id) of the last entry shown.
 */
@ApplicationScoped
public class Timeline {

    private final Instance<TimelineSource> sources;

    Timeline(@Any Instance<TimelineSource> sources) {
        this.sources = sources;
    }

    /** One page: {@code {"items": [...], "nextCursor": ...}}. Must run inside a session. */
    public Uni<Map<String, Object>> page(Caller caller, UUID customerId, int limit, String cursor) {
        Position after = cursor == null || cursor.isEmpty() ? null : Position.decode(cursor);
        Instant atOrBefore = after == null ? null : after.at();
        // Entries tied at the cursor's instant come back again and are skipped below, hence the margin.
        int fetch = limit * 2 + 1;
        List<TimelineEntry> all = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (TimelineSource source : sources) {
            chain = chain.chain(() -> source.entries(caller, customerId, atOrBefore, fetch).invoke(all::addAll)
                    .replaceWithVoid());
        }
        return chain.map(ignored -> {
            all.sort(TimelineEntry.NEWEST_FIRST);
            List<TimelineEntry> page = new ArrayList<>();
            boolean more = false;
            for (TimelineEntry e : all) {
                if (after != null && !after.isBefore(e)) {
                    continue;
                }
                if (page.size() == limit) {
                    more = true;
                    break;
                }
                page.add(e);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            List<Map<String, Object>> items = new ArrayList<>();
            for (TimelineEntry e : page) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("kind", e.kind());
                item.put("id", e.id());
                item.put("occurredAt", e.occurredAt().toString());
                item.put("summary", e.summary());
                item.put("data", e.data());
                items.add(item);
            }
            body.put("items", items);
            TimelineEntry last = page.isEmpty() ? null : page.get(page.size() - 1);
            body.put("nextCursor", more && last != null ? new Position(last.occurredAt(), last.kind(), last.id())
                    .encode() : null);
            return body;
        });
    }

    record Position(Instant at, String kind, String id) {

        /** Whether {@code e} comes after this position in newest-first order. */
        boolean isBefore(TimelineEntry e) {
            return TimelineEntry.NEWEST_FIRST.compare(new TimelineEntry(kind, id, at, null, null), e) < 0;
        }

        String encode() {
            String raw = at.toString() + "\n" + kind + "\n" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String cursor) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
                        .split("\n", -1);
                if (parts.length != 3) {
                    throw new IllegalArgumentException("parts");
                }
                return new Position(Instant.parse(parts[0]), parts[1], parts[2]);
            } catch (RuntimeException e) {
                throw new ProblemException(ProblemType.INVALID_CURSOR, "cursor is not a cursor of this timeline");
            }
        }
    }
}
