package dev.telemetry.contract.usage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.StreamReadConstraints;

import dev.telemetry.contract.Canonical;
import dev.telemetry.contract.IntegrationJson;

/**
 * Reads a usage record exactly as {@link PlainUsageEventWriter} writes it (its fields in its order, text of
 * printable ASCII without escapes, no whitespace) straight from the bytes; null for anything else, which
 * {@link UsageEventJson#read} leaves to its streaming reader. report-service reads every record, and Jackson's
 * parser was a tenth of its time.
 */
final class PlainUsageEventReader {

    private static final byte[] TYPE = ascii("{\"type\":\"" + UsageEvent.TYPE + "\",\"eventId\":");
    private static final byte[] PSEUDONYM = ascii(",\"pseudonym\":");
    private static final byte[] OCCURRED_AT = ascii(",\"occurredAt\":");
    private static final byte[] EVENT = ascii(",\"event\":");
    private static final byte[] OS = ascii(",\"os\":");
    private static final byte[] BUILD = ascii(",\"build\":");
    private static final byte[] DATA = ascii(",\"data\":{");
    private static final byte[] RECEIVED_AT = ascii("},\"receivedAt\":");
    private static final byte[] CATALOG = ascii(",\"catalog\":");
    private static final byte[] SCHEMA_VERSION = ascii(",\"schemaVersion\":");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    /** Integers of up to 18 digits fit a long; longer ones, which may not, are the streaming reader's. */
    private static final int MAX_DIGITS = 18;
    /** Jackson's default limits, which the streaming reader and the mapper apply: longer text is theirs to refuse. */
    private static final int MAX_NAME = StreamReadConstraints.defaults().getMaxNameLength();
    private static final int MAX_TEXT = StreamReadConstraints.defaults().getMaxStringLength();

    private final byte[] json;
    private int at;

    private PlainUsageEventReader(byte[] json) {
        this.json = json;
    }

    static UsageEvent read(byte[] json) {
        return new PlainUsageEventReader(json).event();
    }

    private UsageEvent event() {
        if (!literal(TYPE)) {
            return null;
        }
        UUID eventId = uuid();
        String pseudonym = literal(PSEUDONYM) ? text() : null;
        Instant occurredAt = literal(OCCURRED_AT) ? instant() : null;
        String event = literal(EVENT) ? text() : null;
        String os = literal(OS) ? text() : null;
        String build = literal(BUILD) ? text() : null;
        if (eventId == null || pseudonym == null || occurredAt == null || event == null || os == null
                || build == null || !literal(DATA)) {
            return null;
        }
        Map<String, Object> data = data();
        Instant receivedAt = data != null && literal(RECEIVED_AT) ? instant() : null;
        String catalog = receivedAt != null && literal(CATALOG) ? text() : null;
        if (catalog == null || !literal(SCHEMA_VERSION) || !knownVersion() || at != json.length - 1
                || json[at] != '}') {
            return null;
        }
        return new UsageEvent(eventId, pseudonym, occurredAt, event, os, build, data, receivedAt, catalog);
    }

    /** The entries after {@code "data":{} up to its closing brace (not taken); null if not all plain. */
    private Map<String, Object> data() {
        Map<String, Object> data = new LinkedHashMap<>();
        if (at < json.length && json[at] == '}') {
            return data;
        }
        while (true) {
            String key = text(MAX_NAME);
            if (key == null || at >= json.length || json[at++] != ':') {
                return null;
            }
            Object value = value();
            if (value == null || data.put(key, value) != null) {
                return null;
            }
            if (at >= json.length) {
                return null;
            }
            if (json[at] == '}') {
                return data;
            }
            if (json[at++] != ',') {
                return null;
            }
        }
    }

    /** A string, true, false, or an integer as the streaming reader gives it (Integer if it fits, else Long). */
    private Object value() {
        if (at >= json.length) {
            return null;
        }
        return switch (json[at]) {
            case '"' -> text();
            case 't' -> literal(TRUE) ? Boolean.TRUE : null;
            case 'f' -> literal(FALSE) ? Boolean.FALSE : null;
            default -> integer();
        };
    }

    private Object integer() {
        boolean negative = at < json.length && json[at] == '-';
        int start = negative ? at + 1 : at;
        int end = start;
        long value = 0;
        while (end < json.length && json[end] >= '0' && json[end] <= '9') {
            value = value * 10 + (json[end] - '0');
            end++;
        }
        int digits = end - start;
        // No digits, a leading zero, too long, or a fraction or exponent next: the streaming reader's to decide.
        if (digits == 0 || digits > MAX_DIGITS || json[start] == '0' && digits > 1 || end < json.length
                && (json[end] == '.' || json[end] == 'e' || json[end] == 'E')) {
            return null;
        }
        at = end;
        value = negative ? -value : value;
        return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? (Object) (int) value : (Object) value;
    }

    private boolean knownVersion() {
        int start = at;
        int version = 0;
        while (at < json.length && json[at] >= '0' && json[at] <= '9' && at - start < 2) {
            version = version * 10 + (json[at++] - '0');
        }
        return at > start && json[start] != '0' && version <= IntegrationJson.SUPPORTED_SCHEMA_VERSION;
    }

    private UUID uuid() {
        String text = text();
        return text == null ? null : Canonical.uuid(text);
    }

    private Instant instant() {
        String text = text();
        return text == null ? null : Canonical.utcInstant(text);
    }

    private String text() {
        return text(MAX_TEXT);
    }

    /** A quoted string of printable ASCII without escapes, of at most {@code max} characters; null for anything else. */
    private String text(int max) {
        if (at >= json.length || json[at] != '"') {
            return null;
        }
        int start = at + 1;
        for (int i = start; i < json.length; i++) {
            byte b = json[i];
            if (b == '"') {
                if (i - start > max) {
                    return null;
                }
                at = i + 1;
                return new String(json, start, i - start, StandardCharsets.ISO_8859_1);
            }
            if (b < 0x20 || b == '\\' || b == 0x7f) { // bytes of 0x80 and above are negative
                return null;
            }
        }
        return null;
    }

    private boolean literal(byte[] expected) {
        if (at + expected.length > json.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (json[at + i] != expected[i]) {
                return false;
            }
        }
        at += expected.length;
        return true;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
