package io.clientele.platform.export;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestMulti;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.smallrye.mutiny.Multi;

/**
 * Turns a stream of records into a streamed HTTP download (docs/export.md), the one way every export is
 * written:
 * <ul>
 * <li>records are encoded in chunks of {@link #CHUNK_RECORDS}, and the next chunk is only asked for once
 * Vert.x has written the previous one to the socket, so a slow client slows the database cursor down
 * instead of filling memory;</li>
 * <li>the first chunk carries the preamble (BOM, header row), so a failure before any record is read (the
 * query, the database) still gets a problem+json answer; a failure after bytes were sent resets the
 * connection, so the client sees a broken transfer rather than a file that looks complete;</li>
 * <li>a client that disconnects cancels the stream, which closes the cursor and frees its connection;</li>
 * <li>at most {@code clientele.export.max-concurrent} exports run per replica (503 above), and an export
 * that could not send anything for {@code clientele.export.stall-timeout} is aborted.</li>
 * </ul>
 */
@ApplicationScoped
public class Exports {

    /** How a record becomes text in a given format. */
    public interface Encoder<T> {
        /** What opens the file (BOM, header row); empty for nothing. */
        String preamble();

        /** Appends one complete record, its line end included. */
        void append(StringBuilder out, T record);
    }

    static final int CHUNK_RECORDS = 100;

    private static final Logger LOG = Logger.getLogger(Exports.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final AtomicInteger running = new AtomicInteger();
    private final int maxConcurrent;
    private final Duration stallTimeout;

    Exports(ClienteleConfig config) {
        this.maxConcurrent = config.export().maxConcurrent();
        this.stallTimeout = config.export().stallTimeout();
    }

    /**
     * The download of {@code records}, named {@code <name>-<UTC timestamp>.<csv|ndjson>}. {@code records}
     * must be cold: it is subscribed once, when the response starts.
     */
    public <T> Multi<byte[]> download(String name, ExportFormat format, Multi<T> records, Encoder<T> encoder) {
        String filename = name + "-" + STAMP.format(Instant.now()) + "." + format.parameter();
        Multi<byte[]> body = Multi.createFrom().deferred(() -> {
            if (running.incrementAndGet() > maxConcurrent) {
                running.decrementAndGet();
                throw new ProblemException(ProblemType.SERVICE_UNAVAILABLE, "too many exports are running;"
                        + " retry in a minute").header("Retry-After", "60");
            }
            long started = System.nanoTime();
            AtomicLong count = new AtomicLong();
            AtomicBoolean first = new AtomicBoolean(true);
            byte[] preambleOnly = encoder.preamble().getBytes(StandardCharsets.UTF_8);
            return records.group().intoLists().of(CHUNK_RECORDS)
                    .map(chunk -> encode(chunk, first.getAndSet(false), encoder, count))
                    .onCompletion().ifEmpty().continueWith(preambleOnly.length == 0 ? List.of() : List.of(preambleOnly))
                    // Before the first chunk this is a 503 problem; later it resets the connection.
                    .ifNoItem().after(stallTimeout).failWith(() -> new ProblemException(
                            ProblemType.SERVICE_UNAVAILABLE, "the export made no progress for "
                                    + stallTimeout.toSeconds() + " s"))
                    .onTermination().invoke((failure, cancelled) -> {
                        running.decrementAndGet();
                        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
                        if (failure != null) {
                            LOG.warnf(failure, "export %s failed after %d records and %d ms", filename, count.get(), ms);
                        } else if (cancelled) {
                            LOG.infof("export %s cancelled by the client after %d records and %d ms", filename,
                                    count.get(), ms);
                        } else {
                            LOG.infof("export %s: %d records in %d ms", filename, count.get(), ms);
                        }
                    });
        });
        return RestMulti.fromMultiData(body)
                .header("Content-Type", format.contentType())
                .header("Content-Disposition", "attachment; filename=\"" + filename + "\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    private static <T> byte[] encode(List<T> chunk, boolean first, Encoder<T> encoder, AtomicLong count) {
        StringBuilder out = new StringBuilder(chunk.size() * 512);
        if (first) {
            out.append(encoder.preamble());
        }
        for (T record : chunk) {
            encoder.append(out, record);
        }
        count.addAndGet(chunk.size());
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
