package io.clientele.customer.imports;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerRows;
import io.clientele.customer.domain.CustomerService;
import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.history.History;
import io.clientele.platform.outbox.DomainEvent;
import io.clientele.platform.outbox.Outbox;
import io.clientele.platform.persistence.TenantRecord;
import io.clientele.platform.security.Caller;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.AbstractVerticle;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Processes import jobs, one chunk per transaction. A replica claims a queued job, or a running one whose
 * lease expired (its worker died), with {@code FOR UPDATE SKIP LOCKED}. Each chunk transaction first locks
 * the job row and checks that this worker still holds the lease and the job was not cancelled (a worker that
 * lost its lease stops before writing anything), then writes the chunk's customers, history entries, events
 * and row errors with set-based SQL, adds the chunk's counts to the job, renews the lease and deletes the
 * chunk. So every chunk takes effect exactly once, and a resumed job continues at the first chunk left.
 */
@ApplicationScoped
public class ImportWorker {

    public static final String TOPIC = "clientele.imports";
    private static final Logger LOG = Logger.getLogger(ImportWorker.class);
    private static final int MAX_VALUE = 200;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** What a chunk transaction found. */
    public enum Step {
        /** A chunk was committed; more may follow. */
        MORE,
        /** No chunk was left: the job is now completed. */
        DONE,
        /** The job is no longer ours (lease lost, cancelled, finished): stop without writing. */
        STOP
    }

    private final Pool pool;
    private final ChunkPlanner planner;
    private final FuzzyImportMatcher fuzzy;
    private final History history;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final CustomerRows customerRows;
    private final Vertx vertx;
    private final ClienteleConfig.Imports config;
    private final String replica = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopped;
    private long timerId = -1;

    ImportWorker(Pool pool, ChunkPlanner planner, FuzzyImportMatcher fuzzy, History history, Outbox outbox,
            ObjectMapper json, CustomerRows customerRows, Vertx vertx, ClienteleConfig config) {
        this.customerRows = customerRows;
        this.pool = pool;
        this.planner = planner;
        this.fuzzy = fuzzy;
        this.history = history;
        this.outbox = outbox;
        this.json = json;
        this.vertx = vertx;
        this.config = config.imports();
    }

