package io.clientele.customer.imports;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.clientele.customer.api.CustomerInput;
import io.clientele.customer.api.CustomerMapper;
import io.clientele.customer.domain.ContactPoints;
import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerDraft;
import io.clientele.customer.domain.CustomerService;
import io.clientele.customer.domain.EmailAddress;
import io.clientele.customer.domain.PhoneNumber;
import io.clientele.customer.domain.matching.MatchProfile;
import io.clientele.platform.errors.FieldError;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemMappers;
import io.clientele.platform.history.ChangeSource;
import io.clientele.platform.history.History;

/**
 * Decides, in memory, what a chunk of rows does: each row is validated by the customer rules of the API
 * ({@link CustomerMapper}), matched on natural keys against the customers loaded from the database and the
 * rows before it in the file, and then created, merged (upsert), skipped or reported as failed. Rows are
 * handled strictly in file order, so the outcome equals sending them one by one; the writer then stores the
 * final states, history entries and events with a few set-based statements.
 */
@ApplicationScoped
public class ChunkPlanner {

    /** A row after its own checks: the keys it may match on and, when valid alone, the draft a create uses. */
    public static final class Prepared {
        final ImportRow row;
        List<RowError> fatal;
        List<RowError> createErrors;
        CustomerDraft draft;
        /** The customer a create would insert and its representation, built ahead (off the chunk transaction). */
        Customer created;
        JsonNode createdView;
        /** The row's match profile when the job checks fuzzy duplicates. */
        MatchProfile profile;
        String externalId;
        final List<String> emails = new ArrayList<>(2);
        final List<String> phones = new ArrayList<>(2);

        Prepared(ImportRow row) {
            this.row = row;
        }

        public int number() {
            return row.number();
        }

        public CustomerDraft draft() {
            return draft;
        }

        public boolean fatal() {
            return fatal != null;
        }
    }

    private final CustomerMapper customers;
    private final ObjectMapper json;
    private final History history;

    ChunkPlanner(CustomerMapper customers, ObjectMapper json, History history) {
        this.customers = customers;
        this.json = json;
        this.history = history;
    }

    public Prepared prepare(ImportJob job, ImportRow row) {
        Prepared p = new Prepared(row);
        ImportMapping.RowDoc doc = row.doc();
        if (doc.error() != null) {
            p.fatal = List.of(new RowError(row.number(), row.line(), null, null, doc.error(), null));
            return p;
        }
        if (doc.doc().has("companyId")) {
            p.fatal = List.of(error(row, "/companyId",
                    "cannot be imported; link a person to a company with PATCH /v1/customers/{id}"));
            return p;
        }
        if (doc.doc().has("sensitive")) {
            // Bulk files are exactly where sensitive data should not travel; set it per customer instead.
            p.fatal = List.of(error(row, "/sensitive",
                    "sensitive fields cannot be imported; set them with PATCH /v1/customers/{id}"));
            return p;
        }
        CustomerInput input;
        try {
            input = json.treeToValue(doc.doc(), CustomerInput.class);
        } catch (JsonProcessingException e) {
            String pointer = e instanceof JsonMappingException m ? ProblemMappers.pointer(m.getPath()) : null;
            p.fatal = List.of(error(row, pointer, ProblemMappers.describe(e)));
            return p;
        }
        try {
            ObjectNode createDoc = job.mapping().withDefaults(doc.doc());
            CustomerInput createInput = createDoc == doc.doc() ? input : json.treeToValue(createDoc, CustomerInput.class);
            p.draft = customers.toDraft(createInput, job.caller().subject());
            p.externalId = p.draft.externalId();
            p.draft.emails().forEach(e -> p.emails.add(e.address()));
            p.draft.phones().forEach(n -> p.phones.add(n.number()));
            // A create's customer and representation depend on the row alone: built here, where the worker
            // overlaps this work with the previous chunk's writes, rather than in the chunk transaction.
            Customer c = new Customer();
            c.initialise(job.tenantId());
            c.apply(p.draft);
            c.createdBy = job.caller().subject();
            c.updatedBy = c.createdBy;
            p.created = c;
            p.createdView = json.valueToTree(customers.view(c));
            if (job.mapping().fuzzy() != FuzzyMode.OFF) {
                p.profile = MatchProfile.of(p.draft);
            }
        } catch (ProblemException | JsonProcessingException e) {
            p.createErrors = e instanceof ProblemException problem ? errors(row, problem, Map.of())
                    : List.of(error(row, null, ProblemMappers.describe((JsonProcessingException) e)));
            // Invalid as a new customer, but it may still update one: match on whatever keys normalise.
            lenientKeys(p, doc.doc());
        }
        return p;
    }

