package io.clientele.platform.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
    }

    interface Intake {
        /** Attempts at one intake record that keeps failing (after its batch failed) before it is dead-lettered. */
        @WithDefault("3")
        int maxAttempts();

        /** Wait before the second attempt; each later attempt waits this much longer. */
        @WithDefault("200ms")
        Duration retryBackoff();
    }

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
