package io.clientele.platform.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses the RSQL/FIQL-style filter grammar (see docs/filtering.md) into a {@link FilterNode}.
 * Only syntax is checked here; field names, operators per field and values are checked by
 * {@link SqlFilterCompiler} against a {@link QuerySchema}. Stateless and thread-safe.
 */
public final class FilterParser {

    /** Longest accepted filter, in characters (code points). */
    public static final int MAX_LENGTH = 4096;
    /** Deepest accepted parenthesis nesting. */
    public static final int MAX_DEPTH = 10;
    /** Most comparisons in one filter; bounds the SQL and parameters a single request can produce. */
    public static final int MAX_COMPARISONS = 50;

    /** Characters that end an unquoted value. */
    static final String RESERVED = "\"'();,=!<>";

    private static final String OPERATORS = "==, !=, =gt= (>), =ge= (>=), =lt= (<), =le= (<=), =in=, =out=, =like=, =isnull=";

    private FilterParser() {
    }

    /** Parses {@code input}; returns null for null or blank input (no filter). */
    public static FilterNode parse(String input) {
        if (input == null || input.isBlank()) {
            return null;
        }
        int length = input.codePointCount(0, input.length());
        if (length > MAX_LENGTH) {
            throw new InvalidFilterException(
                    "filter is too long: " + length + " characters (at most " + MAX_LENGTH + ")", MAX_LENGTH);
        }
        return new Parser(input).parseAll();
    }

    private static final class Parser {
        private final String in;
        private final int len;
        private int pos;
        private int depth;
        private int comparisons;

        Parser(String in) {
            this.in = in;
            this.len = in.length();
        }

        FilterNode parseAll() {
            rejectControlCharacters();
            FilterNode node = parseOr();
            skipWs();
            if (pos < len) {
                if (in.charAt(pos) == ')') {
                    throw error("unexpected ')' without a matching '('", pos);
                }
                throw error("unexpected " + quoteChar(pos), pos);
            }
            return node;
        }

        // PostgreSQL text cannot hold NUL, and other control characters are never meaningful here.
        private void rejectControlCharacters() {
            for (int i = 0; i < len; i++) {
                char c = in.charAt(i);
                if (Character.isISOControl(c) && !Character.isWhitespace(c)) {
                    throw error("control character U+" + String.format("%04X", (int) c) + " is not allowed", i);
                }
            }
        }

        private FilterNode parseOr() {
            List<FilterNode> parts = new ArrayList<>();
            addFlattened(parts, parseAnd(), false);
            while (acceptSeparator(',', "or")) {
                addFlattened(parts, parseAnd(), false);
            }
            return parts.size() == 1 ? parts.get(0) : new FilterNode.Or(parts);
        }

        private FilterNode parseAnd() {
            List<FilterNode> parts = new ArrayList<>();
            addFlattened(parts, parseTerm(), true);
            while (acceptSeparator(';', "and")) {
                addFlattened(parts, parseTerm(), true);
            }
            return parts.size() == 1 ? parts.get(0) : new FilterNode.And(parts);
        }

        // (a;b);c and a;b;c mean the same, so both get the same tree (and the same fingerprint).
        private static void addFlattened(List<FilterNode> parts, FilterNode node, boolean and) {
            if (and && node instanceof FilterNode.And a) {
                parts.addAll(a.children());
            } else if (!and && node instanceof FilterNode.Or o) {
                parts.addAll(o.children());
            } else {
                parts.add(node);
            }
        }

        /** Accepts the symbol, or the keyword when preceded by whitespace; restores the position otherwise. */
        private boolean acceptSeparator(char symbol, String keyword) {
            int start = pos;
            skipWs();
            if (pos < len && in.charAt(pos) == symbol) {
                pos++;
                return true;
            }
            if (pos > start && in.regionMatches(true, pos, keyword, 0, keyword.length())) {
                int after = pos + keyword.length();
                if (after == len || Character.isWhitespace(in.charAt(after)) || in.charAt(after) == '(') {
                    pos = after;
                    return true;
                }
            }
            pos = start;
            return false;
        }

        private FilterNode parseTerm() {
            skipWs();
            if (pos < len && in.charAt(pos) == '(') {
                int open = pos;
                if (depth == MAX_DEPTH) {
                    throw error("parentheses nested deeper than " + MAX_DEPTH + " levels", pos);
                }
                depth++;
                pos++;
                FilterNode inner = parseOr();
                skipWs();
                if (pos >= len || in.charAt(pos) != ')') {
                    throw new InvalidFilterException("expected ')' at position " + cp(pos) + found(pos)
                            + " to close the '(' at position " + cp(open), cp(pos));
                }
                pos++;
                depth--;
                return inner;
            }
            return parseComparison();
        }