    /** The keys of a row that does not validate on its own, normalised by the same rules. */
    private static void lenientKeys(Prepared p, ObjectNode doc) {
        JsonNode externalId = doc.get("externalId");
        if (externalId != null && externalId.isTextual() && !externalId.asText().isBlank()) {
            p.externalId = externalId.asText().strip();
        }
        for (JsonNode e : doc.path("emails")) {
            ContactPoints.email(e.path("address").textValue()).ifPresent(p.emails::add);
        }
        for (JsonNode n : doc.path("phones")) {
            String region = n.path("region").textValue();
            if (region == null || ContactPoints.isRegion(region)) {
                ContactPoints.phone(n.path("number").textValue(), region).ifPresent(p.phones::add);
            }
        }
    }

    /** Sequential decisions for a chunk; {@code existing} must be ordered oldest first (the first match wins). */
    public ChunkPlan plan(ImportJob job, List<Prepared> rows, List<Customer> existing,
            Map<Integer, FuzzyImportMatcher.Hit> fuzzy) {
        ChunkPlan plan = new ChunkPlan();
        Index index = new Index();
        existing.forEach(index::add);
        ImportDuplicatePolicy policy = job.mapping().policy();
        for (Prepared p : rows) {
            plan.rows++;
            ImportRow row = p.row;
            if (p.fatal != null) {
                fail(plan, p.fatal);
                continue;
            }
            Customer match = policy == ImportDuplicatePolicy.CREATE ? null : index.find(job.mapping().matchOn(), p);
            if (match == null) {
                // Exact keys win; a likely fuzzy duplicate is reported and, as the job says, imported or skipped,
                // never merged.
                FuzzyImportMatcher.Hit hit = p.draft == null ? null : fuzzy.get(row.number());
                if (hit != null) {
                    boolean skip = job.mapping().fuzzy() == FuzzyMode.SKIP;
                    plan.errors.add(likelyDuplicate(row, hit, skip));
                    if (skip) {
                        plan.skipped++;
                        continue;
                    }
                }
                create(job, plan, index, p);
            } else if (policy == ImportDuplicatePolicy.SKIP) {
                plan.skipped++;
            } else {
                update(job, plan, index, p, match);
            }
        }
        return plan;
    }

    private void create(ImportJob job, ChunkPlan plan, Index index, Prepared p) {
        if (p.draft == null) {
            fail(plan, p.createErrors);
            return;
        }
        if (p.externalId != null && index.byExternalId.containsKey(p.externalId)) {
            fail(plan, List.of(externalIdTaken(p.row, p.externalId, index.byExternalId.get(p.externalId))));
            return;
        }
        Customer c = p.created;
        // Compact: the diff from nothing is the snapshot (History#compactCreate), half the bytes per row.
        plan.history.add(history.compactCreate(job.caller(), job.correlationId(), ChangeSource.IMPORT,
                CustomerService.ENTITY, c.id, c.version, p.createdView));
        plan.imported.add(new ImportedRow(p.row.number(), c.id, "created", null));
        plan.inserts.put(c.id, c);
        index.add(c);
        plan.created++;
    }

    private void update(ImportJob job, ChunkPlan plan, Index index, Prepared p, Customer match) {
        ObjectNode rowDoc = p.row.doc().doc();
        Map<String, String> renamed = new HashMap<>();
        ObjectNode patch = mergeable(match, rowDoc, renamed);
        CustomerDraft draft;
        try {
            draft = customers.patch(match, patch);
        } catch (ProblemException e) {
            fail(plan, errors(p.row, e, renamed));
            return;
        }
        if (draft.externalId() != null) {
            Customer holder = index.byExternalId.get(draft.externalId());
            if (holder != null && holder != match) {
                fail(plan, List.of(externalIdTaken(p.row, draft.externalId(), holder)));
                return;
            }
        }
        JsonNode before = json.valueToTree(customers.view(match));
        String oldExternalId = match.externalId;
        List<String> changed = match.apply(draft);
        if (changed.isEmpty()) {
            plan.unchanged++;
            return;
        }
        match.version++;
        match.touch();
        match.updatedBy = job.caller().subject();
        JsonNode after = json.valueToTree(customers.view(match));
        plan.history.add(history.row(job.caller(), job.correlationId(), ChangeSource.IMPORT, CustomerService.ENTITY,
                match.id, match.version, "update", before, after));
        plan.imported.add(new ImportedRow(p.row.number(), match.id, "updated", changed));
        if (oldExternalId != null && !oldExternalId.equals(match.externalId)) {
            index.byExternalId.remove(oldExternalId, match);
        }
        index.add(match);
        if (!plan.inserts.containsKey(match.id)) {
            plan.updates.put(match.id, match);
        }
        plan.updated++;
    }

