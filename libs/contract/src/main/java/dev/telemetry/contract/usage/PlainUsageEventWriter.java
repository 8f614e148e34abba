package dev.telemetry.contract.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes the usual usage record, one whose text is all printable ASCII without quotes or backslashes, straight into
 * bytes: the same bytes as Jackson's generator, without the generator's per-call checks and without
 * {@link Instant#toString}'s formatter. The collector writes one record per accepted event, and the generator was a
 * tenth of its time. Anything else (text that needs an escape or is not ASCII, a missing field, a value the contract
 * does not admit) is left to the generator: {@link #write} answers null.
 */
final class PlainUsageEventWriter {

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the instants written with four year digits and no sign. */
    private static final long FIRST_SECOND = -62_167_219_200L;
    private static final long LAST_SECOND = 253_402_300_799L;

    private byte[] bytes = new byte[512];
    private int length;

    private PlainUsageEventWriter() {
    }

    /** The record's UTF-8 JSON, or null if it is not a usual one. */
    static byte[] write(UsageEvent event) {
        if (event.os() == null || event.build() == null || event.catalog() == null) {
            return null;
        }
        PlainUsageEventWriter out = new PlainUsageEventWriter();
        return out.event(event) ? Arrays.copyOf(out.bytes, out.length) : null;
    }

    private boolean event(UsageEvent event) {
        ascii("{\"type\":");
        if (!text(UsageEvent.TYPE)) {
            return false;
        }
        ascii(",\"eventId\":");
        text(event.eventId().toString());
        ascii(",\"pseudonym\":");
        if (!text(event.pseudonym())) {
            return false;
        }
        ascii(",\"occurredAt\":");
        if (!instant(event.occurredAt())) {
            return false;
        }
        ascii(",\"event\":");
        if (!text(event.event())) {
            return false;
        }
        ascii(",\"os\":");
        if (!text(event.os())) {
            return false;
        }
        ascii(",\"build\":");
        if (!text(event.build())) {
            return false;
        }
        ascii(",\"data\":{");
        boolean first = true;
        for (Map.Entry<String, Object> entry : event.data().entrySet()) {
            if (!first) {
                ascii(",");
            }
            first = false;
            if (entry.getKey() == null || !text(entry.getKey())) {
                return false;
            }
            ascii(":");
            if (!value(entry.getValue())) {
                return false;
            }
        }
        ascii("},\"receivedAt\":");
        if (!instant(event.receivedAt())) {
            return false;
        }
        ascii(",\"catalog\":");
        if (!text(event.catalog())) {
            return false;
        }
        ascii(",\"schemaVersion\":");
        ascii(Integer.toString(event.schemaVersion()));
        ascii("}");
        return true;
    }

    /** The data values the contract admits: integers, booleans, strings. */
    private boolean value(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            ascii(value.toString());
            return true;
        }
        if (value instanceof Boolean bool) {
            ascii(bool ? "true" : "false");
            return true;
        }
        return value instanceof String text && text(text);
    }

    /** A quoted string, if every character is printable ASCII other than a quote or a backslash. */
    private boolean text(String text) {
        int n = text.length();
        room(n + 2);
        byte[] out = bytes;
        int at = length;
        out[at++] = '"';
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
            out[at++] = (byte) c;
        }
        out[at++] = '"';
        length = at;
        return true;
    }

    /** As {@link Instant#toString}: {@code "yyyy-MM-ddTHH:mm:ss[.SSS|.SSSSSS|.SSSSSSSSS]Z"}, for years 0 to 9999. */
    private boolean instant(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_SECOND || seconds > LAST_SECOND) {
            return text(instant.toString());
        }
        // The civil date by the JDK's own arithmetic from the epoch day; no zone rules, no formatter.
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        int year = date.getYear();
        int month = date.getMonthValue();
        int day = date.getDayOfMonth();
        int nanos = instant.getNano();
        room(32);
        bytes[length++] = '"';
        digits(year, 4);
        bytes[length++] = '-';
        digits(month, 2);
        bytes[length++] = '-';
        digits(day, 2);
        bytes[length++] = 'T';
        digits(secondOfDay / 3_600, 2);
        bytes[length++] = ':';
        digits(secondOfDay / 60 % 60, 2);
        bytes[length++] = ':';
        digits(secondOfDay % 60, 2);
        if (nanos > 0) {
            bytes[length++] = '.';
            if (nanos % 1_000_000 == 0) {
                digits(nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                digits(nanos / 1_000, 6);
            } else {
                digits(nanos, 9);
            }
        }
        bytes[length++] = 'Z';
        bytes[length++] = '"';
        return true;
    }

    /** {@code value} in exactly {@code width} decimal digits (it has no more). */
    private void digits(int value, int width) {
        for (int i = length + width - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += width;
    }

    /** Text known to be plain ASCII (the format's own, and numbers). */
    private void ascii(String text) {
        int n = text.length();
        room(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    private void room(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