    void start(@Observes StartupEvent event) {
        if (config.workerEnabled()) {
            // A verticle of its own gets its own event loop, so the chunk transactions' continuations do not
            // queue behind the outbox relay, which is busy publishing an event for every imported row on the
            // loop the startup timers share. (Not measured on its own: it changed nothing visible next to the
            // key look-up that was the real cost at the time.)
            vertx.getDelegate().deployVerticle(new AbstractVerticle() {
                @Override
                public void start() {
                    timerId = vertx.setPeriodic(config.pollInterval().toMillis(), id -> tick());
                }
            });
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    private void tick() {
        if (stopped || !running.compareAndSet(false, true)) {
            return;
        }
        claim().chain(job -> job == null ? Uni.createFrom().item(false) : run(job).replaceWith(true))
                .subscribe().with(claimed -> {
                    running.set(false);
                    if (claimed) {
                        tick();
                    }
                }, failure -> {
                    running.set(false);
                    LOG.warnf("import worker failed, will retry: %s", failure.getMessage());
                });
    }

    /** Takes the oldest job that is queued, or running under an expired lease; null when there is none. */
    public Uni<ImportJob> claim() {
        String owner = replica + "-" + UUID.randomUUID().toString().substring(0, 8);
        return pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE customer_import SET status = 'running', lease_owner = $1,
                       lease_until = now() + make_interval(secs => $2), started_at = coalesce(started_at, now()),
                       version = version + 1, updated_at = now()
                 WHERE id = (SELECT id FROM customer_import
                              WHERE status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < now())
                              ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id, tenant_id, options::text AS options, header, created_by, client_id, correlation_id
                """).execute(Tuple.of(owner, (double) config.lease().toSeconds())))
                .map(rows -> rows.size() == 0 ? null : job(rows.iterator().next(), owner));
    }

    private ImportJob job(Row row, String owner) {
        try {
            ImportOptions options = json.readValue(row.getString("options"), ImportOptions.class);
            String[] header = row.getArrayOfStrings("header");
            ImportMapping mapping = ImportMapping.of(options, header == null ? null : Arrays.asList(header));
            Caller caller = new Caller(row.getString("tenant_id"), row.getString("created_by"),
                    row.getString("client_id"), Set.of());
            return new ImportJob(row.getUUID("id"), caller, row.getString("correlation_id"), mapping, owner);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("import " + row.getUUID("id") + " holds invalid options", e);
        }
    }

    /**
     * Processes the job's chunks until none is left or the job is no longer ours. Pipelined one chunk deep:
     * while a chunk's transaction looks up, decides and writes, the next chunk is parsed and validated on a
     * worker thread; that work reads nothing but the chunk's bytes and writes nothing, so what a crash leaves
     * behind is exactly what it was without the pipeline (committed chunks, and chunks still to do).
     */
    public Uni<Void> run(ImportJob job) {
        return Uni.createFrom().<Void>emitter(done -> loop(job, null, () -> done.complete(null)));
    }

    /**
     * One step, then the next from its callback: each step's pipeline is released when it ends. (A recursive
     * {@code chain(step -> run(...))} keeps every step's operators, and with them every prepared chunk, alive
     * until the job ends: the service ran out of heap at 58,000 rows.)
     */
    private void loop(ImportJob job, Ahead ahead, Runnable done) {
        Ahead[] next = new Ahead[1];
        step(job, ahead, next).onFailure().call(failure -> failed(job, failure)).subscribe().with(step -> {
            if (step == Step.MORE && !stopped) {
                Ahead following = next[0];
                next[0] = null;
                loop(job, following, done);
            } else {
                done.run();
            }
        }, failure -> done.run());
    }

    /**
     * Runs at most {@code chunks} pipelined chunk transactions and then stops as if the process died: the chunk
     * prepared ahead is dropped, the lease is left to expire. For crash tests; answers the chunks committed.
     */
    public Uni<Integer> runAndDie(ImportJob job, int chunks) {
        return runAndDie(job, null, chunks, 0);
    }

    private Uni<Integer> runAndDie(ImportJob job, Ahead ahead, int chunks, int done) {
        if (done == chunks) {
            return Uni.createFrom().item(done);
        }
        Ahead[] next = new Ahead[1];
        // Recursive like the worker was before loop(): fine for a test's few chunks.
        return step(job, ahead, next).chain(step -> step == Step.MORE ? runAndDie(job, next[0], chunks, done + 1)
                : Uni.createFrom().item(done));
    }

    /** A chunk being prepared ahead of its transaction; used at most once, dropped when a step fails. */
    private record Ahead(int chunkNo, Uni<List<ChunkPlanner.Prepared>> prepared) {
    }

    /** One transaction: the next chunk, or the completion of the job when none is left. */
    public Uni<Step> step(ImportJob job) {
        return step(job, null, new Ahead[1]);
    }

    private Uni<Step> step(ImportJob job, Ahead ahead, Ahead[] next) {
        // Plans that do not depend on statistics: while an import runs, the customer table grows far faster
        // than autovacuum re-analyses it, and with statistics from 5,000 rows the planner probed 100,000
        // customers with a sequential scan per key (3+ s per chunk, seen live in pg_stat_activity). Every
        // statement of a chunk is meant to go through an index (keys, primary keys), so sequential scans are
        // off for this transaction; custom plans because a generic plan cannot see how many keys a chunk
        // has; no JIT, which the bulk statements' estimates would trigger on every execution.
        return pool.withTransaction(conn -> conn
                .query("SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_custom_plan;"
                        + " SET LOCAL jit = off").execute()
                .chain(() -> conn.preparedQuery("SELECT status, lease_owner FROM customer_import WHERE id = $1 FOR UPDATE")
                        .execute(Tuple.of(job.id())))
                .chain(rows -> {
                    Row row = rows.size() == 0 ? null : rows.iterator().next();
                    if (row == null || !"running".equals(row.getString("status"))
                            || !job.leaseOwner().equals(row.getString("lease_owner"))) {
                        return Uni.createFrom().item(Step.STOP);
                    }
                    // The chunk to do and the one after it (prepared while this one is written).
                    return conn.preparedQuery("""
                            SELECT chunk_no, first_row, first_line, row_count, data FROM customer_import_chunk
                             WHERE import_id = $1 ORDER BY chunk_no LIMIT 2
                            """).execute(Tuple.of(job.id()))
                            .chain(chunks -> {
                                if (chunks.size() == 0) {
                                    return complete(conn, job).replaceWith(Step.DONE);
                                }
                                var it = chunks.iterator();
                                ImportFile.Chunk current = chunkOf(it.next());
                                ImportFile.Chunk following = it.hasNext() ? chunkOf(it.next()) : null;
                                return chunk(conn, job, current, ahead, following, next).replaceWith(Step.MORE);
                            });
                }));
    }

    private static ImportFile.Chunk chunkOf(Row row) {
        return new ImportFile.Chunk(row.getInteger("chunk_no"), row.getInteger("first_row"),
                row.getInteger("first_line"), row.getInteger("row_count"), row.getBuffer("data").getBytes());
    }

    private Uni<Void> chunk(SqlConnection conn, ImportJob job, ImportFile.Chunk chunk, Ahead ahead,
            ImportFile.Chunk following, Ahead[] next) {
        ImportJob.Timings t = job.timings();
        long[] mark = { System.nanoTime() };
        Uni<List<ChunkPlanner.Prepared>> prepared = ahead != null && ahead.chunkNo() == chunk.no() ? ahead.prepared()
                : prepareAhead(job, chunk);
        if (following != null) {
            next[0] = new Ahead(following.no(), prepareAhead(job, following));
        }
        return prepared
                .invoke(() -> t.prepareWait += lap(mark))
                .chain(rows -> existing(conn, job, rows)
                        .invoke(() -> t.lookup += lap(mark))
                        .chain(existing -> fuzzyMatches(conn, job, rows, existing))
                        .invoke(() -> t.fuzzy += lap(mark))
                        // Unordered: must not queue behind the next chunk's preparation on the same context.
                        // The statements' parameters (customer and history JSON) are serialised here too, not
                        // on the event loop, where they blocked it for seconds under load.
                        .chain(matched -> vertx.executeBlocking(Uni.createFrom().item(() -> {
                            ChunkPlan plan = planner.plan(job, rows, matched.customers(), matched.fuzzy());
                            return new Writes(plan, customerParams(job, plan.updates().values()),
                                    customerParams(job, plan.inserts().values()), history.batch(plan.history()));
                        }), false)))
                .invoke(() -> t.plan += lap(mark))
                .chain(writes -> write(conn, job, chunk, writes))
                .invoke(() -> {
                    t.write += lap(mark);
                    t.chunks++;
                });
    }

    private static long lap(long[] mark) {
        long now = System.nanoTime();
        long elapsed = now - mark[0];
        mark[0] = now;
        return elapsed;
    }

    /**
     * Starts parsing and validating {@code chunk} on a worker thread now; the answer is kept until the chunk's
     * transaction asks for it. Parsing and validation are CPU work: off the event loop.
     */
    private Uni<List<ChunkPlanner.Prepared>> prepareAhead(ImportJob job, ImportFile.Chunk chunk) {
        Uni<List<ChunkPlanner.Prepared>> work = vertx.executeBlocking(Uni.createFrom().item(() -> {
            long start = System.nanoTime();
            List<ChunkPlanner.Prepared> out = prepare(job, chunk);
            job.timings().addPrepare(System.nanoTime() - start);
            return out;
        }), false).memoize().indefinitely();
        work.subscribe().with(ignored -> {
        }, failure -> {
        });
        return work;
    }

    private List<ChunkPlanner.Prepared> prepare(ImportJob job, ImportFile.Chunk chunk) {
        List<ImportRow> rows = parse(job.mapping(), chunk, json);
        List<ChunkPlanner.Prepared> prepared = new ArrayList<>(rows.size());
        for (ImportRow row : rows) {
            prepared.add(planner.prepare(job, row));
        }
        return prepared;
    }

    /** The records of a chunk as customer documents, numbered as in the file. */
    public static List<ImportRow> parse(ImportMapping mapping, ImportFile.Chunk chunk, ObjectMapper json) {
        List<ImportRow> rows = new ArrayList<>(chunk.rowCount());
        int number = chunk.firstRow();
        if (mapping.format() == ImportFormat.CSV) {
            CsvReader reader = new CsvReader(chunk.data(), 0, chunk.data().length, chunk.firstLine());
            CsvReader.Record record;
            while ((record = reader.next()) != null) {
                ImportMapping.RowDoc doc = record.error() != null
                        ? new ImportMapping.RowDoc(null, null, record.error())
                        : mapping.csvRow(record.fields());
                rows.add(new ImportRow(number++, record.line(), doc, null));
            }
        } else {
            for (ImportFile.Line line : ImportFile.lines(chunk)) {
                ImportMapping.RowDoc doc;
                try {
                    JsonNode node = json.readTree(line.text());
                    doc = node instanceof ObjectNode object ? mapping.jsonRow(object)
                            : new ImportMapping.RowDoc(null, null, "is not a JSON object");
                } catch (JsonProcessingException e) {
                    doc = new ImportMapping.RowDoc(null, null, "is not valid JSON: " + e.getOriginalMessage());
                }
                rows.add(new ImportRow(number++, line.line(), doc, null));
            }
        }
        return rows;
    }

    private static final String CUSTOMER_COLUMNS = CustomerRows.COLUMNS + "\n";

    /** Active customers holding any natural key of the chunk, oldest first; locked when the chunk may update them. */
    private Uni<List<Customer>> existing(SqlConnection conn, ImportJob job, List<ChunkPlanner.Prepared> prepared) {
        ChunkPlanner.Lookup keys = planner.lookup(job, prepared);
        if (keys.externalIds().length == 0 && keys.emails().length == 0 && keys.phones().length == 0) {
            return Uni.createFrom().item(List.of());
        }
        String lock = job.mapping().policy() == ImportDuplicatePolicy.UPDATE ? " FOR UPDATE" : "";
        // One GIN probe per key (a join on the unnested keys), with no other condition the planner could prefer
        // to the key: with `email_keys && $3` it prices the GIN look-up of a 2,000-element array above a
        // sequential scan, and with the tenant in the join, statistics from when the table was small (an
        // import outgrows them within seconds) made it walk the tenant's customers once per key; both cost
        // 2-3 s per chunk (auto_explain, 100,000 customers). The tenant is checked on the matched ids, which
        // are fetched by primary key (= ANY(ARRAY(...))).
        return conn.preparedQuery("SELECT " + CUSTOMER_COLUMNS + """
                 FROM customer WHERE id = ANY(ARRAY(
                       SELECT c.id FROM customer c WHERE c.tenant_id = $1 AND c.external_id = ANY($2)
                       UNION
                       SELECT c.id FROM unnest($3::text[]) k JOIN customer c ON c.email_keys @> ARRAY[k]
                       UNION
                       SELECT c.id FROM unnest($4::text[]) k JOIN customer c ON c.phone_keys @> ARRAY[k]))
                  AND tenant_id = $1 AND deleted_at IS NULL
                ORDER BY created_at, id""" + lock)
                .execute(Tuple.of(job.tenantId(), keys.externalIds(), keys.emails(), keys.phones()))
                .map(this::customers);
    }

    private record Matched(List<Customer> customers, Map<Integer, FuzzyImportMatcher.Hit> fuzzy) {
    }

    /** Likely fuzzy duplicates of the rows without an exact match (fuzzy flag or skip); they are never merged. */
    private Uni<Matched> fuzzyMatches(SqlConnection conn, ImportJob job, List<ChunkPlanner.Prepared> prepared,
            List<Customer> exact) {
        if (job.mapping().policy() == ImportDuplicatePolicy.CREATE || job.mapping().fuzzy() == FuzzyMode.OFF) {
            return Uni.createFrom().item(new Matched(exact, Map.of()));
        }
        return fuzzy.match(conn, job.tenantId(), planner.candidates(job, prepared, exact))
                .map(found -> new Matched(exact, found));
    }

    private List<Customer> customers(RowSet<Row> rows) {
        List<Customer> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(customerRows.customer(r));
        }
        return out;
    }

    /** A chunk's decisions with its statements' parameters; a null customer tuple means nothing to write. */
    private record Writes(ChunkPlan plan, Tuple updates, Tuple inserts, History.Batch history) {
    }

    private Uni<Void> write(SqlConnection conn, ImportJob job, ImportFile.Chunk chunk, Writes writes) {
        ChunkPlan plan = writes.plan();
        // Customers first: their row locks are held before the outbox sequence numbers are drawn.
        return customersWrite(conn, writes.updates(), false)
                .chain(() -> customersWrite(conn, writes.inserts(), true))
                .chain(() -> history.recordAll(conn, writes.history()))
                .chain(() -> outbox.recordAll(conn, importedEvent(job, chunk, plan)))
                .chain(() -> errors(conn, job, plan.errors()))
                .chain(() -> {
                    int[] n = plan.counts();
                    return conn.preparedQuery("""
                            UPDATE customer_import SET chunks_done = chunks_done + 1, rows_done = rows_done + $2,
                                   created = created + $3, updated = updated + $4, unchanged = unchanged + $5,
                                   skipped = skipped + $6, failed = failed + $7, attempts = 0,
                                   lease_until = now() + make_interval(secs => $8), version = version + 1,
                                   updated_at = now()
                             WHERE id = $1
                            """).execute(Tuple.from(new Object[] { job.id(), n[0], n[1], n[2], n[3], n[4], n[5],
                            (double) config.lease().toSeconds() }));
                })
                .chain(() -> conn.preparedQuery("DELETE FROM customer_import_chunk WHERE import_id = $1 AND chunk_no = $2")
                        .execute(Tuple.of(job.id(), chunk.no())))
                .replaceWithVoid();
    }

    /**
     * The chunk's one {@code customer.imported} event (no per-row customer.created/updated: ADR 0021): which rows
     * created or updated which customers; subscribers fetch the customers they need. Its subject (and Kafka key)
     * is the import, so a job's chunks arrive in order.
     */
    private List<Outbox.Row> importedEvent(ImportJob job, ImportFile.Chunk chunk, ChunkPlan plan) {
        if (plan.imported().isEmpty()) {
            return List.of();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("importId", job.id().toString());
        data.put("chunk", chunk.no() + 1); // stored from 0; published from 1 like file rows
        data.put("rows", plan.imported());
        return List.of(outbox.row(job.caller(), job.correlationId(), new DomainEvent(CustomerService.TOPIC,
                "customers", job.id().toString(), "customer.imported", data)));
    }

    private static final String CUSTOMER_ROWS = """
            SELECT id, kind, dn, fn, ln, nm, c::jsonb AS c, a::jsonb AS a, ow, ls, ex, v, ca, ua, cb, ub, mn,
                   string_to_array(mk, chr(31)) AS mk, mv
              FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                          $9::text[], $10::text[], $11::text[], $12::text[], $13::int8[], $14::timestamptz[],
                          $15::timestamptz[], $16::text[], $17::text[], $18::text[], $19::text[], $20::int4[])
                   AS t(id, kind, dn, fn, ln, nm, c, a, ow, ls, ex, v, ca, ua, cb, ub, mn, mk, mv)""";
    private static final String EMAIL_KEYS = "ARRAY(SELECT e->>'address' FROM jsonb_array_elements(u.c->'emails') e)";
    private static final String PHONE_KEYS = "ARRAY(SELECT p->>'number' FROM jsonb_array_elements(u.c->'phones') p)";

    /** The parameters of a write of final customer states, serialised; null when there is none. */
    private Tuple customerParams(ImportJob job, java.util.Collection<Customer> customers) {
        if (customers.isEmpty()) {
            return null;
        }
        int n = customers.size();
        UUID[] ids = new UUID[n];
        String[] kinds = new String[n], display = new String[n], first = new String[n], last = new String[n],
                names = new String[n], contacts = new String[n], attributes = new String[n], owners = new String[n],
                stages = new String[n], external = new String[n], createdBy = new String[n], updatedBy = new String[n];
        // Duplicate-matching keys as computed by Customer.apply (one string per row: unnest flattens arrays).
        String[] matchNames = new String[n], matchKeys = new String[n];
        Integer[] matchVersions = new Integer[n];
        Long[] versions = new Long[n];
        OffsetDateTime[] createdAt = new OffsetDateTime[n], updatedAt = new OffsetDateTime[n];
        int i = 0;
        try {
            for (Customer c : customers) {
                ids[i] = c.id;
                kinds[i] = c.kind;
                display[i] = c.displayName;
                first[i] = c.firstName;
                last[i] = c.lastName;
                names[i] = c.name;
                contacts[i] = json.writeValueAsString(c.contacts);
                attributes[i] = json.writeValueAsString(c.attributes);
                owners[i] = c.ownerId;
                stages[i] = c.lifecycleStage;
                external[i] = c.externalId;
                versions[i] = c.version;
                createdAt[i] = c.createdAt.atOffset(ZoneOffset.UTC);
                updatedAt[i] = c.updatedAt.atOffset(ZoneOffset.UTC);
                createdBy[i] = c.createdBy;
                updatedBy[i] = c.updatedBy;
                matchNames[i] = c.matchName;
                matchKeys[i] = String.join("\u001f", c.matchKeys);
                matchVersions[i] = c.matchVersion;
                i++;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return Tuple.from(new Object[] { job.tenantId(), ids, kinds, display, first, last, names, contacts, attributes,
                owners, stages, external, versions, createdAt, updatedAt, createdBy, updatedBy, matchNames, matchKeys,
                matchVersions });
    }

    /** Writes final customer states; the natural-key arrays are derived from the contacts in SQL. */
    private Uni<Void> customersWrite(SqlConnection conn, Tuple params, boolean insert) {
        if (params == null) {
            return Uni.createFrom().voidItem();
        }
        String sql = insert ? """
                INSERT INTO customer (id, tenant_id, kind, display_name, first_name, last_name, name, contacts,
                                      email_keys, phone_keys, attributes, owner_id, lifecycle_stage, external_id,
                                      version, created_at, updated_at, created_by, updated_by, match_name,
                                      match_keys, match_version)
                SELECT u.id, $1, u.kind, u.dn, u.fn, u.ln, u.nm, u.c, %s, %s, u.a, u.ow, u.ls, u.ex, u.v, u.ca, u.ua,
                       u.cb, u.ub, u.mn, u.mk, u.mv
                  FROM (%s) u
                """.formatted(EMAIL_KEYS, PHONE_KEYS, CUSTOMER_ROWS) : """
                UPDATE customer SET kind = u.kind, display_name = u.dn, first_name = u.fn, last_name = u.ln,
                       name = u.nm, contacts = u.c, email_keys = %s, phone_keys = %s, attributes = u.a,
                       owner_id = u.ow, lifecycle_stage = u.ls, external_id = u.ex, version = u.v,
                       updated_at = u.ua, updated_by = u.ub, match_name = u.mn, match_keys = u.mk,
                       match_version = u.mv
                  FROM (%s) u
                 WHERE customer.id = u.id AND customer.tenant_id = $1
                """.formatted(EMAIL_KEYS, PHONE_KEYS, CUSTOMER_ROWS);
        return conn.preparedQuery(sql).execute(params).replaceWithVoid();
    }

    private Uni<Void> errors(SqlConnection conn, ImportJob job, List<RowError> errors) {
        if (errors.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = errors.size();
        Integer[] rows = new Integer[n], lines = new Integer[n];
        String[] fields = new String[n], columns = new String[n], reasons = new String[n], values = new String[n];
        UUID[] duplicates = new UUID[n];
        for (int i = 0; i < n; i++) {
            RowError e = errors.get(i);
            rows[i] = e.row();
            lines[i] = e.line();
            fields[i] = e.field();
            columns[i] = e.column();
            reasons[i] = e.reason();
            values[i] = e.value() == null || e.value().length() <= MAX_VALUE ? e.value()
                    : e.value().substring(0, MAX_VALUE);
            duplicates[i] = e.duplicateOf();
        }
        return conn.preparedQuery("""
                INSERT INTO customer_import_error (import_id, row_number, line, field, column_name, reason, value,
                                                   duplicate_of)
                SELECT $1, r, l, f, c, re, v, d
                  FROM unnest($2::int4[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[])
                       WITH ORDINALITY AS t(r, l, f, c, re, v, d, n)
                 ORDER BY n
                """).execute(Tuple.from(new Object[] { job.id(), rows, lines, fields, columns, reasons, values,
                duplicates }))
                .replaceWithVoid();
    }

    private Uni<Void> complete(SqlConnection conn, ImportJob job) {
        LOG.infof("import %s completed; this worker's %s", job.id(), job.timings());
        return finish(conn, job.id(), "completed", null, "import.completed");
    }

    /** Ends a job with {@code status} and records its import.* event, in the caller's transaction. */
    Uni<Void> finish(SqlConnection conn, UUID id, String status, String failure, String eventType) {
        return conn.preparedQuery("""
                UPDATE customer_import SET status = $2, failure = $3, finished_at = now(), lease_owner = NULL,
                       lease_until = NULL, version = version + 1, updated_at = now()
                 WHERE id = $1
                RETURNING *, options::text AS options_json
                """).execute(Tuple.of(id, status, failure))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    CustomerImport job = importOf(row);
                    Caller caller = new Caller(job.tenantId, job.createdBy, job.clientId, Set.of());
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("import", ImportView.of(job, TenantRecord.now()));
                    return outbox.recordAll(conn, List.of(outbox.row(caller, job.correlationId,
                            new DomainEvent(TOPIC, "imports", id.toString(), eventType, data))));
                });
    }

    private CustomerImport importOf(Row row) {
        CustomerImport job = new CustomerImport();
        job.id = row.getUUID("id");
        job.tenantId = row.getString("tenant_id");
        job.status = row.getString("status");
        job.format = row.getString("format");
        try {
            job.options = json.readValue(row.getString("options_json"), MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        job.fileName = row.getString("file_name");
        job.fileBytes = row.getLong("file_bytes");
        job.fileSha256 = row.getString("file_sha256");
        job.totalRows = row.getInteger("total_rows");
        job.totalChunks = row.getInteger("total_chunks");
        job.chunksDone = row.getInteger("chunks_done");
        job.rowsDone = row.getInteger("rows_done");
        job.created = row.getInteger("created");
        job.updated = row.getInteger("updated");
        job.unchanged = row.getInteger("unchanged");
        job.skipped = row.getInteger("skipped");
        job.failed = row.getInteger("failed");
        job.failure = row.getString("failure");
        job.createdBy = row.getString("created_by");
        job.clientId = row.getString("client_id");
        job.correlationId = row.getString("correlation_id");
        job.version = row.getLong("version");
        job.createdAt = instant(row, "created_at");
        job.updatedAt = instant(row, "updated_at");
        job.startedAt = instant(row, "started_at");
        job.finishedAt = instant(row, "finished_at");
        return job;
    }

    private static java.time.Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /**
     * A chunk transaction failed (and rolled back): count the attempt and release the lease so the chunk is
     * retried, by any replica; after {@code maxAttempts} the job fails, keeping what earlier chunks committed.
     */
    private Uni<Void> failed(ImportJob job, Throwable failure) {
        String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        LOG.warnf(failure, "import %s: chunk failed", job.id());
        return pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE customer_import SET attempts = attempts + 1, lease_owner = NULL, lease_until = NULL,
                       version = version + 1, updated_at = now()
                 WHERE id = $1 AND lease_owner = $2 AND status = 'running'
                RETURNING attempts
                """).execute(Tuple.of(job.id(), job.leaseOwner())).chain(rows -> {
                    if (rows.size() == 0 || rows.iterator().next().getInteger("attempts") < config.maxAttempts()) {
                        return Uni.createFrom().voidItem();
                    }
                    return conn.preparedQuery("DELETE FROM customer_import_chunk WHERE import_id = $1")
                            .execute(Tuple.of(job.id()))
                            .chain(() -> finish(conn, job.id(), "failed",
                                    reason.length() > 500 ? reason.substring(0, 500) : reason, "import.failed"));
                })).onFailure().recoverWithNull().replaceWithVoid();
    }
}