    /**
     * The merge patch an import row applies to a customer: its fields replace, its attributes merge key by
     * key, and its emails, phones and addresses are added to the existing ones (never removing any; one the
     * customer already has is left as it is). {@code renamed} maps list pointers of the patch back to the row.
     */
    ObjectNode mergeable(Customer current, ObjectNode row, Map<String, String> renamed) {
        ObjectNode patch = row.deepCopy();
        union(patch, row, "emails", json.valueToTree(current.contacts.emails()), renamed,
                e -> ContactPoints.email(e.path("address").textValue()).orElse(null), e -> e.path("address").asText());
        union(patch, row, "phones", json.valueToTree(current.contacts.phones()), renamed,
                n -> ContactPoints.phone(n.path("number").textValue(), n.path("region").textValue()).orElse(null),
                n -> n.path("number").asText());
        union(patch, row, "addresses", json.valueToTree(current.contacts.addresses()), renamed,
                ChunkPlanner::addressKey, ChunkPlanner::addressKey);
        return patch;
    }

    private static void union(ObjectNode patch, ObjectNode row, String list, ArrayNode current,
            Map<String, String> renamed, java.util.function.Function<JsonNode, String> rowKey,
            java.util.function.Function<JsonNode, String> currentKey) {
        JsonNode given = row.get(list);
        if (!(given instanceof ArrayNode entries)) {
            return;
        }
        Set<String> have = new LinkedHashSet<>();
        current.forEach(e -> have.add(currentKey.apply(e)));
        ArrayNode merged = current.deepCopy();
        for (int j = 0; j < entries.size(); j++) {
            JsonNode entry = entries.get(j);
            String key = entry.isObject() ? rowKey.apply(entry) : null;
            if (key != null && !have.add(key)) {
                continue;
            }
            if (entry.path("primary").asBoolean(false)) {
                merged.forEach(e -> {
                    if (e instanceof ObjectNode o && o.has("primary")) {
                        o.put("primary", false);
                    }
                });
            }
            renamed.put("/" + list + "/" + merged.size(), "/" + list + "/" + j);
            merged.add(entry);
        }
        patch.set(list, merged);
    }

    private static String addressKey(JsonNode a) {
        return (text(a, "line1") + "|" + text(a, "postalCode") + "|" + text(a, "city") + "|" + text(a, "country"))
                .toLowerCase(Locale.ROOT);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText().strip();
    }

    private static void fail(ChunkPlan plan, List<RowError> errors) {
        plan.failed++;
        plan.errors.addAll(errors);
    }

    private static RowError externalIdTaken(ImportRow row, String externalId, Customer holder) {
        return new RowError(row.number(), row.line(), "/externalId", row.doc().column("/externalId"),
                "is already used by customer " + holder.id, externalId);
    }

    private static RowError error(ImportRow row, String pointer, String reason) {
        return new RowError(row.number(), row.line(), pointer, row.doc().column(pointer), reason,
                value(row.doc().doc(), pointer));
    }

    /** The problem's field errors in the row's own terms (pointer and CSV column); its detail when it has none. */
    private static List<RowError> errors(ImportRow row, ProblemException e, Map<String, String> renamed) {
        if (e.errors().isEmpty()) {
            return List.of(error(row, null, e.getMessage()));
        }
        List<RowError> out = new ArrayList<>(e.errors().size());
        for (FieldError f : e.errors()) {
            String pointer = rename(f.pointer(), renamed);
            out.add(new RowError(row.number(), row.line(), pointer, row.doc().column(pointer), f.detail(),
                    value(row.doc().doc(), pointer)));
        }
        return out;
    }

