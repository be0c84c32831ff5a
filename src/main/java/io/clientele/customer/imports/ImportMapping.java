package io.clientele.customer.imports;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.clientele.customer.domain.ContactPoints;
import io.clientele.platform.errors.ValidationErrors;

/**
 * The checked options of an import: which CSV column feeds which customer field, constant defaults, the
 * phone region, the duplicate policy and the natural keys to match on. Turns each record into a document
 * in the shape of the customer create body ({@code CustomerInput}), so every row then goes through the
 * same validation and normalisation as {@code POST /v1/customers}.
 *
 * <p>Field paths: {@code kind}, {@code firstName}, {@code lastName}, {@code name}, {@code ownerId},
 * {@code lifecycleStage}, {@code externalId}; {@code emails[i].address|label|primary},
 * {@code phones[i].number|region|label|primary}, {@code addresses[i].label|line1|line2|city|region|postalCode|country}
 * with {@code i} from 0 to 19; {@code attributes.<name>}.
 */
public final class ImportMapping {

    static final int MAX_INDEX = 19;
    static final int MAX_COLUMNS = 500;
    private static final Set<String> SCALARS = Set.of("kind", "firstName", "lastName", "name", "ownerId",
            "lifecycleStage", "externalId");
    private static final Map<String, Set<String>> LISTS = Map.of(
            "emails", Set.of("address", "label", "primary"),
            "phones", Set.of("number", "region", "label", "primary"),
            "addresses", Set.of("label", "line1", "line2", "city", "region", "postalCode", "country"));
    private static final Pattern LIST_PATH = Pattern.compile("(emails|phones|addresses)\\[(\\d{1,2})\\]\\.([A-Za-z0-9]+)");
    private static final Pattern ATTRIBUTE = Pattern.compile("attributes\\.([A-Za-z][A-Za-z0-9_]{0,63})");
    static final String FIELDS_HELP = "kind, firstName, lastName, name, ownerId, lifecycleStage, externalId, "
            + "emails[i].address|label|primary, phones[i].number|region|label|primary, "
            + "addresses[i].label|line1|line2|city|region|postalCode|country (i from 0 to 19) or attributes.<name>";

    /** A customer field a column or default writes to. {@code list} is null for top-level and attribute fields. */
    record FieldPath(String spelled, String list, int index, String member, boolean attribute) {

        String pointer() {
            if (list != null) {
                return "/" + list + "/" + index + "/" + member;
            }
            return attribute ? "/attributes/" + member : "/" + member;
        }

        boolean isBoolean() {
            return "primary".equals(member) && list != null;
        }

        static FieldPath parse(String path) {
            if (path == null) {
                return null;
            }
            if (SCALARS.contains(path)) {
                return new FieldPath(path, null, 0, path, false);
            }
            Matcher attribute = ATTRIBUTE.matcher(path);
            if (attribute.matches()) {
                return new FieldPath(path, null, 0, attribute.group(1), true);
            }
            Matcher list = LIST_PATH.matcher(path);
            if (list.matches() && LISTS.get(list.group(1)).contains(list.group(3))) {
                int index = Integer.parseInt(list.group(2));
                return index > MAX_INDEX ? null : new FieldPath(path, list.group(1), index, list.group(3), false);
            }
            return null;
        }
    }

    /** A record turned into a customer document; {@code columns} names the CSV column behind each pointer. */
    public record RowDoc(ObjectNode doc, Map<String, String> columns, String error) {

        /** The CSV column a JSON pointer of the document came from, or null. */
        public String column(String pointer) {
            if (columns == null || pointer == null) {
                return null;
            }
            String p = pointer;
            while (!p.isEmpty()) {
                String column = columns.get(p);
                if (column != null) {
                    return column;
                }
                int slash = p.lastIndexOf('/');
                p = slash <= 0 ? "" : p.substring(0, slash);
            }
            return null;
        }
    }

    private final ImportFormat format;
    private final FieldPath[] columns;
    private final List<String> header;
    private final Map<FieldPath, JsonNode> defaults;
    private final String defaultRegion;
    private final ImportDuplicatePolicy policy;
    private final List<MatchKey> matchOn;
    private final FuzzyMode fuzzy;

    private ImportMapping(ImportFormat format, List<String> header, FieldPath[] columns,
            Map<FieldPath, JsonNode> defaults, String defaultRegion, ImportDuplicatePolicy policy, List<MatchKey> matchOn,
            FuzzyMode fuzzy) {
        this.fuzzy = fuzzy;
        this.format = format;
        this.header = header;
        this.columns = columns;
        this.defaults = defaults;
        this.defaultRegion = defaultRegion;
        this.policy = policy;
        this.matchOn = matchOn;
    }

    public ImportFormat format() {
        return format;
    }

    public ImportDuplicatePolicy policy() {
        return policy;
    }

    public FuzzyMode fuzzy() {
        return fuzzy;
    }

    public List<MatchKey> matchOn() {
        return matchOn;
    }

