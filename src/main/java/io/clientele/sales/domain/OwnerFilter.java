package io.clientele.sales.domain;

import java.util.function.Function;
import java.util.function.Predicate;

import io.clientele.platform.query.SqlFragment;

/**
 * Which owners' records a caller may see in one sales resource: the platform's record scope as the
 * sales module consumes it (single reads answer 404 when {@link #permits} is false).
 */
public record OwnerFilter(boolean all, Predicate<String> permitted, Function<String, SqlFragment> sql) {

    public static final OwnerFilter ALL = new OwnerFilter(true, owner -> true, column -> SqlFragment.TRUE);

    public boolean permits(String ownerId) {
        return all || permitted.test(ownerId);
    }

    /** The condition to AND into a query whose owner column is {@code ownerColumn}. */
    public SqlFragment on(String ownerColumn) {
        return all ? SqlFragment.TRUE : sql.apply(ownerColumn);
    }
}
