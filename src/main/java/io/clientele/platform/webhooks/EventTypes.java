package io.clientele.platform.webhooks;

import java.util.List;
import java.util.regex.Pattern;

/** Event-type selectors of a subscription: an exact type ({@code customer.created}), a prefix ({@code customer.*}) or {@code *}. */
public final class EventTypes {

    public static final Pattern SELECTOR = Pattern.compile("\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?");

    private EventTypes() {
    }

    public static boolean matches(List<String> selectors, String type) {
        for (String selector : selectors) {
            if (selector.equals("*") || selector.equals(type)
                    || (selector.endsWith(".*") && type.startsWith(selector.substring(0, selector.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