    public String defaultRegion() {
        return defaultRegion;
    }

    public List<String> header() {
        return header;
    }

    /** The format named by the options, or null when they name none or an unknown one (reported by {@link #of}). */
    public static ImportFormat formatOf(ImportOptions options) {
        return options.format() != null && ImportFormat.API_NAMES.contains(options.format())
                ? ImportFormat.of(options.format()) : null;
    }

    /**
     * Checks the options against the file's header (CSV) and answers 422 with pointers into {@code /options}
     * for every problem: unknown target fields, mapped columns missing from the file, two columns for one
     * field, bad policy, keys or region. Without a mapping, CSV headers must themselves be field paths.
     */
    public static ImportMapping of(ImportOptions options, List<String> header) {
        ValidationErrors errors = new ValidationErrors();
        ImportFormat format = formatOf(options);
        if (options.format() == null) {
            errors.add("/options/format", "is required: csv or ndjson");
        } else if (format == null) {
            errors.add("/options/format", "must be csv or ndjson");
        }
        ImportDuplicatePolicy policy = ImportDuplicatePolicy.SKIP;
        if (options.duplicatePolicy() != null) {
            if (ImportDuplicatePolicy.API_NAMES.contains(options.duplicatePolicy())) {
                policy = ImportDuplicatePolicy.valueOf(options.duplicatePolicy().toUpperCase(Locale.ROOT));
            } else {
                errors.add("/options/duplicatePolicy", "must be one of skip, update, create");
            }
        }
        FuzzyMode fuzzy = FuzzyMode.OFF;
        if (options.fuzzy() != null) {
            fuzzy = FuzzyMode.of(options.fuzzy());
            if (fuzzy == null) {
                errors.add("/options/fuzzy", "must be one of off, flag, skip");
            } else if (fuzzy != FuzzyMode.OFF && policy == ImportDuplicatePolicy.CREATE) {
                errors.add("/options/fuzzy", "must be off when duplicatePolicy is create (every row creates)");
            }
        }
        List<MatchKey> matchOn = List.of(MatchKey.EXTERNAL_ID, MatchKey.EMAIL, MatchKey.PHONE);
        if (options.matchOn() != null) {
            List<MatchKey> keys = new ArrayList<>();
            for (int i = 0; i < options.matchOn().size(); i++) {
                MatchKey key = MatchKey.of(options.matchOn().get(i));
                if (key == null) {
                    errors.add("/options/matchOn/" + i, "must be externalId, email or phone");
                } else if (keys.contains(key)) {
                    errors.add("/options/matchOn/" + i, "is listed twice");
                } else {
                    keys.add(key);
                }
            }
            if (options.matchOn().isEmpty()) {
                errors.add("/options/matchOn", "needs at least one of externalId, email, phone");
            }
            matchOn = List.copyOf(keys);
        }
        String region = null;
        if (options.defaultRegion() != null) {
            if (ContactPoints.isRegion(options.defaultRegion())) {
                region = options.defaultRegion().toUpperCase(Locale.ROOT);
            } else {
                errors.add("/options/defaultRegion", "is not an ISO 3166-1 alpha-2 region with a numbering plan");
            }
        }
        Map<FieldPath, JsonNode> defaults = new LinkedHashMap<>();
        if (options.defaults() != null) {
            ObjectMapper plain = new ObjectMapper();
            options.defaults().forEach((path, value) -> {
                FieldPath field = FieldPath.parse(path);
                String pointer = "/options/defaults/" + escape(path);
                if (field == null) {
                    errors.add(pointer, "is not a customer field; use " + FIELDS_HELP);
                } else if (field.list() != null) {
                    errors.add(pointer, "defaults apply to single fields and attributes, not to list entries");
                } else if (value != null) {
                    defaults.put(field, plain.valueToTree(value));
                }
            });
        }
        FieldPath[] columns = null;
        if (format == ImportFormat.CSV && header != null) {
            columns = csvColumns(options.mapping(), header, errors);
        } else if (format == ImportFormat.NDJSON && options.mapping() != null && !options.mapping().isEmpty()) {
            errors.add("/options/mapping", "is for CSV; NDJSON lines are objects in the shape of a customer create body");
        }
        errors.throwIfAny();
        return new ImportMapping(format, header, columns, defaults, region, policy, matchOn, fuzzy);
    }

