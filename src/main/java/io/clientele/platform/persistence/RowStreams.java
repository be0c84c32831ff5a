package io.clientele.platform.persistence;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.PreparedStatement;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowStream;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;

/**
 * Streams the rows of one query through a server-side cursor, {@code fetchSize} rows per round trip, so
 * memory stays constant however many rows match. Rows are fetched only as fast as the subscriber asks
 * for them (the cursor pauses in between), which is how a slow HTTP client slows the database down.
 *
 * <p>The query runs in its own read-only transaction on a dedicated pool connection. Whether the stream
 * completes, fails or is cancelled (a client that disconnects), the cursor is closed, the transaction
 * rolled back and the connection returned to the pool.
 */
@ApplicationScoped
public class RowStreams {

    private static final Logger LOG = Logger.getLogger(RowStreams.class);

    private final Pool pool;

    RowStreams(Pool pool) {
        this.pool = pool;
    }

    /** A cold stream: nothing is acquired until it is subscribed to, once. */
    public <T> Multi<T> stream(PositionalSql statement, int fetchSize, Function<Row, T> mapper) {
        return Multi.createFrom().resourceFromUni(this::open, cursor -> cursor.rows(statement, fetchSize))
                .withFinalizer(Cursor::close)
                .onItem().transform(mapper);
    }

    /**
     * Acquires the connection and opens the transaction. A subscriber that cancels while this is under
     * way (a client that leaves at once) would drop the connection on the floor: Mutiny discards an item
     * that arrives after cancellation and calls no finalizer for it. So the opening always runs to its end,
     * and a cursor nobody waits for any more is closed right away.
     */
    private Uni<Cursor> open() {
        return Uni.createFrom().emitter(emitter -> {
            AtomicBoolean delivered = new AtomicBoolean();
            AtomicBoolean cancelled = new AtomicBoolean();
            // Also runs after complete/fail; only a termination before delivery is a cancellation.
            emitter.onTermination(() -> cancelled.set(!delivered.get()));
            pool.getConnection()
                    .chain(connection -> connection.begin()
                            .call(tx -> connection.query("SET TRANSACTION READ ONLY").execute())
                            .map(tx -> new Cursor(connection, tx))
                            .onFailure().call(connection::close))
                    .subscribe().with(cursor -> {
                        if (cancelled.get()) {
                            cursor.close().subscribe().with(done -> { }, failure -> { });
                        } else {
                            delivered.set(true);
                            emitter.complete(cursor);
                        }
                    }, failure -> {
                        delivered.set(true);
                        emitter.fail(failure);
                    });
        });
    }

    /** One connection, its transaction and, once started, the statement and its row stream. */
    private static final class Cursor {
        private final SqlConnection connection;
        private final Transaction tx;
        private volatile PreparedStatement statement;
        private volatile RowStream<Row> stream;

        Cursor(SqlConnection connection, Transaction tx) {
            this.connection = connection;
            this.tx = tx;
        }

        Multi<Row> rows(PositionalSql sql, int fetchSize) {
            return connection.prepare(sql.sql()).onItem().transformToMulti(ps -> {
                statement = ps;
                stream = ps.createStream(fetchSize, sql.tuple());
                return stream.toMulti();
            });
        }

        /** Each step runs even when the one before it fails; the connection always goes back to the pool. */
        Uni<Void> close() {
            Uni<Void> closeStream = stream == null ? Uni.createFrom().voidItem() : stream.close();
            Uni<Void> closeStatement = statement == null ? Uni.createFrom().voidItem() : statement.close();
            return quietly(closeStream, "cursor")
                    .chain(() -> quietly(closeStatement, "statement"))
                    .chain(() -> quietly(tx.rollback(), "transaction"))
                    .chain(() -> quietly(connection.close(), "connection"));
        }

        private static Uni<Void> quietly(Uni<Void> step, String what) {
            return step.onFailure().recoverWithUni(e -> {
                LOG.debugf("closing the %s of a row stream failed: %s", what, e.getMessage());
                return Uni.createFrom().voidItem();
            });
        }
    }
}