    private static String rename(String pointer, Map<String, String> renamed) {
        if (pointer == null || renamed.isEmpty()) {
            return pointer;
        }
        for (Map.Entry<String, String> r : renamed.entrySet()) {
            if (pointer.equals(r.getKey()) || pointer.startsWith(r.getKey() + "/")) {
                return r.getValue() + pointer.substring(r.getKey().length());
            }
        }
        return pointer;
    }

    private static String value(ObjectNode doc, String pointer) {
        if (doc == null || pointer == null || pointer.isEmpty()) {
            return null;
        }
        JsonNode v = doc.at(pointer);
        return v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    private static RowError likelyDuplicate(ImportRow row, FuzzyImportMatcher.Hit hit, boolean skipped) {
        StringBuilder reasons = new StringBuilder();
        hit.score().reasons().stream().filter(r -> r.weight() > 0).forEach(r -> reasons
                .append(reasons.isEmpty() ? "" : ", ").append(r.field()).append(' ').append(r.method()));
        return new RowError(row.number(), row.line(), null, null, "likely duplicate of customer " + hit.customerId()
                + " (score " + hit.score().score() + ": " + reasons + "); "
                + (skipped ? "not imported" : "imported anyway"), hit.customerId().toString(), hit.customerId());
    }

    /** Natural keys of the customers known to the chunk: loaded ones and those the chunk created or changed. */
    private static final class Index {
        final Map<UUID, Customer> byId = new HashMap<>();
        final Map<String, Customer> byExternalId = new HashMap<>();
        final Map<String, Customer> byEmail = new HashMap<>();
        final Map<String, Customer> byPhone = new HashMap<>();

        void add(Customer c) {
            byId.putIfAbsent(c.id, c);
            if (c.externalId != null) {
                byExternalId.putIfAbsent(c.externalId, c);
            }
            for (EmailAddress e : c.contacts.emails()) {
                byEmail.putIfAbsent(e.address(), c);
            }
            for (PhoneNumber n : c.contacts.phones()) {
                byPhone.putIfAbsent(n.number(), c);
            }
        }

        Customer find(List<MatchKey> keys, Prepared p) {
            for (MatchKey key : keys) {
                Customer found = switch (key) {
                    case EXTERNAL_ID -> p.externalId == null ? null : byExternalId.get(p.externalId);
                    case EMAIL -> first(byEmail, p.emails);
                    case PHONE -> first(byPhone, p.phones);
                };
                if (found != null) {
                    return found;
                }
            }
            return null;
        }

        private static Customer first(Map<String, Customer> map, List<String> keys) {
            for (String k : keys) {
                Customer c = map.get(k);
                if (c != null) {
                    return c;
                }
            }
            return null;
        }
    }

    /** Keys to look up in the database for a chunk. */
    public record Lookup(String[] externalIds, String[] emails, String[] phones) {
    }

    public Lookup lookup(ImportJob job, List<Prepared> rows) {
        Set<String> externalIds = new LinkedHashSet<>();
        Set<String> emails = new LinkedHashSet<>();
        Set<String> phones = new LinkedHashSet<>();
        List<MatchKey> keys = job.mapping().matchOn();
        for (Prepared p : rows) {
            if (p.fatal != null) {
                continue;
            }
            // External ids are always looked up: they are unique, a create must not reuse one.
            if (p.externalId != null) {
                externalIds.add(p.externalId);
            }
            if (job.mapping().policy() != ImportDuplicatePolicy.CREATE) {
                if (keys.contains(MatchKey.EMAIL)) {
                    emails.addAll(p.emails);
                }
                if (keys.contains(MatchKey.PHONE)) {
                    phones.addAll(p.phones);
                }
            }
        }
        return new Lookup(externalIds.toArray(String[]::new), emails.toArray(String[]::new),
                phones.toArray(String[]::new));
    }

    /**
     * The rows to check for fuzzy duplicates: valid as new customers and without an exact match among the
     * loaded customers (exact matches take precedence; a row matching an earlier row of the file is checked
     * needlessly but harmlessly, the plan prefers the exact match).
     */
    public List<FuzzyImportMatcher.Candidate> candidates(ImportJob job, List<Prepared> rows, List<Customer> existing) {
        Index index = new Index();
        existing.forEach(index::add);
        List<FuzzyImportMatcher.Candidate> out = new ArrayList<>();
        for (Prepared p : rows) {
            if (p.profile != null && index.find(job.mapping().matchOn(), p) == null) {
                out.add(new FuzzyImportMatcher.Candidate(p.row.number(), p.profile));
            }
        }
        return out;
    }
}
