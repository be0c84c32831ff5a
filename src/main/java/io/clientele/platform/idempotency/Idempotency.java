package io.clientele.platform.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Honours {@code Idempotency-Key} on POST. The key is claimed by an INSERT in the same database
 * transaction as the change it guards: a concurrent duplicate blocks on the unique key until the
 * first commits, then replays its stored response; a rolled-back attempt leaves no trace. Redis
 * only caches completed responses, so losing it costs a database read, never a duplicate.
 */
@ApplicationScoped
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    private static final Logger LOG = Logger.getLogger(Idempotency.class);
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final List<String> REPLAYED_HEADERS = List.of("Location", "ETag", "Content-Type");

    private final ObjectMapper mapper;
    private final ObjectMapper canonical;
    private final ReactiveValueCommands<String, String> redis;
    private final ClienteleConfig config;

    Idempotency(ObjectMapper mapper, ReactiveRedisDataSource redis, ClienteleConfig config) {
        this.mapper = mapper;
        // Sorted keys make the fingerprint independent of the client's field order and whitespace.
        this.canonical = mapper.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                .configure(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true);
        this.redis = redis.value(String.class);
        this.config = config;
    }

    record Stored(String hash, int status, Map<String, String> headers, String body) {
    }

    /**
     * Runs {@code operation} at most once per key. {@code request} is the parsed body; its canonical
     * JSON together with {@code route} decides whether a retry is "the same request".
     */
    public Uni<Response> run(Caller caller, String key, String route, Object request,
            Supplier<Uni<Response>> operation) {
        if (key == null) {
            return Panache.withTransaction(operation);
        }
        if (!KEY.matcher(key).matches()) {
            throw ProblemException.invalidParameter(
                    "Idempotency-Key must be 1 to 255 visible ASCII characters");
        }
        String hash = fingerprint(route, request);
        String cacheKey = "idem:" + caller.tenantId() + ":" + caller.principal() + ":" + key;
        return cached(cacheKey).chain(hit -> {
            if (hit != null) {
                return Uni.createFrom().item(replay(hit, hash));
            }
            return Panache.withTransaction(() -> claim(caller, key, hash).chain(claimed -> claimed
                    ? operation.get().chain(response -> remember(caller, key, hash, response))
                    : load(caller, key).map(stored -> replay(stored, hash))))
                    .call(response -> cache(cacheKey, hash, response));
        });
    }

    private Uni<Boolean> claim(Caller caller, String key, String hash) {
        // An expired row is taken over rather than answered with a stale response.
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO idempotency_key (tenant_id, principal, idem_key, request_hash)
                VALUES (:tenant, :principal, :key, :hash)
                ON CONFLICT (tenant_id, principal, idem_key) DO UPDATE
                   SET request_hash = EXCLUDED.request_hash, response_status = NULL,
                       response_headers = NULL, response_body = NULL, created_at = now()
                 WHERE idempotency_key.created_at < now() - make_interval(secs => :retention)
                """)
                .setParameter("tenant", caller.tenantId())
                .setParameter("principal", caller.principal())
                .setParameter("key", key)
                .setParameter("hash", hash)
                .setParameter("retention", (double) config.idempotency().retention().toSeconds())
                .executeUpdate()
                .map(rows -> rows == 1));
    }

    private Uni<Stored> load(Caller caller, String key) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT request_hash, response_status, response_headers, response_body
                  FROM idempotency_key WHERE tenant_id = :tenant AND principal = :principal AND idem_key = :key
                """, Object[].class)
                .setParameter("tenant", caller.tenantId())
                .setParameter("principal", caller.principal())
                .setParameter("key", key)
                .getSingleResult()
                .map(row -> new Stored((String) row[0], ((Number) row[1]).intValue(),
                        readHeaders((String) row[2]), (String) row[3])));
    }

    private Uni<Response> remember(Caller caller, String key, String hash, Response response) {
        Stored stored = snapshot(hash, response);
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE idempotency_key SET response_status = :status, response_headers = :headers,
                       response_body = :body
                 WHERE tenant_id = :tenant AND principal = :principal AND idem_key = :key
                """)
                .setParameter("status", stored.status())
                .setParameter("headers", writeHeaders(stored.headers()))
                .setParameter("body", stored.body())
                .setParameter("tenant", caller.tenantId())
                .setParameter("principal", caller.principal())
                .setParameter("key", key)
                .executeUpdate())
                .replaceWith(toResponse(stored, false));
    }

    private Stored snapshot(String hash, Response response) {
        Map<String, String> headers = headersOf(response);
        headers.putIfAbsent("Content-Type", "application/json");
        Object entity = response.getEntity();
        String body;
        try {
            body = entity == null ? null : entity instanceof String s ? s : mapper.writeValueAsString(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response entity is not serialisable", e);
        }
        return new Stored(hash, response.getStatus(), headers, body);
    }

    private static Response toResponse(Stored stored, boolean replayed) {
        Response.ResponseBuilder builder = Response.status(stored.status()).entity(stored.body());
        stored.headers().forEach(builder::header);
        if (replayed) {
            builder.header(REPLAYED_HEADER, "true");
        }
        return builder.build();
    }

    private static Response replay(Stored stored, String hash) {
        if (!stored.hash().equals(hash)) {
            throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "this Idempotency-Key was already used with a different request");
        }
        return toResponse(stored, true);
    }

    private Uni<Stored> cached(String cacheKey) {
        return redis.get(cacheKey)
                .map(json -> json == null ? null : readStored(json))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("idempotency cache unavailable: %s", failure.getMessage());
                    return null;
                });
    }

    private Uni<Void> cache(String cacheKey, String hash, Response response) {
        Stored stored = new Stored(hash, response.getStatus(), headersOf(response), (String) response.getEntity());
        String json;
        try {
            json = mapper.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return redis.setex(cacheKey, config.idempotency().retention().toSeconds(), json)
                .onFailure().recoverWithNull();
    }

    private static Map<String, String> headersOf(Response response) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : REPLAYED_HEADERS) {
            String value = response.getHeaderString(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return headers;
    }

    private Stored readStored(String json) {
        try {
            return mapper.readValue(json, Stored.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private Map<String, String> readHeaders(String json) {
        try {
            return json == null ? Map.of() : mapper.readValue(json, new TypeReference<Map<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String writeHeaders(Map<String, String> headers) {
        try {
            return mapper.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String fingerprint(String route, Object request) {
        try {
            // Maps (unlike JsonNode trees) are written with sorted keys at every depth.
            byte[] json = canonical.writeValueAsBytes(canonical.convertValue(request, Object.class));
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(route.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
            digest.update(json);
            return HexFormat.of().formatHex(digest.digest());
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets keys past their retention; any replica may run it, the DELETE is idempotent. */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery(
                "DELETE FROM idempotency_key WHERE created_at < now() - make_interval(secs => :retention)")
                .setParameter("retention", (double) config.idempotency().retention().toSeconds())
                .executeUpdate())).replaceWithVoid();
    }
}
