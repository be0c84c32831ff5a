package io.clientele.platform.export;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;

/** The formats a streaming export is written in, and how a request chooses one. */
public enum ExportFormat {
    CSV("csv", "text/csv", "text/csv; charset=UTF-8"),
    NDJSON("ndjson", "application/x-ndjson", "application/x-ndjson");

    private final String parameter;
    private final String mediaType;
    private final String contentType;

    ExportFormat(String parameter, String mediaType, String contentType) {
        this.parameter = parameter;
        this.mediaType = mediaType;
        this.contentType = contentType;
    }

    /** Value of the {@code format} parameter, also the file extension. */
    public String parameter() {
        return parameter;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The Content-Type header of the response. */
    public String contentType() {
        return contentType;
    }

    /**
     * The {@code format} parameter when given (it wins over {@code Accept}, so a link can choose), otherwise
     * the client's preferred format in {@code Accept}; CSV when neither says. A bad parameter is a 400, an
     * {@code Accept} that excludes both formats a 406.
     */
    public static ExportFormat choose(String formatParam, String accept) {
        if (formatParam != null) {
            for (ExportFormat f : values()) {
                if (f.parameter.equals(formatParam.strip().toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            throw ProblemException.invalidParameter("format must be csv or ndjson");
        }
        if (accept == null || accept.isBlank()) {
            return CSV;
        }
        List<Range> ranges = new ArrayList<>();
        for (String part : accept.split(",")) {
            Range range = Range.parse(part);
            if (range != null && range.quality > 0) {
                ranges.add(range);
            }
        }
        // Stable sort: among equal qualities the client's order decides.
        ranges.sort(Comparator.comparingDouble((Range r) -> r.quality).reversed());
        for (Range range : ranges) {
            for (ExportFormat f : values()) {
                if (range.matches(f.mediaType)) {
                    return f;
                }
            }
        }
        throw new ProblemException(ProblemType.NOT_ACCEPTABLE,
                "this resource produces text/csv or application/x-ndjson; choose one with Accept or format");
    }

    private record Range(String type, String subtype, double quality) {

        static Range parse(String text) {
            String[] parts = text.split(";");
            String media = parts[0].strip().toLowerCase(Locale.ROOT);
            int slash = media.indexOf('/');
            if (slash <= 0 || slash == media.length() - 1) {
                return null;
            }
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip();
                if (p.startsWith("q=") || p.startsWith("Q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2).strip());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
            return new Range(media.substring(0, slash), media.substring(slash + 1), q);
        }

        boolean matches(String mediaType) {
            int slash = mediaType.indexOf('/');
            return (type.equals("*") || type.equals(mediaType.substring(0, slash)))
                    && (subtype.equals("*") || subtype.equals(mediaType.substring(slash + 1)));
        }
    }
}
