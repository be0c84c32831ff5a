package io.clientele.platform.paging;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.query.CursorCodec;
import io.clientele.platform.query.CursorState;
import io.clientele.platform.query.FilterNode;
import io.clientele.platform.query.FilterParser;
import io.clientele.platform.query.KeysetCondition;
import io.clientele.platform.query.QueryFingerprint;
import io.clientele.platform.query.QuerySchema;
import io.clientele.platform.query.SortSpec;
import io.clientele.platform.query.SqlFilterCompiler;
import io.clientele.platform.query.SqlFragment;

/** Cursor pagination for every list: parses filter/sort/limit/cursor once, the same way everywhere. */
@ApplicationScoped
public class Pager {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private final CursorCodec cursors;

    Pager(ClienteleConfig config) {
        this.cursors = new CursorCodec(config.cursor().secret().getBytes(StandardCharsets.UTF_8));
    }

    public <T> PageRequest<T> request(QuerySchema<T> schema, String filter, String sort, String defaultSort,
            String limit, String cursor) {
        int size = limit(limit);
        FilterNode node = FilterParser.parse(filter);
        SqlFragment where = SqlFilterCompiler.compile(node, schema);
        SortSpec<T> order = SortSpec.parse(sort, schema, defaultSort);
        String fingerprint = QueryFingerprint.of(node == null ? "" : node.canonical(), order);
        if (cursor != null && !cursor.isEmpty()) {
            CursorState state = cursors.decode(cursor, fingerprint);
            where = where.and(KeysetCondition.after(order, state.lastValues()));
        }
        return new PageRequest<>(where, order.orderBy(), size, order, fingerprint);
    }

    /** Trims the extra row and, if there was one, issues the cursor that continues after the last item. */
    public <T> Page<T> page(PageRequest<T> request, List<T> rows) {
        if (rows.size() <= request.limit()) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, request.limit());
        T last = items.get(items.size() - 1);
        return new Page<>(items, cursors.encode(new CursorState(request.fingerprint(), request.sort().valuesOf(last))));
    }

    private static int limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Falls through to the same answer as an out-of-range number.
        }
        throw ProblemException.invalidParameter("limit must be a whole number from 1 to " + MAX_LIMIT);
    }
}
