package dev.telemetry.collector.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.telemetry.contract.Canonical;
import dev.telemetry.contract.MachineProofs;
import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.contract.catalog.EventCatalog;

/**
 * Checks one pushed event against the envelope rules and the event catalog. The first problem wins; its reason
 * code is stable and its detail names the field, never echoing more than a sanitised fragment of the input.
 */
final class EventValidator {

    private static final String[] REQUIRED = {"event", "timestamp", "anonymousId", "proof", "os", "build"};
    private static final Map<String, String> NOT_A_STRING = Map.of("event", "unknown_event", "timestamp",
            "invalid_timestamp", "anonymousId", "invalid_anonymous_id", "proof", "invalid_proof", "os", "invalid_os",
            "build", "invalid_build");
    /** Builds that passed the catalog's pattern: a fleet runs few, and the pattern is a regular expression. */
    private static final int MAX_REMEMBERED_BUILDS = 1024;

    private final EventCatalog catalog;
    private final Duration futureTolerance;
    private final Duration maxAge;
    private final Set<String> validBuilds = ConcurrentHashMap.newKeySet();

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

    Checked check(RawEvent event, Instant now) {
        if (!event.object) {
            return Checked.rejected(null, "invalid_event", "an event must be a JSON object");
        }
        if (RawEvent.missing(event.id)) {
            return Checked.rejected(null, "missing_field", "id is required");
        }
        UUID id = event.id instanceof String text ? Canonical.uuid(text) : null;
        if (id == null) {
            return Checked.rejected(null, "invalid_id", "id must be a UUID");
        }
        String idText = id.toString();

        if (event.unknownField != null) {
            return Checked.rejected(idText, "unknown_field",
                    "'" + sanitise(event.unknownField) + "' is not an event field");
        }
        Object[] required = {event.event, event.timestamp, event.anonymousId, event.proof, event.os, event.build};
        for (int i = 0; i < required.length; i++) {
            if (RawEvent.missing(required[i])) {
                return Checked.rejected(idText, "missing_field", REQUIRED[i] + " is required");
            }
            if (!(required[i] instanceof String)) {
                return Checked.rejected(idText, NOT_A_STRING.get(REQUIRED[i]), REQUIRED[i] + " must be a string");
            }
        }
        String kind = (String) event.event;
        Optional<EventCatalog.Violation> problem = catalog.checkKind(kind);
        if (problem.isPresent()) {
            return rejected(idText, problem.get());
        }
        Instant timestamp = Canonical.utcInstant((String) event.timestamp);
        if (timestamp == null) {
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
        String anonymousId = (String) event.anonymousId;
        if (!Pseudonyms.isAnonymousId(anonymousId)) {
            return Checked.rejected(idText, "invalid_anonymous_id",
                    "anonymousId must be 64 lowercase hexadecimal characters (a SHA-256)");
        }
        String proof = (String) event.proof;
        if (!MachineProofs.isProof(proof)) {
            return Checked.rejected(idText, "invalid_proof",
                    "proof must be 64 lowercase hexadecimal characters (the machine's proof)");
        }
        String os = (String) event.os;
        String build = (String) event.build;
        problem = catalog.checkOs(os);
        if (problem.isEmpty() && !validBuilds.contains(build)) {
            problem = catalog.checkBuild(build);
            if (problem.isEmpty() && validBuilds.size() < MAX_REMEMBERED_BUILDS) {
                validBuilds.add(build);
            }
        }
        if (problem.isPresent()) {
            return rejected(idText, problem.get());
        }
        Map<String, Object> data = RawEvent.missing(event.data) ? Map.of() : event.dataObject();
        if (data == null) {
            return Checked.rejected(idText, "invalid_data", "data must be a JSON object");
        }
        for (Map.Entry<String, Object> entry : data.entrySet()) {
            problem = catalog.checkDataEntry(kind, entry.getKey(), entry.getValue());
            if (problem.isPresent()) {
                return rejected(idText, problem.get());
            }
        }
        return new Checked(new ValidEvent(id, kind, timestamp, anonymousId, proof, os, build, data), idText, null,
                null);
    }

    private static Checked rejected(String id, EventCatalog.Violation violation) {
        return Checked.rejected(id, violation.reason(), violation.detail());
    }

    private static String sanitise(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return cut.replaceAll("[^A-Za-z0-9_.-]", "?");
    }
}
