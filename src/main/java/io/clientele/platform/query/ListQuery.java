package io.clientele.platform.query;

import java.util.Objects;

/**
 * The usual list request in one object: parses {@code filter} and {@code sort}, verifies
 * {@code cursor} against them, and gives the WHERE fragment, ORDER BY and next cursor. Repositories
 * then build e.g.
 * {@code SELECT * FROM customer WHERE tenant_id = :tenant AND deleted_at IS NULL AND (where.sql)
 * ORDER BY orderBy LIMIT :limit} and bind {@code where.params}.
 */
public final class ListQuery<T> {

    private final FilterNode filter;
    private final SortSpec<T> sort;
    private final String fingerprint;
    private final SqlFragment where;
    private final CursorCodec codec;

    private ListQuery(FilterNode filter, SortSpec<T> sort, String fingerprint, SqlFragment where, CursorCodec codec) {
        this.filter = filter;
        this.sort = sort;
        this.fingerprint = fingerprint;
        this.where = where;
        this.codec = codec;
    }

    /**
     * @param scope a name for the list (e.g. {@code customers}) so a cursor of one list is refused by another
     * @throws InvalidFilterException, InvalidSortException, InvalidCursorException on bad client input
     */
    public static <T> ListQuery<T> of(String scope, QuerySchema<T> schema, String filterParam, String sortParam,
            String defaultSort, String cursorParam, CursorCodec codec) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(codec, "codec");
        FilterNode filter = FilterParser.parse(filterParam);
        SqlFragment where = SqlFilterCompiler.compile(filter, schema);
        SortSpec<T> sort = SortSpec.parse(sortParam, schema, defaultSort);
        String fingerprint = QueryFingerprint.of(scope + "\n" + (filter == null ? "" : filter.canonical()), sort);
        if (cursorParam != null) {
            CursorState state = codec.decode(cursorParam, fingerprint);
            where = where.and(KeysetCondition.after(sort, state.lastValues()));
        }
        return new ListQuery<>(filter, sort, fingerprint, where, codec);
    }

    /** The parsed filter, or null when none was given. */
    public FilterNode filter() {
        return filter;
    }

    public SortSpec<T> sort() {
        return sort;
    }

    public String fingerprint() {
        return fingerprint;
    }

    /** Filter AND keyset condition ({@link SqlFragment#TRUE} when neither applies). */
    public SqlFragment where() {
        return where;
    }

    /** ORDER BY body, ending with the id tie-breaker. */
    public String orderBy() {
        return sort.orderBy();
    }

    /**
     * The cursor for the page after {@code lastItem}. Fetch {@code limit + 1} rows and call this with the
     * {@code limit}-th only when the extra row exists, so the last page says {@code nextCursor: null}.
     */
    public String cursorAfter(T lastItem) {
        return codec.encode(new CursorState(fingerprint, sort.valuesOf(lastItem)));
    }
}