    private static FieldPath[] csvColumns(Map<String, String> mapping, List<String> header, ValidationErrors errors) {
        if (header.size() > MAX_COLUMNS) {
            errors.add("/file", "has " + header.size() + " columns; at most " + MAX_COLUMNS);
            return null;
        }
        FieldPath[] columns = new FieldPath[header.size()];
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (positions.putIfAbsent(header.get(i), i) != null && (mapping == null || mapping.containsKey(header.get(i)))) {
                errors.add("/file", "the header names column '" + header.get(i) + "' twice");
            }
        }
        Map<String, String> used = new HashMap<>();
        if (mapping == null || mapping.isEmpty()) {
            // Without a mapping the header itself must name the fields.
            for (int i = 0; i < header.size(); i++) {
                FieldPath field = FieldPath.parse(header.get(i));
                if (field == null) {
                    errors.add("/file", "column '" + header.get(i) + "' is not a customer field; give a mapping or "
                            + "name the columns " + FIELDS_HELP);
                } else {
                    columns[i] = field;
                }
            }
            return columns;
        }
        mapping.forEach((column, path) -> {
            String pointer = "/options/mapping/" + escape(column);
            FieldPath field = FieldPath.parse(path);
            Integer position = positions.get(column.strip());
            if (field == null) {
                errors.add(pointer, "'" + path + "' is not a customer field; use " + FIELDS_HELP);
            } else if (position == null) {
                errors.add(pointer, "the file has no column '" + column + "'; its header is " + header);
            } else {
                String other = used.putIfAbsent(field.spelled(), column);
                if (other != null) {
                    errors.add(pointer, "'" + path + "' is already fed by column '" + other + "'");
                } else {
                    columns[position] = field;
                }
            }
        });
        return columns;
    }

    /** The customer document of a CSV record (data fields in header order). */
    public RowDoc csvRow(List<String> fields) {
        if (fields.size() != columns.length) {
            return new RowDoc(null, null, "has " + fields.size() + " fields but the header has " + columns.length);
        }
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        Map<String, String> origin = new HashMap<>();
        Map<String, TreeMap<Integer, ObjectNode>> lists = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, Map<String, String>>> listOrigins = new HashMap<>();
        for (int i = 0; i < columns.length; i++) {
            FieldPath field = columns[i];
            if (field == null) {
                continue;
            }
            String value = fields.get(i).strip();
            if (value.isEmpty()) {
                continue;
            }
            JsonNode node = field.isBoolean() ? bool(value) : JsonNodeFactory.instance.textNode(value);
            if (field.list() != null) {
                lists.computeIfAbsent(field.list(), k -> new TreeMap<>())
                        .computeIfAbsent(field.index(), k -> JsonNodeFactory.instance.objectNode())
                        .set(field.member(), node);
                listOrigins.computeIfAbsent(field.list(), k -> new TreeMap<>())
                        .computeIfAbsent(field.index(), k -> new HashMap<>()).put(field.member(), header.get(i));
            } else if (field.attribute()) {
                doc.withObject("/attributes").set(field.member(), node);
                origin.put(field.pointer(), header.get(i));
            } else {
                doc.set(field.member(), node);
                origin.put(field.pointer(), header.get(i));
            }
        }
        // Entries are compacted (an empty "Email 1" with a filled "Email 2" gives one email) and
        // their pointers remembered so errors still name the right column.
        lists.forEach((list, entries) -> {
            ArrayNode array = doc.putArray(list);
            for (Map.Entry<Integer, ObjectNode> entry : entries.entrySet()) {
                int at = array.size();
                array.add(entry.getValue());
                listOrigins.get(list).get(entry.getKey())
                        .forEach((member, column) -> origin.put("/" + list + "/" + at + "/" + member, column));
            }
        });
        complete(doc);
        return new RowDoc(doc, origin, null);
    }

    /** The customer document of an NDJSON line (already parsed as a JSON object). */
    public RowDoc jsonRow(ObjectNode doc) {
        complete(doc);
        return new RowDoc(doc, null, null);
    }

    /**
     * A copy of a row document with the defaults filled into absent fields; used only when the row creates a
     * customer, so a default never overwrites what an existing customer already has.
     */
    public ObjectNode withDefaults(ObjectNode row) {
        if (defaults.isEmpty()) {
            return row;
        }
        ObjectNode doc = row.deepCopy();
        defaults.forEach((field, value) -> {
            if (field.attribute()) {
                JsonNode attributes = doc.get("attributes");
                if (attributes == null || attributes.isNull()) {
                    doc.putObject("attributes").set(field.member(), value.deepCopy());
                } else if (attributes instanceof ObjectNode object && !object.has(field.member())) {
                    object.set(field.member(), value.deepCopy());
                }
            } else if (!doc.hasNonNull(field.member())) {
                doc.set(field.member(), value.deepCopy());
            }
        });
        return doc;
    }

    /** Gives phones written without a region the default region. */
    private void complete(ObjectNode doc) {
        if (defaultRegion != null && doc.get("phones") instanceof ArrayNode phones) {
            for (JsonNode phone : phones) {
                if (phone instanceof ObjectNode p && !p.hasNonNull("region")) {
                    p.put("region", defaultRegion);
                }
            }
        }
    }

    private static JsonNode bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "y", "1" -> JsonNodeFactory.instance.booleanNode(true);
            case "false", "no", "n", "0" -> JsonNodeFactory.instance.booleanNode(false);
            // Left as text: the customer rules then report "expected a boolean" for this column.
            default -> JsonNodeFactory.instance.textNode(value);
        };
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
