package io.clientele.platform.paging;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.http.Params;
import io.clientele.platform.query.CursorCodec;
import io.clientele.platform.query.ListQuery;
import io.clientele.platform.query.QuerySchema;

/** Cursor pagination for every list: the configured cursor secret and the page-size rules. */
@ApplicationScoped
public class Pager {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private final CursorCodec cursors;

    Pager(ClienteleConfig config) {
        this.cursors = new CursorCodec(config.cursor().secret().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code scope} names the list (e.g. {@code customers}) so its cursors are refused by other lists. */
    public <T> PageRequest<T> request(String scope, QuerySchema<T> schema, String filter, String sort,
            String defaultSort, String limit, String cursor) {
        int size = limit(limit);
        return new PageRequest<>(ListQuery.of(scope, schema, filter, sort, defaultSort,
                cursor == null || cursor.isEmpty() ? null : cursor, cursors), size);
    }

    /** Trims the extra row and, if there was one, issues the cursor that continues after the last item. */
    public <T> Page<T> page(PageRequest<T> request, List<T> rows) {
        if (rows.size() <= request.limit()) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, request.limit());
        return new Page<>(items, request.query().cursorAfter(items.get(items.size() - 1)));
    }

    /** The response body of every list: {@code {"items": [...], "nextCursor": ... | null}}. */
    public <T> Map<String, Object> body(PageRequest<T> request, List<T> rows, Function<T, Object> view) {
        Page<T> page = page(request, rows);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(view).toList());
        body.put("nextCursor", page.nextCursor());
        return body;
    }

    private static int limit(String limit) {
        return Params.intBetween("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
    }
}
