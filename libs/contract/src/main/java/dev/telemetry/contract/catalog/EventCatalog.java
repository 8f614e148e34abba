package dev.telemetry.contract.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The event catalog: which event kinds a CLI may send, which {@code data} keys each allows, and their types and
 * bounds. Only short enumerations, bounded integers and booleans exist, so free text, paths, URLs and e-mail
 * addresses can never pass. CF Dev's catalog is built in; an operator can load another CLI's from a file.
 */
public final class EventCatalog {

    public static final String CF_DEV = "cf-dev.json";
    private static final Pattern ENUM_VALUE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,39}");
    /** Checked on every build too, although the pattern check already guarantees it. */
    private static final Pattern SAFE_BUILD = Pattern.compile(SafeBuildPattern.SAFE_CHARACTERS + "+");
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Definition definition;
    private final Pattern build;

    /** A refusal, with a stable reason code and a detail that names the offending kind or key. */
    public record Violation(String reason, String detail) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record Definition(String name, int version, String description, List<String> os, String build,
            Map<String, Kind> events) {
    }

    public record Kind(String description, Map<String, Field> data) {
    }

    public record Field(String type, Long min, Long max, List<String> values) {
    }

    private EventCatalog(Definition definition) {
        this.definition = definition;
        this.build = Pattern.compile(definition.build());
    }

    /** The built-in CF Dev catalog. */
    public static EventCatalog cfDev() {
        try (InputStream in = Objects.requireNonNull(EventCatalog.class.getResourceAsStream(CF_DEV))) {
            return load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The catalog in force: the operator's file ({@code COLLECTOR_CATALOG}) if one is configured, else the built-in
     * CF Dev catalog. Collector and report service load it here, so both always agree on the event kinds.
     *
     * @throws UncheckedIOException if the configured file cannot be read
     */
    public static EventCatalog configured(Optional<String> file) {
        if (file.isEmpty()) {
            return cfDev();
        }
        try {
            return load(Path.of(file.get()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the event catalog " + file.get(), e);
        }
    }

    public static EventCatalog load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in);
        }
    }

    /** @throws IllegalArgumentException if the catalog would let unbounded values through */
    public static EventCatalog load(InputStream in) throws IOException {
        Definition definition = JSON.readValue(in, Definition.class);
        check(definition);
        return new EventCatalog(definition);
    }

    /** E.g. {@code cf-dev@1}: stamped on every accepted event and every report. */
    public String id() {
        return definition.name() + "@" + definition.version();
    }

    public Map<String, Kind> kinds() {
        return definition.events();
    }

    public List<String> operatingSystems() {
        return definition.os();
    }

    public String buildPattern() {
        return definition.build();
    }

    public Optional<Violation> checkKind(String kind) {
        return definition.events().containsKey(kind)
                ? Optional.empty()
                : Optional.of(new Violation("unknown_event", "unknown event kind '" + printable(kind) + "'"));
    }

    public Optional<Violation> checkOs(String os) {
        return definition.os().contains(os)
                ? Optional.empty()
                : Optional.of(new Violation("invalid_os", "os must be one of " + definition.os()));
    }

    public Optional<Violation> checkBuild(String value) {
        return value.length() <= 64 && SAFE_BUILD.matcher(value).matches() && build.matcher(value).matches()
                ? Optional.empty()
                : Optional.of(new Violation("invalid_build", "build must match " + definition.build()));
    }

    /**
     * Checks {@code data} (a JSON object) against {@code kind}'s keys; the first problem found, if any. Every key
     * is optional; unknown keys are refused.
     */
    public Optional<Violation> checkData(String kind, JsonNode data) {
        if (!data.isObject()) {
            return Optional.of(new Violation("invalid_data", "data must be a JSON object"));
        }
        Iterator<Map.Entry<String, JsonNode>> entries = data.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            Optional<Violation> problem = checkDataEntry(kind, entry.getKey(), scalar(entry.getValue()));
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /**
     * Checks one key of {@code kind}'s {@code data} and its value as read from JSON: a {@link Long} (an integer
     * that fits in one), a {@link Boolean}, a {@link String}, or anything else (another number, null, an object or
     * an array), which no field admits. For readers that do not build a JSON tree.
     */
    public Optional<Violation> checkDataEntry(String kind, String key, Object value) {
        Map<String, Field> fields = definition.events().get(kind).data();
        Field field = fields.get(key);
        if (field == null) {
            return Optional.of(new Violation("unknown_data_key",
                    "'" + printable(key) + "' is not a data key of " + kind + "; allowed: " + fields.keySet()));
        }
        if (!fits(field, value)) {
            return Optional.of(new Violation("invalid_data_value", "data." + key + " must be " + describe(field)));
        }
        return Optional.empty();
    }

    private static Object scalar(JsonNode value) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        return value.isTextual() ? value.asText() : value;
    }

    private static boolean fits(Field field, Object value) {
        return switch (field.type()) {
            case "integer" -> value instanceof Long number && number >= field.min() && number <= field.max();
            case "enum" -> value instanceof String text && field.values().contains(text);
            case "boolean" -> value instanceof Boolean;
            default -> false;
        };
    }

    private static String describe(Field field) {
        return switch (field.type()) {
            case "integer" -> "an integer from " + field.min() + " to " + field.max();
            case "enum" -> "one of " + field.values();
            default -> "a boolean";
        };
    }

    /** Echoes at most a short, harmless prefix of what the client sent. */
    private static String printable(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return cut.replaceAll("[^A-Za-z0-9_.@-]", "?");
    }

    private static void check(Definition definition) {
        require(definition.name() != null && KEY.matcher(definition.name().replace('-', '_')).matches(),
                "catalog name");
        require(definition.version() > 0, "catalog version");
        require(definition.os() != null && !definition.os().isEmpty()
                && definition.os().stream().allMatch(os -> ENUM_VALUE.matcher(os).matches()), "os values");
        require(definition.build() != null && definition.build().startsWith("^") && definition.build().endsWith("$")
                && !definition.build().contains("*") && !definition.build().contains("+"),
                "build must be an anchored pattern without unbounded repetition");
        SafeBuildPattern.problem(definition.build()).ifPresent(why -> {
            throw new IllegalArgumentException("invalid event catalog " + definition.name() + "@"
                    + definition.version() + ": build pattern " + definition.build()
                    + " may admit characters outside " + SafeBuildPattern.SAFE_CHARACTERS + " (" + why + ")");
        });
        require(definition.events() != null && !definition.events().isEmpty(), "events");
        Map<String, Kind> events = new LinkedHashMap<>(definition.events());
        events.forEach((kind, spec) -> {
            require(KEY.matcher(kind).matches(), "event kind " + kind);
            require(spec.data() != null, "data of " + kind);
            spec.data().forEach((key, field) -> {
                String where = kind + ".data." + key;
                require(KEY.matcher(key).matches(), where);
                switch (String.valueOf(field.type())) {
                    case "integer" -> require(field.min() != null && field.max() != null && field.min() <= field.max(),
                            where + " needs min <= max");
                    case "enum" -> require(field.values() != null && !field.values().isEmpty()
                            && field.values().size() <= 64
                            && field.values().stream().allMatch(v -> ENUM_VALUE.matcher(v).matches()),
                            where + " needs 1-64 short lowercase values");
                    case "boolean" -> {
                    }
                    default -> throw new IllegalArgumentException(where + ": type must be integer, enum or boolean");
                }
            });
        });
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalArgumentException("invalid event catalog: " + what);
        }
    }
}
