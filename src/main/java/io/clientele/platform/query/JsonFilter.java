package io.clientele.platform.query;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Evaluates a parsed filter against a JSON document in memory (webhook payloads), with the rules of custom
 * attributes in docs/filtering.md: a selector is a dotted path from the document root; {@code ==}, {@code !=},
 * {@code =in=}, {@code =out=} and {@code =like=} compare the value's text form; ordering compares numerically when
 * both sides are numbers, else as text; a path that is missing or {@code null} only matches {@code =isnull=true},
 * {@code !=} and {@code =out=}. An array matches {@code ==}/{@code =in=} when any element does, and
 * {@code !=}/{@code =out=} when none does.
 */
public final class JsonFilter {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

    private JsonFilter() {
    }

    /** Parses {@code filter} with the shared grammar; throws {@link InvalidFilterException} like every list. */
    public static FilterNode parse(String filter) {
        FilterNode node = FilterParser.parse(filter);
        check(node);
        return node;
    }

    public static boolean matches(FilterNode node, JsonNode document) {
        if (node instanceof FilterNode.And and) {
            return and.children().stream().allMatch(c -> matches(c, document));
        }
        if (node instanceof FilterNode.Or or) {
            return or.children().stream().anyMatch(c -> matches(c, document));
        }
        FilterNode.Comparison c = (FilterNode.Comparison) node;
        JsonNode value = document;
        for (String part : c.selector().split("\\.")) {
            value = value == null ? null : value.get(part);
        }
        boolean absent = value == null || value.isNull() || value.isMissingNode();
        return switch (c.op()) {
            case ISNULL -> absent == Boolean.parseBoolean(c.arg());
            case EQ -> !absent && any(value, v -> text(v).equals(c.arg()));
            case IN -> !absent && any(value, v -> c.args().contains(text(v)));
            case NE -> absent || !any(value, v -> text(v).equals(c.arg()));
            case OUT -> absent || !any(value, v -> c.args().contains(text(v)));
            case LIKE -> !absent && any(value, v -> like(text(v), c.arg()));
            case GT -> !absent && any(value, v -> compare(v, c.arg()) > 0);
            case GE -> !absent && any(value, v -> compare(v, c.arg()) >= 0);
            case LT -> !absent && any(value, v -> compare(v, c.arg()) < 0);
            case LE -> !absent && any(value, v -> compare(v, c.arg()) <= 0);
        };
    }

    private interface Test {
        boolean test(JsonNode value);
    }

    private static boolean any(JsonNode value, Test test) {
        if (value.isArray()) {
            for (JsonNode element : value) {
                if (!element.isNull() && test.test(element)) {
                    return true;
                }
            }
            return false;
        }
        return test.test(value);
    }

    private static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static int compare(JsonNode value, String arg) {
        if (value.isNumber() && NUMBER.matcher(arg).matches()) {
            return value.decimalValue().compareTo(new BigDecimal(arg));
        }
        return text(value).compareTo(arg);
    }

    private static boolean like(String value, String pattern) {
        // '*' is the only wildcard (docs/filtering.md); everything else matches itself, ignoring case.
        List<String> parts = new ArrayList<>(List.of(pattern.toLowerCase(Locale.ROOT).split("\\*", -1)));
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(parts.get(i)));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value.toLowerCase(Locale.ROOT)).matches();
    }

    private static void check(FilterNode node) {
        if (node instanceof FilterNode.And and) {
            and.children().forEach(JsonFilter::check);
        } else if (node instanceof FilterNode.Or or) {
            or.children().forEach(JsonFilter::check);
        } else if (node instanceof FilterNode.Comparison c && c.op() == Operator.ISNULL
                && !c.arg().equalsIgnoreCase("true") && !c.arg().equalsIgnoreCase("false")) {
            throw new InvalidFilterException("=isnull= takes true or false (at " + c.selector() + ")");
        }
    }
}