        private FilterNode parseComparison() {
            int start = pos;
            if (pos >= len || !isSelectorStart(in.charAt(pos))) {
                throw expected("a field name or '('", pos);
            }
            while (pos < len && isSelectorPart(in.charAt(pos))) {
                pos++;
            }
            String selector = in.substring(start, pos);
            if (++comparisons > MAX_COMPARISONS) {
                throw error("filter has more than " + MAX_COMPARISONS + " comparisons", start);
            }
            skipWs();
            Operator op = parseOperator(selector);
            skipWs();
            int argStart = pos;
            List<String> args;
            if (pos < len && in.charAt(pos) == '(') {
                if (!op.multiValued()) {
                    throw error("operator '" + op.symbol() + "' takes a single value, not a list", pos);
                }
                pos++;
                args = new ArrayList<>();
                while (true) {
                    skipWs();
                    args.add(parseValue());
                    skipWs();
                    if (pos < len && in.charAt(pos) == ',') {
                        pos++;
                    } else if (pos < len && in.charAt(pos) == ')') {
                        pos++;
                        break;
                    } else {
                        throw expected("',' or ')' in the value list", pos);
                    }
                }
            } else {
                args = List.of(parseValue());
            }
            if (op == Operator.ISNULL) {
                String flag = args.get(0).toLowerCase(Locale.ROOT);
                if (!flag.equals("true") && !flag.equals("false")) {
                    throw error("operator '=isnull=' takes true or false", argStart);
                }
                args = List.of(flag);
            }
            return new FilterNode.Comparison(selector, op, args, cp(start));
        }

        private Operator parseOperator(String selector) {
            int start = pos;
            char c = pos < len ? in.charAt(pos) : 0;
            char next = pos + 1 < len ? in.charAt(pos + 1) : 0;
            switch (c) {
                case '=':
                    if (next == '=') {
                        pos += 2;
                        return Operator.EQ;
                    }
                    int end = pos + 1;
                    while (end < len && isAsciiLetter(in.charAt(end))) {
                        end++;
                    }
                    if (end == pos + 1 || end >= len || in.charAt(end) != '=') {
                        throw error("malformed operator", start, "; expected one of " + OPERATORS);
                    }
                    String symbol = in.substring(pos, end + 1).toLowerCase(Locale.ROOT);
                    Optional<Operator> op = Operator.fromSymbol(symbol);
                    if (op.isEmpty()) {
                        throw error("unknown operator '" + symbol + "'", start, "; expected one of " + OPERATORS);
                    }
                    pos = end + 1;
                    return op.get();
                case '!':
                    if (next == '=') {
                        pos += 2;
                        return Operator.NE;
                    }
                    throw error("malformed operator", start, "; expected one of " + OPERATORS);
                case '>':
                    pos += next == '=' ? 2 : 1;
                    return next == '=' ? Operator.GE : Operator.GT;
                case '<':
                    pos += next == '=' ? 2 : 1;
                    return next == '=' ? Operator.LE : Operator.LT;
                default:
                    throw expected("an operator after '" + selector + "'", pos);
            }
        }

        private String parseValue() {
            if (pos >= len) {
                throw expected("a value", pos);
            }
            char quote = in.charAt(pos);
            if (quote == '"' || quote == '\'') {
                int open = pos;
                StringBuilder sb = new StringBuilder();
                pos++;
                while (pos < len) {
                    char c = in.charAt(pos);
                    if (c == '\\' && pos + 1 < len) {
                        // A backslash takes the next character literally: \" \' \\ .
                        sb.append(in.charAt(pos + 1));
                        pos += 2;
                    } else if (c == quote) {
                        pos++;
                        return sb.toString();
                    } else {
                        sb.append(c);
                        pos++;
                    }
                }
                throw error("unterminated quoted value (missing closing " + quote + ")", open);
            }
            int start = pos;
            while (pos < len && !Character.isWhitespace(in.charAt(pos)) && RESERVED.indexOf(in.charAt(pos)) < 0) {
                pos++;
            }
            if (pos == start) {
                throw expected("a value", pos);
            }
            return in.substring(start, pos);
        }

        private void skipWs() {
            while (pos < len && Character.isWhitespace(in.charAt(pos))) {
                pos++;
            }
        }

        private static boolean isSelectorStart(char c) {
            return isAsciiLetter(c) || c == '_';
        }

        private static boolean isSelectorPart(char c) {
            return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.';
        }

        private static boolean isAsciiLetter(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        /** Positions are reported in code points so that non-BMP characters count once. */
        private int cp(int index) {
            return in.codePointCount(0, Math.min(index, len));
        }

        private String quoteChar(int index) {
            return "'" + new String(Character.toChars(in.codePointAt(index))) + "'";
        }

        private String found(int index) {
            return index < len ? ", found " + quoteChar(index) : " (end of filter)";
        }

        private InvalidFilterException expected(String what, int index) {
            return new InvalidFilterException("expected " + what + " at position " + cp(index) + found(index), cp(index));
        }

        private InvalidFilterException error(String message, int index) {
            return error(message, index, "");
        }

        private InvalidFilterException error(String message, int index, String hint) {
            return new InvalidFilterException(message + " at position " + cp(index) + hint, cp(index));
        }
    }
}
