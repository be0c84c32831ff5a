package io.clientele.service.survey.api;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;

import io.clientele.platform.errors.ProblemException;

/** Parameters shared by the customer-service reports (CSAT and SLA): periods and date bounds. */
public final class ReportPeriods {

    public static final Set<String> UNITS = Set.of("day", "week", "month");

    private ReportPeriods() {
    }

    public static LocalDate date(String name, String value) {
        if (value == null) {
            throw ProblemException.invalidParameter(name + ": is required (a date such as 2026-01-31)");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidParameter(name + ": must be a date such as 2026-01-31");
        }
    }
}
