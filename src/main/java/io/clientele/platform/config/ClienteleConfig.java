package io.clientele.platform.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.clientele.platform.security.VisibilityLevel;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed configuration of the service (`clientele.*`); defaults live in application.properties. */
@ConfigMapping(prefix = "clientele")
public interface ClienteleConfig {

    Cursor cursor();

    Export export();

    Http http();

    Idempotency idempotency();

    Outbox outbox();

    Security security();

    Duplicates duplicates();

    Imports imports();

    Sales sales();

    RateLimit rateLimit();

    Webhooks webhooks();

    Crypto crypto();

    Audit audit();

    Hsts hsts();
    Intake intake();

    Assignment assignment();

    Surveys surveys();

    Sla sla();

    interface Cursor {
        /** HMAC secret that makes pagination cursors tamper-evident; at least 32 bytes. */
        String secret();
    }

    interface Export {
        /** Exports one replica streams at a time; each holds a database connection until it ends (503 above). */
        @WithDefault("4")
        int maxConcurrent();

        /** Rows read from the database cursor per round trip. */
        @WithDefault("500")
        int fetchSize();

        /** An export that could send nothing for this long (a client that stopped reading) is aborted. */
        @WithDefault("60s")
        Duration stallTimeout();
    }

    interface Http {
        /** Largest accepted request body in bytes (413 problem+json above it). */
        @WithDefault("262144")
        long maxJsonBody();
    }

    interface Idempotency {
        /** How long an Idempotency-Key and its response are remembered. */
        @WithDefault("24H")
        Duration retention();
    }

    interface Outbox {
        /** How often the relay looks for unpublished events. */
        @WithDefault("100ms")
        Duration pollInterval();

        /** Most events published per relay transaction. */
        @WithDefault("500")
        int batchSize();
    }

    interface Imports {
        /** Largest accepted upload in bytes for POST /v1/imports (413 problem+json above it). */
        @WithDefault("104857600")
        long maxUploadBytes();

        /** Rows per chunk: the unit of work committed in one transaction (with progress and errors). */
        @WithDefault("2000")
        int chunkRows();

        /** How often an idle worker looks for queued jobs (and for jobs whose worker died). */
        @WithDefault("500ms")
        Duration pollInterval();

        /** How long a worker holds a job without committing a chunk before another replica may take it over. */
        @WithDefault("60s")
        Duration lease();

        /** Failed attempts at the same chunk before the job is marked failed. */
        @WithDefault("3")
        int maxAttempts();

        /** Whether this replica processes import jobs (uploads and reads work either way). */
        @WithDefault("true")
        boolean workerEnabled();
    }

    interface Security {
        /** Permissions granted by each realm role, e.g. `admin=customers:read,customers:write`. */
        Map<String, List<String>> rolePermissions();

        /**
         * Record visibility per resource and role: `visibility.opportunities.sales=own` (own, team or all). The
         * widest of a caller's roles wins; a role without an entry sees only the records it owns.
         */
        Map<String, Map<String, VisibilityLevel>> visibility();
    }

    /** Defaults for tenants that have not set their own duplicate-checking settings. */
    interface Duplicates {
        /** Score from which the match endpoint reports a candidate. */
        @WithDefault("0.5")
        double possibleThreshold();

        /** Score from which a candidate counts as a duplicate for the reject and merge policies. */
        @WithDefault("0.8")
        double likelyThreshold();

        /** What a create does about likely duplicates when the request does not say: allow, reject or merge. */
        @WithDefault("allow")
        String createPolicy();

        /** What an update does about likely duplicates when the request does not say: allow or reject. */
        @WithDefault("allow")
        String updatePolicy();

        /** Most stored rows re-keyed per batch after the matching algorithm changed. */
        @WithDefault("500")
        int rekeyBatchSize();

        /**
         * Largest block (customers sharing one blocking key) the match probe reads; keys estimated to be shared by
         * more are skipped (contacts and the other keys still find candidates). docs/duplicates.md.
         */
        @WithDefault("300")
        int blockCap();

        /** About how many customers the common-key estimate samples (all of them in a smaller table). */
        @WithDefault("50000")
        int commonKeysSample();

