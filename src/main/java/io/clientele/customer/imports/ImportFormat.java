package io.clientele.customer.imports;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The file formats an import accepts. */
public enum ImportFormat {
    CSV("text/csv"), NDJSON("application/x-ndjson");

    public static final List<String> API_NAMES = Arrays.stream(values()).map(ImportFormat::apiName).toList();

    private final String mediaType;

    ImportFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String mediaType() {
        return mediaType;
    }

    public static ImportFormat of(String apiName) {
        return valueOf(apiName.toUpperCase(Locale.ROOT));
    }
}
