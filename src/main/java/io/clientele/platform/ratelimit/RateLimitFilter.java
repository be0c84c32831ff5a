package io.clientele.platform.ratelimit;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.clientele.platform.config.ClienteleConfig;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.errors.Problems;
import io.clientele.platform.http.RequestIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.redis.client.Redis;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Applies the per-client and per-tenant limits to every authenticated API request, ahead of the resources, and
 * announces them with the IETF {@code RateLimit-Policy} / {@code RateLimit} fields. When Redis cannot answer in
 * {@code clientele.rate-limit.redis-timeout} the request is served unlimited (fail open), logged and counted.
 */
@ApplicationScoped
public class RateLimitFilter {

    private static final Logger LOG = Logger.getLogger(RateLimitFilter.class);
    static final String POLICY_HEADER = "RateLimit-Policy";
    static final String STATE_HEADER = "RateLimit";
    /** Log an outage at most this often; the counter records every request served unlimited. */
    private static final long LOG_EVERY_MS = 30_000;

    private final ClienteleConfig.RateLimit config;
    private final RateLimiter limiter;
    private final CurrentIdentityAssociation identities;
    private final Problems problems;
    private final Counter failOpen;
    private final Counter rejected;
    private final AtomicLong lastLogged = new AtomicLong();

    RateLimitFilter(ClienteleConfig config, Redis redis, CurrentIdentityAssociation identities, Problems problems,
            MeterRegistry registry) {
        this.config = config.rateLimit();
        this.limiter = new RateLimiter(redis);
        this.identities = identities;
        this.problems = problems;
        this.failOpen = registry.counter("clientele.ratelimit.unchecked", "reason", "redis-unavailable");
        this.rejected = registry.counter("clientele.ratelimit.rejected");
    }

    @ServerRequestFilter
    Uni<Response> limit(RoutingContext ctx) {
        if (!config.enabled()) {
            return Uni.createFrom().nullItem();
        }
        // Anonymous or invalid tokens are left to the security layer (401); they carry no tenant to count.
        return identities.getDeferredIdentity().onFailure().recoverWithNull()
                .chain(identity -> {
                    List<RateLimiter.Limit> limits = limitsFor(identity);
                    if (limits.isEmpty()) {
                        return Uni.createFrom().nullItem();
                    }
                    return limiter.check(limits)
                            .ifNoItem().after(config.redisTimeout()).fail()
                            .map(decision -> apply(ctx, decision))
                            .onFailure().recoverWithItem(failure -> {
                                unchecked(failure);
                                return null;
                            });
                });
    }

    List<RateLimiter.Limit> limitsFor(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return List.of();
        }
        Object claim = jwt.getClaim("tenant_id");
        if (claim == null) {
            return List.of();
        }
        String tenant = claim.toString().replace("\"", "");
        String azp = jwt.getClaim("azp");
        String client = azp != null ? azp : jwt.getSubject();
        ClienteleConfig.RateLimit.Limit clientLimit = config.clients().getOrDefault(client, config.client());
        ClienteleConfig.RateLimit.Limit tenantLimit = config.tenants().getOrDefault(tenant, config.tenant());
        return List.of(
                new RateLimiter.Limit("client", "rl:" + tenant + ":c:" + client, clientLimit.quota(),
                        clientLimit.window()),
                new RateLimiter.Limit("tenant", "rl:" + tenant + ":t", tenantLimit.quota(), tenantLimit.window()));
    }

    private Response apply(RoutingContext ctx, RateLimiter.Decision decision) {
        ctx.response().putHeader(POLICY_HEADER, policy(decision));
        ctx.response().putHeader(STATE_HEADER, state(decision));
        if (decision.admitted()) {
            return null;
        }
        rejected.increment();
        long retrySeconds = Math.max(1, (decision.retryAfterMillis() + 999) / 1000);
        String which = decision.states().stream().filter(s -> !s.admitted()).map(s -> s.limit().name())
                .collect(Collectors.joining(" and "));
        ProblemException problem = new ProblemException(ProblemType.TOO_MANY_REQUESTS,
                "the " + which + " request quota is used up; retry in " + retrySeconds + " s")
                .with("retryAfterSeconds", retrySeconds)
                .header("Retry-After", Long.toString(retrySeconds));
        return problems.response(problem, ctx.request().path(), RequestIds.of(ctx.request()));
    }

    static String policy(RateLimiter.Decision decision) {
        return decision.states().stream().map(s -> "\"" + s.limit().name() + "\";q=" + s.limit().quota() + ";w="
                + Math.max(1, s.limit().window().toSeconds())).collect(Collectors.joining(", "));
    }

    static String state(RateLimiter.Decision decision) {
        return decision.states().stream().map(s -> "\"" + s.limit().name() + "\";r=" + s.remaining() + ";t="
                + (s.resetMillis() + 999) / 1000).collect(Collectors.joining(", "));
    }

    private void unchecked(Throwable failure) {
        failOpen.increment();
        long now = System.currentTimeMillis();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_MS && lastLogged.compareAndSet(last, now)) {
            LOG.warnf("rate limits not enforced: Redis did not answer (%s); serving requests unlimited",
                    failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
        }
    }
}