        /**
         * How often a replica checks whether the common-key estimate is due: it re-estimates when the customer table
         * changed by more than 5% of its rows since its last estimate (and once after start).
         */
        @WithDefault("5m")
        Duration commonKeysRefresh();
    }

    /** Sales opportunities (docs/sales.md). */
    interface Sales {

        Reminders reminders();

        WinModel winModel();

        /** Follow-up reminders: task.due, task.overdue and opportunity.stale through the outbox. */
        interface Reminders {
            /** Whether this replica scans for due work (every replica may; rows are claimed with row locks). */
            @WithDefault("true")
            boolean enabled();

            /** How often a replica scans. */
            @WithDefault("30s")
            Duration interval();

            /** Most reminders of each kind claimed per scan and transaction. */
            @WithDefault("500")
            int batchSize();

            /** How long after its due time an open task counts as overdue (task.overdue). */
            @WithDefault("1h")
            Duration overdueAfter();
        }

        /** The per-tenant win-probability model. */
        interface WinModel {
            /** Closed opportunities (won and lost together) a tenant needs before a model is trained. */
            @WithDefault("40")
            int minClosed();

            /** A tenant's model older than this is retrained by the scheduled job. */
            @WithDefault("24h")
            Duration retrainInterval();

            /** How often a replica looks for tenants whose model is due for retraining. */
            @WithDefault("1h")
            Duration scheduleCheck();
        }
    }

    /** Request limits per OAuth client and per tenant, shared by all replicas through Redis (docs/rate-limits.md). */
    interface RateLimit {
        /** Whether authenticated API requests are limited at all. */
        @WithDefault("true")
        boolean enabled();

        /** Default limit of one OAuth client (token {@code azp}, else subject) within one tenant. */
        Limit client();

        /** Default limit of one tenant, all its clients together. */
        Limit tenant();

        /** Per-client overrides of {@link #client()}, keyed by client id. */
        Map<String, Limit> clients();

        /** Per-tenant overrides of {@link #tenant()}, keyed by tenant id. */
        Map<String, Limit> tenants();

        /** How long a request waits for Redis before it is served unlimited (fail open). */
        @WithDefault("250ms")
        Duration redisTimeout();

        interface Limit {
            /** Requests allowed per window; a burst may use the whole quota at once. */
            int quota();

            /** The window the quota refills over, evenly (GCRA). */
            Duration window();
        }
    }

    /** Outgoing webhooks (docs/webhooks.md). */
    interface Webhooks {
        /**
         * A PEM file of CA or self-signed certificates trusted for HTTPS receivers in addition to the JVM's default
         * trust (a private CA of a partner network, a test receiver).
         */
        Optional<String> trustCertificates();

        /** Whether this replica delivers webhooks (subscriptions and fan-out work either way). */
        @WithDefault("true")
        boolean workerEnabled();

        /** How often an idle delivery worker looks for due deliveries. */
        @WithDefault("500ms")
        Duration pollInterval();

        /** Deliveries claimed per worker round trip. */
        @WithDefault("50")
        int batchSize();

        /** Receiver deadline for one attempt (connect plus response). */
        @WithDefault("10s")
        Duration timeout();

        /** How long a claimed delivery stays with a replica before another may take it over (crash recovery). */
        @WithDefault("60s")
        Duration lease();

        /** First retry delay; each further one doubles, capped by {@link #maxBackoff()}, with full jitter. */
        @WithDefault("30s")
        Duration initialBackoff();

        /** Longest delay between two attempts. */
        @WithDefault("1h")
        Duration maxBackoff();

        /** How long a delivery is retried after its first attempt before it is given up. */
        @WithDefault("25h")
        Duration retryWindow();

        /** Default overlap during which a rotated-out secret still signs deliveries. */
        @WithDefault("24h")
        Duration rotationOverlap();

        /** Refuse receivers that resolve to loopback, private, link-local or other internal addresses. */
        @WithDefault("true")
        boolean blockPrivateAddresses();

        /** Test/local only: accept {@code http://127.0.0.1} and {@code http://localhost} URLs (never in production). */
        @WithDefault("false")
        boolean allowInsecureLoopback();

