package io.clientele.platform.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Generic cell rate algorithm over several limits at once, evaluated by one Lua script in Redis so every replica
 * sharing the Redis shares the counters. A request is admitted only if every limit admits it (all or nothing);
 * a rejected request consumes nothing. The clock is Redis's own {@code TIME}, so replica clocks do not matter.
 */
public final class RateLimiter {

    /** One limit: {@code quota} requests per {@code window}, with bursts up to the whole quota. */
    public record Limit(String name, String key, int quota, Duration window) {
    }

    /** What one limit says about this request; {@code resetMillis} is when its quota is full again. */
    public record State(Limit limit, boolean admitted, long remaining, long resetMillis, long retryAfterMillis) {
    }

    /** The verdict over all limits. */
    public record Decision(boolean admitted, List<State> states) {

        public long retryAfterMillis() {
            return states.stream().mapToLong(State::retryAfterMillis).max().orElse(0);
        }
    }

    // KEYS: one per limit. ARGV: per limit its window (ms) and quota. Returns per limit: admitted, remaining,
    // reset (ms), retry after (ms). The theoretical arrival time (TAT) per key is the only state.
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local n = #KEYS
            local cur, nxt, ok = {}, {}, true
            for i = 1, n do
              local window = tonumber(ARGV[2 * i - 1])
              local interval = window / tonumber(ARGV[2 * i])
              local tat = tonumber(redis.call('GET', KEYS[i]) or now)
              if tat < now then tat = now end
              cur[i] = tat
              nxt[i] = tat + interval
              if nxt[i] - now > window then ok = false end
            end
            local out = {}
            for i = 1, n do
              local window = tonumber(ARGV[2 * i - 1])
              local interval = window / tonumber(ARGV[2 * i])
              local tat = cur[i]
              if ok then
                tat = nxt[i]
                redis.call('SET', KEYS[i], string.format('%.3f', tat), 'PX', math.ceil(tat - now))
              end
              local admitted = (nxt[i] - now <= window) and 1 or 0
              local retry = 0
              if admitted == 0 then retry = math.ceil(nxt[i] - now - window) end
              out[#out + 1] = admitted
              out[#out + 1] = math.max(0, math.floor((window - (tat - now)) / interval))
              out[#out + 1] = math.ceil(tat - now)
              out[#out + 1] = retry
            end
            return out
            """;

    private final Redis redis;
    private volatile String sha;

    public RateLimiter(Redis redis) {
        this.redis = redis;
    }

    /** Asks Redis about {@code limits}; fails when Redis does (the caller decides to fail open). */
    public Uni<Decision> check(List<Limit> limits) {
        String known = sha;
        Uni<Response> reply = known == null ? eval(limits)
                : send(Command.EVALSHA, known, limits).onFailure(RateLimiter::noScript).recoverWithUni(() -> eval(limits));
        return reply.map(r -> decide(limits, r));
    }

    private Uni<Response> eval(List<Limit> limits) {
        // EVAL caches the script in Redis; remember its digest so later calls send 40 bytes instead of the script.
        return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT))
                .invoke(r -> sha = r.toString())
                .chain(r -> send(Command.EVALSHA, r.toString(), limits));
    }

    private Uni<Response> send(Command command, String script, List<Limit> limits) {
        Request request = Request.cmd(command).arg(script).arg(limits.size());
        for (Limit limit : limits) {
            request.arg(limit.key());
        }
        for (Limit limit : limits) {
            request.arg(limit.window().toMillis()).arg(limit.quota());
        }
        return redis.send(request);
    }

    private static boolean noScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    private static Decision decide(List<Limit> limits, Response reply) {
        List<State> states = new ArrayList<>(limits.size());
        boolean admitted = true;
        for (int i = 0; i < limits.size(); i++) {
            boolean ok = reply.get(4 * i).toLong() == 1;
            admitted &= ok;
            states.add(new State(limits.get(i), ok, reply.get(4 * i + 1).toLong(), reply.get(4 * i + 2).toLong(),
                    reply.get(4 * i + 3).toLong()));
        }
        return new Decision(admitted, states);
    }
}
