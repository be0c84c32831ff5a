package io.clientele.platform.query;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Parsed filter expression. {@link #canonical()} renders a normalised filter (canonical operators,
 * every value quoted, no optional whitespace) that parses back to the same tree, so cursors can be
 * bound to what a filter means rather than how it was typed.
 */
public sealed interface FilterNode permits FilterNode.And, FilterNode.Or, FilterNode.Comparison {

    /** Normalised text of this expression in the filter grammar. */
    String canonical();

    /** Conjunction; the parser flattens nested conjunctions and never builds one with a single child. */
    record And(List<FilterNode> children) implements FilterNode {
        public And {
            children = List.copyOf(children);
            if (children.isEmpty()) {
                throw new IllegalArgumentException("And needs at least one child");
            }
        }

        @Override
        public String canonical() {
            // AND binds tighter than OR, so only OR children need parentheses.
            return children.stream()
                    .map(c -> c instanceof Or ? "(" + c.canonical() + ")" : c.canonical())
                    .collect(Collectors.joining(";"));
        }
    }

    /** Disjunction; flattened like {@link And}. */
    record Or(List<FilterNode> children) implements FilterNode {
        public Or {
            children = List.copyOf(children);
            if (children.isEmpty()) {
                throw new IllegalArgumentException("Or needs at least one child");
            }
        }

        @Override
        public String canonical() {
            return children.stream().map(FilterNode::canonical).collect(Collectors.joining(","));
        }
    }

    /**
     * One {@code selector op argument(s)} term. {@code position} is the zero-based code point offset
     * of the selector in the original filter, for error messages.
     */
    record Comparison(String selector, Operator op, List<String> args, int position) implements FilterNode {
        public Comparison {
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(op, "op");
            args = List.copyOf(args);
            if (args.isEmpty()) {
                throw new IllegalArgumentException("a comparison needs at least one argument");
            }
            if (!op.multiValued() && args.size() != 1) {
                throw new IllegalArgumentException(op.symbol() + " takes exactly one argument");
            }
        }

        /** Convenience for a single-argument comparison. */
        public String arg() {
            return args.get(0);
        }

        @Override
        public String canonical() {
            StringBuilder sb = new StringBuilder(selector).append(op.symbol());
            if (op.multiValued()) {
                sb.append('(');
                for (int i = 0; i < args.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    quote(sb, args.get(i));
                }
                sb.append(')');
            } else {
                quote(sb, args.get(0));
            }
            return sb.toString();
        }

        private static void quote(StringBuilder sb, String value) {
            sb.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            }
            sb.append('"');
        }
    }
}
