package io.clientele.customer.api;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.clientele.customer.domain.ContactPoints;
import io.clientele.customer.domain.Customer;
import io.clientele.customer.domain.CustomerDraft;
import io.clientele.customer.domain.CustomerEvents;
import io.clientele.customer.domain.CustomerKind;
import io.clientele.customer.domain.EmailAddress;
import io.clientele.customer.domain.LifecycleStage;
import io.clientele.customer.domain.PhoneNumber;
import io.clientele.customer.domain.PostalAddress;
import io.clientele.customer.domain.Sensitive;
import io.clientele.customer.domain.SensitiveData;
import io.clientele.platform.errors.ProblemException;
import io.clientele.platform.errors.ProblemType;
import io.clientele.platform.errors.ValidationErrors;
import io.clientele.platform.json.MergePatcher;

/** Turns API models into validated, normalised domain drafts and domain objects into views. */
@ApplicationScoped
public class CustomerMapper implements CustomerEvents {

    static final int MAX_NAME = 200;
    static final int MAX_LABEL = 50;
    static final int MAX_ID = 128;
    static final int MAX_EMAILS = 20;
    static final int MAX_PHONES = 20;
    static final int MAX_ADDRESSES = 10;
    static final int MAX_ATTRIBUTES = 100;
    static final int MAX_ATTRIBUTES_BYTES = 16 * 1024;
    private static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    static final int MAX_NATIONAL_ID = 64;
    static final int MAX_PRIVATE_NOTES = 4000;

    private final ObjectMapper mapper;
    private final MergePatcher patcher;
    private final SensitiveData sensitive;

    CustomerMapper(ObjectMapper mapper, MergePatcher patcher, SensitiveData sensitive) {
        this.mapper = mapper;
        this.patcher = patcher;
        this.sensitive = sensitive;
    }

    /** The customer with its sensitive fields masked: the safe default wherever the caller is not asked. */
    public CustomerView toView(Customer c) {
        return view(c, sensitive.masked(c));
    }

    /** The customer as {@code reveal} allows: sensitive values in clear, or masked. */
    public CustomerView toView(Customer c, boolean reveal) {
        return view(c, reveal ? sensitive.clear(c) : sensitive.masked(c));
    }

    /** The sensitive fields alone, clear or masked (CSV columns). */
    public Map<String, String> sensitiveFields(Customer c, boolean reveal) {
        return reveal ? sensitive.clear(c) : sensitive.masked(c);
    }

    private static CustomerView view(Customer c, Map<String, String> sensitiveFields) {
        return new CustomerView(c.id, c.kind, c.displayName, c.firstName, c.lastName, c.name, c.companyId,
                c.contacts.emails(), c.contacts.phones(), c.contacts.addresses(), c.attributes, c.ownerId, c.lifecycleStage, c.externalId,
                sensitiveFields, c.version, c.createdAt, c.updatedAt);
    }

    /** History entries and events: sensitive fields as keyed fingerprints, never values (docs/security.md). */
    @Override
    public Object view(Customer customer) {
        return view(customer, sensitive.fingerprints(customer));
    }

    /** The draft for a new customer; the owner defaults to the caller. */
    public CustomerDraft toDraft(CustomerInput input, String defaultOwner) {
        return validate(input, defaultOwner, false);
    }

    /**
     * A match probe: validated like a create, but kind defaults to person and no name is required,
     * so a gateway can ask "who has this email" with whatever it knows.
     */
    public CustomerDraft toProbe(CustomerInput input) {
        CustomerInput in = input.kind() != null ? input : new CustomerInput("person", input.firstName(),
                input.lastName(), input.name(), input.companyId(), input.emails(), input.phones(), input.addresses(),
                input.attributes(), input.ownerId(), input.lifecycleStage(), input.externalId(), input.sensitive());
        return validate(in, null, true);
    }

