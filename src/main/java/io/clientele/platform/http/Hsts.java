package io.clientele.platform.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.clientele.platform.config.ClienteleConfig;
import io.vertx.ext.web.Router;

/**
 * Strict-Transport-Security on every response to a request that reached this service over TLS (RFC 6797 forbids
 * it on plain HTTP, where it would be ignored anyway). When TLS ends at an ingress, the ingress sends it instead.
 */
@ApplicationScoped
public class Hsts {

    static final String HEADER = "Strict-Transport-Security";

    private final String value;

    Hsts(ClienteleConfig config) {
        var hsts = config.hsts();
        this.value = hsts.enabled()
                ? "max-age=" + hsts.maxAge().toSeconds() + (hsts.includeSubdomains() ? "; includeSubDomains" : "")
                : null;
    }

    void install(@Observes Router router) {
        if (value == null) {
            return;
        }
        router.route().order(Integer.MIN_VALUE + 2).handler(ctx -> {
            if (ctx.request().isSSL()) {
                ctx.response().putHeader(HEADER, value);
            }
            ctx.next();
        });
    }
}
