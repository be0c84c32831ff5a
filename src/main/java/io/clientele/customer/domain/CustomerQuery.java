package io.clientele.customer.domain;

import io.clientele.platform.query.SqlFragment;

/** A compiled list query: filter and keyset condition, ORDER BY, and how many rows to fetch. */
public record CustomerQuery(SqlFragment where, String orderBy, int limit) {
}
