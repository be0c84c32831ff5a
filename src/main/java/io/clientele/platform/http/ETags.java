package io.clientele.platform.http;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;

/** Strong entity tags derived from a record's version, and the If-Match / If-None-Match checks. */
public final class ETags {

    private ETags() {
    }

    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /** The same tag as a JAX-RS header value. */
    public static EntityTag tag(long version) {
        return new EntityTag(String.valueOf(version));
    }

    /** The If-Match precondition of a write; absent is a 428, since blind overwrites lose updates. */
    public static Precondition requireIfMatch(String header) {
        if (header == null || header.isBlank()) {
            throw new ProblemException(ProblemType.PRECONDITION_REQUIRED,
                    "send If-Match with the ETag of the version you read, or * to overwrite any version");
        }
        return Precondition.parse(header);
    }

    /** True when If-None-Match names the current version (weak comparison, RFC 9110 13.1.2). */
    public static boolean noneMatch(String header, long version) {
        if (header == null || header.isBlank()) {
            return false;
        }
        String current = of(version);
        for (String tag : header.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(current) || t.equals("W/" + current)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The answer to a conditional read: a body-less 304 when If-None-Match names the current version, else 200
     * with the body (built only then) and its ETag.
     */
    public static Response read(String ifNoneMatch, long version, Supplier<Object> body) {
        if (noneMatch(ifNoneMatch, version)) {
            return Response.notModified(tag(version)).build();
        }
        return Response.ok(body.get()).tag(tag(version)).build();
    }

    /** A parsed If-Match: strong comparison, so weak tags never match (RFC 9110 13.1.1). */
    public record Precondition(boolean any, List<String> tags) {

        static Precondition parse(String header) {
            if (header.trim().equals("*")) {
                return new Precondition(true, List.of());
            }
            List<String> tags = new ArrayList<>();
            for (String tag : header.split(",")) {
                String t = tag.trim();
                if (!(t.startsWith("W/\"") || t.startsWith("\"")) || !t.endsWith("\"") || t.length() < 2) {
                    throw ProblemException.invalidParameter("If-Match must be * or a list of quoted entity tags");
                }
                tags.add(t);
            }
            return new Precondition(false, tags);
        }

        public void check(long version) {
            if (!any && !tags.contains(of(version))) {
                throw new ProblemException(ProblemType.PRECONDITION_FAILED,
                        "the record has changed since you read it (current ETag " + of(version) + ")");
            }
        }
    }
}
