package io.clientele.customer.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import io.clientele.platform.errors.FieldError;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;

/**
 * Decides the surviving value of every field when customers are merged.
 *
 * <ul>
 * <li>{@code nonEmpty}: the survivor's value, else the first non-empty one in the order given.</li>
 * <li>{@code newest}: the value of the most recently updated record that has one.</li>
 * <li>A per-field choice names the record whose value wins, even an empty one.</li>
 * </ul>
 * Emails, phones and addresses are unioned (in rule order, without repeats, one primary);
 * attributes are decided key by key ({@code attributes.<key>} may be chosen per key).
 */
public final class Survivorship {

    public enum Rule {
        NON_EMPTY, NEWEST;

        public static Rule parse(String value) {
            return switch (value) {
                case "nonEmpty" -> NON_EMPTY;
                case "newest" -> NEWEST;
                default -> null;
            };
        }
    }

    /** Fields a caller may choose per record. */
    public static final Set<String> CHOOSABLE = Set.of("firstName", "lastName", "name", "companyId", "emails",
            "phones", "addresses", "attributes", "ownerId", "lifecycleStage", "externalId");

    private Survivorship() {
    }

    /** The merged state of {@code survivor} and {@code others} (which precede by the rule). */
    public static CustomerDraft merge(Customer survivor, List<Customer> others, Rule rule, Map<String, UUID> choices) {
        List<CustomerDraft> order = new ArrayList<>();
        Map<UUID, CustomerDraft> byId = new LinkedHashMap<>();
        List<Customer> all = new ArrayList<>();
        all.add(survivor);
        all.addAll(others);
        if (rule == Rule.NEWEST) {
            all.sort(Comparator.comparing((Customer c) -> c.updatedAt).reversed());
        }
        for (Customer c : all) {
            CustomerDraft d = c.toDraft();
            order.add(d);
            byId.put(c.id, d);
        }
        for (Map.Entry<String, UUID> choice : choices.entrySet()) {
            if (!byId.containsKey(choice.getValue())) {
                throw new ProblemException(ProblemType.VALIDATION_FAILED, "a chosen record is not part of the merge",
                        List.of(new FieldError("/fields/" + choice.getKey(), "must be the survivor or one of mergeIds")));
            }
        }
        Picker p = new Picker(order, byId, choices);
        CustomerDraft base = byId.get(survivor.id);
        return new CustomerDraft(base.kind(),
                p.scalar("firstName", CustomerDraft::firstName),
                p.scalar("lastName", CustomerDraft::lastName),
                p.scalar("name", CustomerDraft::name),
                p.scalar("companyId", CustomerDraft::companyId),
                onePrimary(p.union("emails", CustomerDraft::emails, EmailAddress::address), EmailAddress::primary,
                        e -> new EmailAddress(e.address(), e.label(), false)),
                onePrimary(p.union("phones", CustomerDraft::phones, PhoneNumber::number), PhoneNumber::primary,
                        n -> new PhoneNumber(n.number(), n.label(), false)),
                p.union("addresses", CustomerDraft::addresses, a -> a),
                p.attributes(),
                p.scalar("ownerId", CustomerDraft::ownerId),
                p.scalar("lifecycleStage", CustomerDraft::lifecycleStage),
                p.scalar("externalId", CustomerDraft::externalId),
                // The survivor keeps its own sensitive fields; the merged-away ones stay sealed on their rows.
                null);
    }

    private static <T> List<T> onePrimary(List<T> items, Function<T, Boolean> primary, Function<T, T> demote) {
        List<T> out = new ArrayList<>();
        boolean seen = false;
        for (T item : items) {
            if (primary.apply(item)) {
                out.add(seen ? demote.apply(item) : item);
                seen = true;
            } else {
                out.add(item);
            }
        }
        return out;
    }

    private record Picker(List<CustomerDraft> order, Map<UUID, CustomerDraft> byId, Map<String, UUID> choices) {

        <T> T scalar(String field, Function<CustomerDraft, T> get) {
            if (choices.containsKey(field)) {
                return get.apply(byId.get(choices.get(field)));
            }
            for (CustomerDraft d : order) {
                T value = get.apply(d);
                if (value != null && !(value instanceof String s && s.isBlank())) {
                    return value;
                }
            }
            return null;
        }

        <T, K> List<T> union(String field, Function<CustomerDraft, List<T>> get, Function<T, K> key) {
            if (choices.containsKey(field)) {
                return get.apply(byId.get(choices.get(field)));
            }
            Set<K> seen = new LinkedHashSet<>();
            List<T> out = new ArrayList<>();
            for (CustomerDraft d : order) {
                for (T item : get.apply(d)) {
                    if (seen.add(key.apply(item))) {
                        out.add(item);
                    }
                }
            }
            return out;
        }

        Map<String, Object> attributes() {
            if (choices.containsKey("attributes")) {
                return byId.get(choices.get("attributes")).attributes();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = order.size() - 1; i >= 0; i--) {
                order.get(i).attributes().forEach((k, v) -> {
                    if (v != null) {
                        out.put(k, v);
                    }
                });
            }
            choices.forEach((field, id) -> {
                if (field.startsWith("attributes.")) {
                    String key = field.substring("attributes.".length());
                    Object v = byId.get(id).attributes().get(key);
                    if (v == null) {
                        out.remove(key);
                    } else {
                        out.put(key, v);
                    }
                }
            });
            return out;
        }
    }
}
