package dev.telemetry.collector.ingest;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.telemetry.contract.MachineProofs;
import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.catalog.EventCatalog;

/**
 * Checks one pushed event against the envelope rules and the event catalog. The first problem wins; its reason
 * code is stable and its detail names the field, never echoing more than a sanitised fragment of the input.
 */
final class EventValidator {

    private static final Set<String> FIELDS = Set.of("id", "event", "timestamp", "anonymousId", "proof", "os", "build",
            "data");
    private static final Map<String, String> NOT_A_STRING = Map.of("event", "unknown_event", "timestamp",
            "invalid_timestamp", "anonymousId", "invalid_anonymous_id", "proof", "invalid_proof", "os", "invalid_os",
            "build",
            "invalid_build");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern UTC_INSTANT = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

    private final EventCatalog catalog;
    private final Duration futureTolerance;
    private final Duration maxAge;

    EventValidator(EventCatalog catalog, Duration futureTolerance, Duration maxAge) {
        this.catalog = catalog;
        this.futureTolerance = futureTolerance;
        this.maxAge = maxAge;
    }

    /** An event that passed every check; {@code data} holds only catalog keys. */
    record ValidEvent(UUID id, String kind, Instant timestamp, String anonymousId, String proof, String os,
            String build, Map<String, Object> data) {
    }

    /** Either a valid event or the reason it is rejected (and its id, if that much was readable). */
    record Checked(ValidEvent event, String id, String reason, String detail) {
        static Checked rejected(String id, String reason, String detail) {
            return new Checked(null, id, reason, detail);
        }
    }

    Checked check(JsonNode node, Instant now) {
        if (!node.isObject()) {
            return Checked.rejected(null, "invalid_event", "an event must be a JSON object");
        }
        JsonNode idNode = node.get("id");
        if (idNode == null || idNode.isNull()) {
            return Checked.rejected(null, "missing_field", "id is required");
        }
        if (!idNode.isTextual() || !UUID_TEXT.matcher(idNode.asText()).matches()) {
            return Checked.rejected(null, "invalid_id", "id must be a UUID");
        }
        UUID id = UUID.fromString(idNode.asText());
        String idText = id.toString();

        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                return Checked.rejected(idText, "unknown_field", "'" + sanitise(name) + "' is not an event field");
            }
        }
        for (String required : new String[]{"event", "timestamp", "anonymousId", "proof", "os", "build"}) {
            JsonNode value = node.get(required);
            if (value == null || value.isNull()) {
                return Checked.rejected(idText, "missing_field", required + " is required");
            }
            if (!value.isTextual()) {
                return Checked.rejected(idText, NOT_A_STRING.get(required), required + " must be a string");
            }
        }
        String kind = node.get("event").asText();
        Optional<EventCatalog.Violation> problem = catalog.checkKind(kind);
        if (problem.isPresent()) {
            return rejected(idText, problem.get());
        }
        Instant timestamp;
        String timestampText = node.get("timestamp").asText();
        try {
            if (!UTC_INSTANT.matcher(timestampText).matches()) {
                throw new DateTimeParseException("not UTC", timestampText, 0);
            }
            timestamp = Instant.parse(timestampText);
        } catch (DateTimeParseException e) {
            return Checked.rejected(idText, "invalid_timestamp",
                    "timestamp must be an ISO-8601 UTC instant such as 2026-11-21T10:15:30Z");
        }
        if (timestamp.isAfter(now.plus(futureTolerance))) {
            return Checked.rejected(idText, "timestamp_in_future",
                    "timestamp is more than " + futureTolerance.toMinutes() + " minutes ahead of the server clock");
        }
        if (timestamp.isBefore(now.minus(maxAge))) {
            return Checked.rejected(idText, "timestamp_too_old",
                    "events older than " + maxAge.toDays() + " days are not accepted");
        }
        String anonymousId = node.get("anonymousId").asText();
        if (!Pseudonyms.isAnonymousId(anonymousId)) {
            return Checked.rejected(idText, "invalid_anonymous_id",
                    "anonymousId must be 64 lowercase hexadecimal characters (a SHA-256)");
        }
        String proof = node.get("proof").asText();
        if (!MachineProofs.isProof(proof)) {
            return Checked.rejected(idText, "invalid_proof",
                    "proof must be 64 lowercase hexadecimal characters (the machine's proof)");
        }
        String os = node.get("os").asText();
        problem = catalog.checkOs(os).or(() -> catalog.checkBuild(node.get("build").asText()));
        if (problem.isPresent()) {
            return rejected(idText, problem.get());
        }
        JsonNode data = node.has("data") && !node.get("data").isNull()
                ? node.get("data")
                : JsonNodeFactory.instance.objectNode();
        problem = catalog.checkData(kind, data);
        if (problem.isPresent()) {
            return rejected(idText, problem.get());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        data.fields().forEachRemaining(field -> values.put(field.getKey(), value(field.getValue())));
        return new Checked(new ValidEvent(id, kind, timestamp, anonymousId, proof, os, node.get("build").asText(),
                values),
                idText, null, null);
    }

    private static Object value(JsonNode node) {
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.isIntegralNumber() ? (Object) node.asLong() : node.asText();
    }

    private static Checked rejected(String id, EventCatalog.Violation violation) {
        return Checked.rejected(id, violation.reason(), violation.detail());
    }

    private static String sanitise(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return cut.replaceAll("[^A-Za-z0-9_.-]", "?");
    }
}
