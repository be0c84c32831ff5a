package io.clientele.sales.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;

import io.clientele.platform.errors.ProblemException;

/** Query parameters of the sales endpoints that the server parses itself (400 invalid-parameter). */
final class SalesParams {

    private SalesParams() {
    }

    /** An RFC 3339 date-time, or a date meaning its start in UTC; null when absent. */
    static Instant instantOrDate(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw ProblemException.invalidParameter(name + " must be a date (2026-01-31) or an RFC 3339"
                        + " date-time");
            }
        }
    }

    static UUID uuid(String name, String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidParameter(name + " must be a UUID");
        }
    }
}
