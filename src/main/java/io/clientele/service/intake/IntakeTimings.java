package io.clientele.service.intake;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * Where intake's time goes, per phase of a batch transaction, summed over batches and logged every
 * {@link #EVERY} messages (as the import worker logs its chunk timings): the figures behind docs/benchmarks.md.
 */
@ApplicationScoped
public class IntakeTimings {

    private static final Logger LOG = Logger.getLogger(IntakeTimings.class);
    static final int EVERY = 5_000;

    /** One batch's phases in nanoseconds, and what it did. */
    static final class Batch {
        long lock;
        long lookup;
        long decide;
        long write;
        long listeners;
        int messages;
        int created;
        int requestersCreated;
        int joinedOlder;
    }

    private final Batch sum = new Batch();
    private long parse;
    private long total;
    private int batches;

    /** Adds a batch's phases (called inside its transaction, so before the commit). */
    synchronized void add(Batch b) {
        sum.lock += b.lock;
        sum.lookup += b.lookup;
        sum.decide += b.decide;
        sum.write += b.write;
        sum.listeners += b.listeners;
        sum.messages += b.messages;
        sum.created += b.created;
        sum.requestersCreated += b.requestersCreated;
        sum.joinedOlder += b.joinedOlder;
    }

    /** Adds a consumed poll: parsing, and the whole transaction including its commit; logs every EVERY messages. */
    synchronized void consumed(long parseNanos, long totalNanos) {
        parse += parseNanos;
        total += totalNanos;
        batches++;
        if (sum.messages >= EVERY) {
            LOG.infof("intake timings: %d messages in %d batches (%d tickets created, %d requesters created,"
                    + " %d joined older tickets); ms: parse %d, lock %d, look-up %d, decide %d, write %d,"
                    + " listeners %d, commit and rest %d, total %d", sum.messages, batches, sum.created,
                    sum.requestersCreated, sum.joinedOlder, ms(parse), ms(sum.lock), ms(sum.lookup), ms(sum.decide),
                    ms(sum.write), ms(sum.listeners),
                    ms(total - sum.lock - sum.lookup - sum.decide - sum.write - sum.listeners), ms(parse + total));
            sum.lock = 0;
            sum.lookup = 0;
            sum.decide = 0;
            sum.write = 0;
            sum.listeners = 0;
            sum.messages = 0;
            sum.created = 0;
            sum.requestersCreated = 0;
            sum.joinedOlder = 0;
            parse = 0;
            total = 0;
            batches = 0;
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
