package io.clientele.platform.http;

import java.util.UUID;
import java.util.regex.Pattern;

import io.vertx.core.http.HttpServerRequest;

/** The correlation id of a request: the caller's X-Request-Id when it is sane, a new UUID otherwise. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    static String accept(String candidate) {
        return candidate != null && SANE.matcher(candidate).matches() ? candidate : UUID.randomUUID().toString();
    }

    public static String of(HttpServerRequest request) {
        return request.getHeader(HEADER);
    }
}