        /** Most subscriptions per tenant. */
        @WithDefault("100")
        int maxSubscriptionsPerTenant();
    }

    /** Field encryption at rest (docs/security.md): AES-256-GCM keys by version, and the blind-index key. */
    interface Crypto {
        /** Base64 of 32 random bytes per key version, e.g. `keys.1=...`; old versions stay until re-encrypted. */
        Map<String, String> keys();

        /** The version new values are encrypted with; must be one of {@link #keys()}. */
        int activeVersion();

        /**
         * Base64 of at least 32 random bytes: HMAC key of the blind indexes (equality look-ups), as version 1.
         * Deployments that rotate the index key use {@link #blindIndexKeys()} instead (not both).
         */
        Optional<String> blindIndexKey();

        /** Blind-index keys by version, e.g. `blind-index-keys.2=...`; old versions stay until re-indexed. */
        Map<String, String> blindIndexKeys();

        /** The blind-index key version new indexes are computed with (default 1). */
        java.util.OptionalInt blindIndexActiveVersion();

        Reencrypt reencrypt();

        interface Reencrypt {
            /** Whether this replica moves values under older key versions to the active one. */
            @WithDefault("true")
            boolean enabled();

            /** How often the re-encryption job looks for values under older key versions. */
            @WithDefault("10s")
            Duration interval();

            /** Rows re-encrypted per transaction (locked with FOR UPDATE SKIP LOCKED). */
            @WithDefault("200")
            int batchSize();
        }
    }

    /** The audit log of writes and denied accesses (docs/security.md). */
    interface Audit {
        /** Whether requests are recorded; switch off only for benchmarks of the bare API. */
        @WithDefault("true")
        boolean enabled();
    }

    /** Strict-Transport-Security on responses to requests that arrived over TLS at this service. */
    interface Hsts {
        /** Whether the header is sent on HTTPS responses (never on plain HTTP ones). */
        @WithDefault("true")
        boolean enabled();

        /** The max-age directive. */
        @WithDefault("P365D")
        Duration maxAge();

        /** Whether includeSubDomains is added. */
        @WithDefault("true")
        boolean includeSubdomains();
    }

    /** Ticket intake from the channel topics and the REST intake (docs/tickets.md). */
    interface Intake {
        /** Attempts at one intake record that keeps failing (after its batch failed) before it is dead-lettered. */
        @WithDefault("3")
        int maxAttempts();

        /** Wait before the second attempt; each later attempt waits this much longer. */
        @WithDefault("200ms")
        Duration retryBackoff();

        /**
         * How long a dedupe receipt (event id, Message-ID, call id) is kept; a re-send older than this is treated
         * as new. Keep it well above any gateway's redelivery window and the intake topics' Kafka retention.
         */
        @WithDefault("720H")
        Duration receiptRetention();

        /** How often a replica deletes expired receipts. */
        @WithDefault("1H")
        Duration receiptPurgeInterval();

        /** Expired receipts deleted per transaction by the purge. */
        @WithDefault("5000")
        int receiptPurgeBatchSize();
    }

    /** Automatic ticket assignment (docs/tickets.md). */
    interface Assignment {
        /** Open tickets a team member without a service agent profile takes before counting as at capacity. */
        @WithDefault("10")
        int defaultCapacity();
    }

    /** CSAT surveys (docs/customer-service.md). */
    interface Surveys {
        /** HMAC key that signs public survey links; at least 32 bytes, shared by all replicas. */
        String signingKey();

        /** How long a survey link can be answered after the ticket was solved. */
        @WithDefault("336H")
        Duration linkTtl();

        /** Base URL the public survey links in survey.created events start with. */
        @WithDefault("http://localhost:8080")
        String publicBaseUrl();
    }

    /** SLA clocks (docs/customer-service.md). */
    interface Sla {
        /** How often a replica looks for SLA warnings and breaches that have come due. */
        @WithDefault("5s")
        Duration pollInterval();

        /** Most due SLA clocks one replica claims per transaction. */
        @WithDefault("200")
        int batchSize();

        /** Whether this replica runs the SLA scheduler (the API works either way). */
        @WithDefault("true")
        boolean schedulerEnabled();
    }
}
