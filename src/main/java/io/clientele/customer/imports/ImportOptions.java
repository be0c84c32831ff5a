package io.clientele.customer.imports;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The {@code options} of an import as the client sends them (multipart part or query parameters); checked
 * by {@link ImportMapping#of}. Reflection: read and written by Jackson.
 */
@RegisterForReflection
public record ImportOptions(
        String format,
        Map<String, String> mapping,
        Map<String, Object> defaults,
        String defaultRegion,
        String duplicatePolicy,
        List<String> matchOn,
        String fuzzy) {

    public ImportOptions(String format, Map<String, String> mapping, Map<String, Object> defaults, String defaultRegion,
            String duplicatePolicy, List<String> matchOn) {
        this(format, mapping, defaults, defaultRegion, duplicatePolicy, matchOn, null);
    }
}
