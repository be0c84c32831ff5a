package io.clientele.sales.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.json.MergePatcher;
import io.clientele.platform.query.QuerySchema;
import io.clientele.sales.api.SalesInputs.ActivityInput;
import io.clientele.sales.api.SalesInputs.OpportunityInput;
import io.clientele.sales.api.SalesInputs.PipelineInput;
import io.clientele.sales.api.SalesInputs.StageInput;
import io.clientele.sales.domain.ActivityDraft;
import io.clientele.sales.domain.Money;
import io.clientele.sales.domain.OpportunityDraft;
import io.clientele.sales.domain.Stage;

/** Validates sales request bodies into domain drafts; every broken rule is reported in one 422. */
@ApplicationScoped
class SalesMapper {

    static final int MAX_NAME = 200;
    static final int MAX_TEXT = 20_000;
    static final int MAX_ID = 128;
    static final int MAX_TAGS = 50;
    static final int MAX_ATTRIBUTES = 100;
    static final Set<String> ACTIVITY_TYPES = Set.of("call", "meeting", "email", "note", "task");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} _.:-]{0,49}");

    private final ObjectMapper json;
    private final MergePatcher patcher;

    SalesMapper(ObjectMapper json, MergePatcher patcher) {
        this.json = json;
        this.patcher = patcher;
    }

    // --- pipelines ---------------------------------------------------------------------

    String pipelineName(ValidationErrors errors, String name) {
        return errors.requiredText("/name", name, MAX_NAME);
    }

    /** Stages of a create (new ids) or of a full replacement (ids required, see PipelineService.update). */
    List<Stage> stages(ValidationErrors errors, List<StageInput> inputs, boolean idsRequired) {
        if (inputs == null) {
            errors.add("/stages", "is required");
            return List.of();
        }
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            StageInput in = inputs.get(i);
            String at = "/stages/" + i;
            if (in == null) {
                errors.add(at, "must be an object");
                continue;
            }
            if (in.position() != null) {
                errors.add(at + "/position", "the position is the place in this list");
            }
            UUID id = null;
            if (idsRequired) {
                id = uuid(errors, at + "/id", in.id(), true);
            } else if (in.id() != null) {
                errors.add(at + "/id", "stage ids are assigned by the server");
            }
            Stage s = stage(errors, at, in, id == null ? UUID.randomUUID() : id);
            if (s != null) {
                stages.add(s);
            }
        }
        return stages;
    }

    /** A single stage (create, or a stage within a list); null when invalid. */
    Stage stage(ValidationErrors errors, String at, StageInput in, UUID id) {
        List<String[]> problems = new ArrayList<>();
        String name = in.name() == null ? null : in.name().strip();
        if (name == null || name.isEmpty()) {
            problems.add(new String[] { at + "/name", "is required" });
        } else if (name.length() > 100) {
            problems.add(new String[] { at + "/name", "must be at most 100 characters" });
        }
        boolean won = Boolean.TRUE.equals(in.won());
        boolean lost = Boolean.TRUE.equals(in.lost());
        if (won && lost) {
            problems.add(new String[] { at + "/lost", "a stage cannot be both won and lost" });
        }
        BigDecimal probability = in.probability();
        if (probability == null) {
            probability = won ? BigDecimal.ONE : lost ? BigDecimal.ZERO : null;
            if (probability == null) {
                problems.add(new String[] { at + "/probability", "is required for an open stage (0 to 1)" });
            }
        } else if (probability.signum() < 0 || probability.compareTo(BigDecimal.ONE) > 0
                || probability.stripTrailingZeros().scale() > 4) {
            problems.add(new String[] { at + "/probability", "must be between 0 and 1 with at most 4 decimals" });
        } else if (won && probability.compareTo(BigDecimal.ONE) != 0 || lost && probability.signum() != 0) {
            problems.add(new String[] { at + "/probability", "a won stage has probability 1 and a lost stage 0" });
        }
        Integer stale = in.staleAfterDays();
        if (stale != null && (stale < 1 || stale > 3650)) {
            problems.add(new String[] { at + "/staleAfterDays", "must be between 1 and 3650" });
        }
        if (stale != null && (won || lost)) {
            problems.add(new String[] { at + "/staleAfterDays", "only open stages go stale" });
        }
        problems.forEach(p -> errors.add(p[0], p[1]));
        if (!problems.isEmpty()) {
            return null;
        }
        BigDecimal p = probability.stripTrailingZeros();
        return new Stage(id, name, p.scale() < 0 ? p.setScale(0) : p, won, lost, stale);
    }

    /** The pipeline's writable state as a tree, for merge patches. */
    JsonNode pipelineTree(Map<String, Object> view) {
        Map<String, Object> writable = new LinkedHashMap<>();
        writable.put("name", view.get("name"));
        List<Map<String, Object>> stages = new ArrayList<>();
        for (Object o : (List<?>) view.get("stages")) {
            Map<?, ?> s = (Map<?, ?>) o;
            Map<String, Object> w = new LinkedHashMap<>();
            for (String k : List.of("id", "name", "probability", "won", "lost", "staleAfterDays")) {
                w.put(k, s.get(k));
            }
            stages.add(w);
        }
        writable.put("stages", stages);
        return json.valueToTree(writable);
    }

    PipelineInput patchPipeline(Map<String, Object> view, JsonNode patch) {
        return patcher.apply(pipelineTree(view), patch, PipelineInput.class);
    }

    // --- opportunities -----------------------------------------------------------------

    OpportunityDraft opportunity(OpportunityInput in, String defaultOwner) {
        ValidationErrors errors = new ValidationErrors();
        UUID customerId = uuid(errors, "/customerId", in.customerId(), true);
        UUID contactId = uuid(errors, "/contactId", in.contactId(), false);
        String title = errors.requiredText("/title", in.title(), MAX_NAME);
        String currency = in.currency();
        Integer digits = null;
        if (currency == null) {
            errors.add("/currency", "is required (an ISO 4217 code such as EUR)");
        } else {
            digits = Money.fractionDigits(currency);
            if (digits == null) {
                errors.add("/currency", "'" + currency + "' is not an ISO 4217 currency code (upper case, e.g. EUR)");
            }
        }
        BigDecimal amount = null;
        if (in.amount() == null) {
            errors.add("/amount", "is required, as a decimal string such as \"1250.00\"");
        } else {
            amount = Money.parse(in.amount());
            if (amount == null) {
                errors.add("/amount", "must be a non-negative decimal string with at most 15 digits before and 4"
                        + " after the point, e.g. \"1250.00\"");
            } else if (digits != null && amount.stripTrailingZeros().scale() > digits) {
                errors.add("/amount", currency + " has " + digits + " decimal places; " + in.amount()
                        + " has more");
            }
        }
        UUID pipelineId = uuid(errors, "/pipelineId", in.pipelineId(), true);
        UUID stageId = uuid(errors, "/stageId", in.stageId(), false);
        String owner = in.ownerId() == null ? defaultOwner : errors.requiredText("/ownerId", in.ownerId(), MAX_ID);
        LocalDate close = null;
        if (in.expectedCloseDate() != null) {
            try {
                close = LocalDate.parse(in.expectedCloseDate());
            } catch (DateTimeParseException e) {
                errors.add("/expectedCloseDate", "must be a date such as 2026-12-31");
            }
        }
        String source = errors.text("/source", in.source(), 100);
        List<String> tags = tags(errors, in.tags());
        Map<String, Object> attributes = attributes(errors, in.attributes());
        String reason = errors.text("/closeReason", in.closeReason(), 1000);
        errors.throwIfAny();
        return new OpportunityDraft(customerId, contactId, title, amount, currency, pipelineId, stageId, owner,
                close, source, tags, attributes, reason);
    }

    /** The writable state of an opportunity as a tree, for merge patches. */
    JsonNode opportunityTree(Map<String, Object> view) {
        Map<String, Object> w = new LinkedHashMap<>();
        for (String k : List.of("customerId", "contactId", "title", "amount", "currency", "pipelineId", "stageId",
                "ownerId", "expectedCloseDate", "source", "tags", "attributes", "closeReason")) {
            w.put(k, view.get(k));
        }
        return json.valueToTree(w);
    }

    OpportunityInput patchOpportunity(Map<String, Object> view, JsonNode patch) {
        return patcher.apply(opportunityTree(view), patch, OpportunityInput.class);
    }

    private static List<String> tags(ValidationErrors errors, List<String> tags) {
        if (tags == null) {
            return List.of();
        }
        if (tags.size() > MAX_TAGS) {
            errors.add("/tags", "at most " + MAX_TAGS + " tags");
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < tags.size(); i++) {
            String t = tags.get(i) == null ? "" : tags.get(i).strip();
            if (!TAG.matcher(t).matches()) {
                errors.add("/tags/" + i, "a tag is 1 to 50 letters, digits, spaces or _ . : -");
            } else {
                out.add(t.toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(out);
    }

    private Map<String, Object> attributes(ValidationErrors errors, Map<String, Object> attributes) {
        if (attributes == null) {
            return Map.of();
        }
        if (attributes.size() > MAX_ATTRIBUTES) {
            errors.add("/attributes", "at most " + MAX_ATTRIBUTES + " attributes");
        }
        for (var e : attributes.entrySet()) {
            if (!QuerySchema.ATTRIBUTE_KEY.matcher(e.getKey()).matches()) {
                errors.add("/attributes/" + e.getKey(), "keys are letters, digits and _, starting with a letter");
            }
        }
        try {
            if (json.writeValueAsBytes(attributes).length > 16 * 1024) {
                errors.add("/attributes", "at most 16 KiB of JSON");
            }
        } catch (JsonProcessingException e) {
            errors.add("/attributes", "must be JSON");
        }
        return attributes;
    }

    // --- activities --------------------------------------------------------------------

    ActivityDraft activity(ActivityInput in, String defaultOwner) {
        ValidationErrors errors = new ValidationErrors();
        String type = in.type();
        if (type == null || !ACTIVITY_TYPES.contains(type)) {
            errors.add("/type", "must be one of call, meeting, email, note, task");
        }
        UUID customerId = uuid(errors, "/customerId", in.customerId(), false);
        UUID opportunityId = uuid(errors, "/opportunityId", in.opportunityId(), false);
        if (customerId == null && opportunityId == null && in.customerId() == null && in.opportunityId() == null) {
            errors.add("/customerId", "give customerId, opportunityId or both");
        }
        String subject = errors.requiredText("/subject", in.subject(), MAX_NAME);
        String body = in.body();
        if (body != null && body.length() > MAX_TEXT) {
            errors.add("/body", "must be at most " + MAX_TEXT + " characters");
        }
        Instant occurredAt = instant(errors, "/occurredAt", in.occurredAt());
        String owner = in.ownerId() == null ? defaultOwner : errors.requiredText("/ownerId", in.ownerId(), MAX_ID);
        boolean task = "task".equals(type);
        Instant dueAt = instant(errors, "/dueAt", in.dueAt());
        String assignee = errors.text("/assigneeId", in.assigneeId(), MAX_ID);
        String status = in.status();
        if (task) {
            if (dueAt == null) {
                errors.add("/dueAt", "is required for a task");
            }
            if (assignee == null) {
                assignee = owner;
            }
            if (status == null) {
                status = "open";
            } else if (!status.equals("open") && !status.equals("done")) {
                errors.add("/status", "must be open or done");
            }
        } else {
            for (String[] f : new String[][] { { "/dueAt", in.dueAt() }, { "/assigneeId", in.assigneeId() },
                    { "/status", in.status() } }) {
                if (f[1] != null) {
                    errors.add(f[0], "only tasks have this field");
                }
            }
            status = null;
        }
        errors.throwIfAny();
        return new ActivityDraft(type, customerId, opportunityId, subject, body, occurredAt, owner, dueAt, assignee,
                status);
    }

    JsonNode activityTree(Map<String, Object> view) {
        Map<String, Object> w = new LinkedHashMap<>();
        for (String k : List.of("type", "customerId", "opportunityId", "subject", "body", "occurredAt", "ownerId",
                "dueAt", "assigneeId", "status")) {
            if (view.containsKey(k)) {
                w.put(k, view.get(k));
            }
        }
        return json.valueToTree(w);
    }

    ActivityInput patchActivity(Map<String, Object> view, JsonNode patch) {
        return patcher.apply(activityTree(view), patch, ActivityInput.class);
    }

    // --- shared ------------------------------------------------------------------------

    static UUID uuid(ValidationErrors errors, String pointer, String value, boolean required) {
        if (value == null) {
            if (required) {
                errors.add(pointer, "is required");
            }
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            errors.add(pointer, "must be a UUID");
            return null;
        }
    }

    static Instant instant(ValidationErrors errors, String pointer, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            errors.add(pointer, "must be an RFC 3339 date-time such as 2026-12-31T09:00:00Z");
            return null;
        }
    }
}
