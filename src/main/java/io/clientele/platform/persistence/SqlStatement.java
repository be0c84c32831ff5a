package io.clientele.platform.persistence;

import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.reactive.pool.ReactiveConnection;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * One positional ({@code $1, $2, ...}) statement, typically a set-based write with array parameters, that
 * runs either on a Vert.x connection (bulk writers owning their transaction, such as imports) or on the
 * connection of a Hibernate Reactive session, inside that session's transaction (bulk intake, which also
 * writes entities through Hibernate). Flush the session first when the statement depends on its entities.
 */
public record SqlStatement(String sql, Object[] params) {

    public Uni<Void> execute(SqlClient connection) {
        return connection.preparedQuery(sql).execute(Tuple.from(params)).replaceWithVoid();
    }

    public Uni<Integer> execute(Mutiny.Session session) {
        return Uni.createFrom().completionStage(() -> connection(session).update(sql, params));
    }

    /** Runs a query on the session's connection; rows as arrays of column values. */
    public Uni<java.util.List<Object[]>> select(Mutiny.Session session) {
        return Uni.createFrom().completionStage(() -> connection(session).select(sql, params)).map(result -> {
            java.util.List<Object[]> rows = new java.util.ArrayList<>(result.size());
            result.forEachRemaining(rows::add);
            return rows;
        });
    }

    // Hibernate Reactive's session implementation exposes the connection it holds for its transaction (not
    // part of Mutiny.Session); there is no other way to run driver-level array statements in that transaction.
    private static ReactiveConnection connection(Mutiny.Session session) {
        if (session instanceof MutinySessionImpl impl) {
            return impl.getReactiveConnection();
        }
        throw new IllegalStateException("not a Hibernate Reactive session with a connection: " + session.getClass());
    }
}