    /** The draft after applying a JSON merge patch to the customer's current state. */
    public CustomerDraft patch(Customer current, JsonNode patch) {
        CustomerInput input = patcher.apply(patchable(current), patch, CustomerInput.class);
        if (!current.kind.equals(input.kind())) {
            throw new ProblemException(ProblemType.VALIDATION_FAILED, "/kind: kind cannot be changed",
                    List.of(new io.clientele.platform.errors.FieldError("/kind", "kind cannot be changed")));
        }
        return validate(input, null, false);
    }

    /** The current state in the writable shape of {@link CustomerInput}. */
    ObjectNode patchable(Customer c) {
        ObjectNode node = mapper.createObjectNode();
        node.put("kind", c.kind);
        putIfPresent(node, "firstName", c.firstName);
        putIfPresent(node, "lastName", c.lastName);
        putIfPresent(node, "name", c.name);
        putIfPresent(node, "companyId", c.companyId == null ? null : c.companyId.toString());
        node.set("emails", mapper.valueToTree(c.contacts.emails()));
        node.set("phones", mapper.valueToTree(c.contacts.phones()));
        node.set("addresses", mapper.valueToTree(c.contacts.addresses()));
        node.set("attributes", mapper.valueToTree(c.attributes));
        putIfPresent(node, "ownerId", c.ownerId);
        node.put("lifecycleStage", c.lifecycleStage);
        putIfPresent(node, "externalId", c.externalId);
        Map<String, String> clear = sensitive.clear(c);
        if (clear != null) {
            node.set("sensitive", mapper.valueToTree(clear));
        }
        return node;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private CustomerDraft validate(CustomerInput in, String defaultOwner, boolean probe) {
        ValidationErrors errors = new ValidationErrors();
        CustomerKind kind = null;
        if (in.kind() == null) {
            errors.add("/kind", "is required: person or company");
        } else if (!in.kind().equals("person") && !in.kind().equals("company")) {
            errors.add("/kind", "must be person or company");
        } else {
            kind = CustomerKind.valueOf(in.kind().toUpperCase(Locale.ROOT));
        }
        String firstName = text(errors, "/firstName", in.firstName(), MAX_NAME);
        String lastName = text(errors, "/lastName", in.lastName(), MAX_NAME);
        String name = text(errors, "/name", in.name(), MAX_NAME);
        if (kind == CustomerKind.PERSON) {
            if (firstName == null && lastName == null && !probe) {
                errors.add("/firstName", "a person needs a firstName or a lastName");
            }
            if (name != null) {
                errors.add("/name", "is for companies; a person has firstName and lastName");
            }
        } else if (kind == CustomerKind.COMPANY) {
            if (name == null && !probe) {
                errors.add("/name", "is required for a company");
            }
            if (firstName != null || lastName != null) {
                errors.add(firstName != null ? "/firstName" : "/lastName", "is for persons; a company has a name");
            }
            if (in.companyId() != null) {
                errors.add("/companyId", "only a person can belong to a company");
            }
        }
        List<EmailAddress> emails = emails(errors, in.emails());
        List<PhoneNumber> phones = phones(errors, in.phones());
        List<PostalAddress> addresses = addresses(errors, in.addresses());
        Map<String, Object> attributes = attributes(errors, in.attributes());
        String ownerId = text(errors, "/ownerId", in.ownerId(), MAX_ID);
        LifecycleStage stage = LifecycleStage.LEAD;
        if (in.lifecycleStage() != null) {
            if (LifecycleStage.API_NAMES.contains(in.lifecycleStage())) {
                stage = LifecycleStage.valueOf(in.lifecycleStage().toUpperCase(Locale.ROOT));
            } else {
                errors.add("/lifecycleStage", "must be one of " + String.join(", ", LifecycleStage.API_NAMES));
            }
        }
        String externalId = text(errors, "/externalId", in.externalId(), MAX_ID);
        Sensitive secret = sensitive(errors, in.sensitive(), kind);
        errors.throwIfAny();
        return new CustomerDraft(kind, firstName, lastName, name, in.companyId(), emails, phones, addresses,
                attributes, ownerId != null ? ownerId : defaultOwner, stage, externalId, secret);
    }

    /** Validated, normalised sensitive fields; absent means none (a create) or all removed (a patch). */
    private static Sensitive sensitive(ValidationErrors errors, CustomerInput.SensitiveInput in, CustomerKind kind) {
        if (in == null) {
            return Sensitive.NONE;
        }
        String nationalId = text(errors, "/sensitive/nationalId", in.nationalId(), MAX_NATIONAL_ID);
        if (nationalId != null) {
            nationalId = SensitiveData.normaliseNationalId(nationalId);
            if (nationalId.isEmpty() || !nationalId.chars().allMatch(Character::isLetterOrDigit)) {
                errors.add("/sensitive/nationalId", "must hold letters and digits (spaces, dots, dashes and slashes are ignored)");
            }
        }
        String birthDate = text(errors, "/sensitive/birthDate", in.birthDate(), 10);
        if (birthDate != null) {
            try {
                LocalDate date = LocalDate.parse(birthDate);
                if (date.isAfter(LocalDate.now(ZoneOffset.UTC)) || date.getYear() < 1850) {
                    errors.add("/sensitive/birthDate", "must be a date between 1850-01-01 and today");
                }
            } catch (DateTimeParseException e) {
                errors.add("/sensitive/birthDate", "must be a date in the form YYYY-MM-DD");
            }
        }
        String phone = text(errors, "/sensitive/personalPhone", in.personalPhone(), 40);
        if (phone != null) {
            var e164 = ContactPoints.phone(phone, null);
            if (e164.isEmpty()) {
                errors.add("/sensitive/personalPhone", "is not a valid phone number in +E.164 form");
            } else {
                phone = e164.get();
            }
        }
        String notes = text(errors, "/sensitive/privateNotes", in.privateNotes(), MAX_PRIVATE_NOTES);
        if (kind == CustomerKind.COMPANY && (nationalId != null || birthDate != null || phone != null)) {
            errors.add("/sensitive", "nationalId, birthDate and personalPhone are for persons; a company has privateNotes only");
        }
        return new Sensitive(nationalId, birthDate, phone, notes);
    }

    private static String text(ValidationErrors errors, String pointer, String value, int max) {
        return errors.text(pointer, value, max);
    }

    private static List<EmailAddress> emails(ValidationErrors errors, List<CustomerInput.EmailInput> in) {
        List<EmailAddress> out = new ArrayList<>();
        if (in == null) {
            return out;
        }
        if (in.size() > MAX_EMAILS) {
            errors.add("/emails", "at most " + MAX_EMAILS + " email addresses");
            return out;
        }
        Set<String> seen = new HashSet<>();
        int primaries = 0;
        for (int i = 0; i < in.size(); i++) {
            CustomerInput.EmailInput e = in.get(i);
            String pointer = "/emails/" + i;
            if (e == null || e.address() == null) {
                errors.add(pointer + "/address", "is required");
                continue;
            }
            var normalised = ContactPoints.email(e.address());
            if (normalised.isEmpty()) {
                errors.add(pointer + "/address", "is not a valid email address");
                continue;
            }
            if (!seen.add(normalised.get())) {
                errors.add(pointer + "/address", "is listed twice");
            }
            boolean primary = Boolean.TRUE.equals(e.primary());
            primaries += primary ? 1 : 0;
            out.add(new EmailAddress(normalised.get(), text(errors, pointer + "/label", e.label(), MAX_LABEL),
                    primary));
        }
        return onePrimary(errors, "/emails", "email address", primaries, out,
                first -> new EmailAddress(first.address(), first.label(), true));
    }

    private static List<PhoneNumber> phones(ValidationErrors errors, List<CustomerInput.PhoneInput> in) {
        List<PhoneNumber> out = new ArrayList<>();
        if (in == null) {
            return out;
        }
        if (in.size() > MAX_PHONES) {
            errors.add("/phones", "at most " + MAX_PHONES + " phone numbers");
            return out;
        }
        Set<String> seen = new HashSet<>();
        int primaries = 0;
        for (int i = 0; i < in.size(); i++) {
            CustomerInput.PhoneInput p = in.get(i);
            String pointer = "/phones/" + i;
            if (p == null || p.number() == null) {
                errors.add(pointer + "/number", "is required");
                continue;
            }
            if (p.region() != null && !ContactPoints.isRegion(p.region())) {
                errors.add(pointer + "/region", "is not an ISO 3166-1 alpha-2 region with a numbering plan");
                continue;
            }
            var e164 = ContactPoints.phone(p.number(), p.region());
            if (e164.isEmpty()) {
                errors.add(pointer + "/number", p.region() == null && !p.number().strip().startsWith("+")
                        ? "is not a valid phone number; write it with its +country code or give a region"
                        : "is not a valid phone number");
                continue;
            }
            if (!seen.add(e164.get())) {
                errors.add(pointer + "/number", "is listed twice");
            }
            boolean primary = Boolean.TRUE.equals(p.primary());
            primaries += primary ? 1 : 0;
            out.add(new PhoneNumber(e164.get(), text(errors, pointer + "/label", p.label(), MAX_LABEL), primary));
        }
        return onePrimary(errors, "/phones", "phone number", primaries, out,
                first -> new PhoneNumber(first.number(), first.label(), true));
    }

    /** At most one primary; with none chosen, the first entry is the primary one. */
    private static <T> List<T> onePrimary(ValidationErrors errors, String pointer, String what, int primaries,
            List<T> items, java.util.function.UnaryOperator<T> makePrimary) {
        if (primaries > 1) {
            errors.add(pointer, "at most one " + what + " can be primary");
        }
        if (primaries == 0 && !items.isEmpty()) {
            items.set(0, makePrimary.apply(items.get(0)));
        }
        return items;
    }

    private static List<PostalAddress> addresses(ValidationErrors errors, List<CustomerInput.AddressInput> in) {
        List<PostalAddress> out = new ArrayList<>();
        if (in == null) {
            return out;
        }
        if (in.size() > MAX_ADDRESSES) {
            errors.add("/addresses", "at most " + MAX_ADDRESSES + " addresses");
            return out;
        }
        for (int i = 0; i < in.size(); i++) {
            CustomerInput.AddressInput a = in.get(i);
            String p = "/addresses/" + i;
            if (a == null) {
                errors.add(p, "must be an object");
                continue;
            }
            String country = text(errors, p + "/country", a.country(), 2);
            if (country != null) {
                country = country.toUpperCase(Locale.ROOT);
                if (!COUNTRIES.contains(country)) {
                    errors.add(p + "/country", "must be an ISO 3166-1 alpha-2 code");
                }
            }
            PostalAddress address = new PostalAddress(text(errors, p + "/label", a.label(), MAX_LABEL),
                    text(errors, p + "/line1", a.line1(), MAX_NAME), text(errors, p + "/line2", a.line2(), MAX_NAME),
                    text(errors, p + "/city", a.city(), 100), text(errors, p + "/region", a.region(), 100),
                    text(errors, p + "/postalCode", a.postalCode(), 20), country);
            if (address.line1() == null && address.city() == null && address.postalCode() == null
                    && address.country() == null) {
                errors.add(p, "needs at least one of line1, city, postalCode or country");
            }
            out.add(address);
        }
        return out;
    }

    private Map<String, Object> attributes(ValidationErrors errors, Map<String, Object> in) {
        if (in == null) {
            return new LinkedHashMap<>();
        }
        if (in.size() > MAX_ATTRIBUTES) {
            errors.add("/attributes", "at most " + MAX_ATTRIBUTES + " attributes");
            return in;
        }
        for (String key : in.keySet()) {
            if (!ATTRIBUTE_KEY.matcher(key).matches()) {
                errors.add("/attributes/" + key.replace("~", "~0").replace("/", "~1"),
                        "attribute names start with a letter and hold letters, digits and _ (max 64)");
            }
        }
        try {
            if (mapper.writeValueAsBytes(in).length > MAX_ATTRIBUTES_BYTES) {
                errors.add("/attributes", "must serialise to at most " + MAX_ATTRIBUTES_BYTES + " bytes of JSON");
            }
        } catch (JsonProcessingException e) {
            errors.add("/attributes", "must be a JSON object");
        }
        return new LinkedHashMap<>(in);
    }
}
