package io.clientele.platform.webhooks.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.query.JsonFilter;
import io.clientele.platform.query.QueryException;
import io.clientele.platform.webhooks.EventTypes;
import io.clientele.platform.webhooks.ReceiverAddresses;
import io.clientele.platform.webhooks.WebhookService.Draft;
import io.clientele.platform.webhooks.WebhookSubscription;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Body of a subscription create, and the document a merge patch applies to. */
@RegisterForReflection
public record WebhookInput(String url, String description, List<String> eventTypes, String filter, Boolean ordered,
        String status) {

    static final int MAX_EVENT_TYPES = 50;

    Draft toDraft(ReceiverAddresses addresses) {
        ValidationErrors errors = new ValidationErrors();
        String checkedUrl = errors.requiredText("/url", url, 2048);
        if (checkedUrl != null) {
            String problem = addresses.problem(checkedUrl);
            if (problem != null) {
                errors.add("/url", problem);
            }
        }
        String checkedDescription = errors.text("/description", description, 500);
        List<String> types = new ArrayList<>();
        if (eventTypes == null || eventTypes.isEmpty()) {
            errors.add("/eventTypes", "list at least one event type (or \"*\")");
        } else if (eventTypes.size() > MAX_EVENT_TYPES) {
            errors.add("/eventTypes", "at most " + MAX_EVENT_TYPES + " event types");
        } else {
            for (int i = 0; i < eventTypes.size(); i++) {
                String type = eventTypes.get(i);
                if (type == null || !EventTypes.SELECTOR.matcher(type).matches()) {
                    errors.add("/eventTypes/" + i, "must be an event type such as customer.created, a prefix such as"
                            + " customer.*, or *");
                } else {
                    types.add(type);
                }
            }
        }
        String checkedFilter = errors.text("/filter", filter, 4096);
        if (checkedFilter != null) {
            try {
                JsonFilter.parse(checkedFilter);
            } catch (QueryException e) {
                errors.add("/filter", e.getMessage());
            }
        }
        String checkedStatus = status == null ? WebhookSubscription.ACTIVE : status;
        if (!checkedStatus.equals(WebhookSubscription.ACTIVE) && !checkedStatus.equals(WebhookSubscription.DISABLED)) {
            errors.add("/status", "must be active or disabled");
        }
        errors.throwIfAny();
        return new Draft(checkedUrl, checkedDescription, List.copyOf(new LinkedHashSet<>(types)), checkedFilter,
                Boolean.TRUE.equals(ordered), checkedStatus);
    }

    static WebhookInput of(Draft d) {
        return new WebhookInput(d.url(), d.description(), d.eventTypes(), d.filter(), d.ordered(), d.status());
    }
}
