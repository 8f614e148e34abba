package dev.telemetry.contract;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.UUID;

/**
 * Reads the canonical text forms of event ids and UTC instants by hand, without a regular expression or a
 * formatter: they are read for every event a client pushes and again for every record a consumer counts.
 */
public final class Canonical {

    /** Nanoseconds per unit of a fraction of n digits, by n. */
    private static final long[] NANOS_PER_FRACTION_UNIT = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000,
            1_000, 100, 10, 1};

    /** The value of each ASCII hexadecimal digit (either case), -1 for any other character below 128. */
    private static final byte[] HEX_DIGITS = new byte[128];

    static {
        Arrays.fill(HEX_DIGITS, (byte) -1);
        for (int i = 0; i < 16; i++) {
            HEX_DIGITS["0123456789abcdef".charAt(i)] = (byte) i;
            HEX_DIGITS["0123456789ABCDEF".charAt(i)] = (byte) i;
        }
    }

    private Canonical() {
    }

    /** 64 lowercase hexadecimal characters: the text form of a SHA-256 (anonymous ids, proofs, verifiers). */
    public static boolean isLowerHex256(String text) {
        if (text == null || text.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code 8-4-4-4-12} hexadecimal digits (either case), as the UUID it spells; null otherwise. By hand rather
     * than a regular expression and {@link UUID#fromString}.
     */
    public static UUID uuid(String text) {
        if (text.length() != 36 || text.charAt(8) != '-' || text.charAt(13) != '-' || text.charAt(18) != '-'
                || text.charAt(23) != '-') {
            return null;
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                continue;
            }
            int digit = hexDigit(text.charAt(i));
            if (digit < 0) {
                return null;
            }
            if (i < 19) {
                high = high << 4 | digit;
            } else {
                low = low << 4 | digit;
            }
        }
        return new UUID(high, low);
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f]Z} (1 to 9 fraction digits, UTC only) as an instant; null if it is not of that
     * form or names no instant. The same instants as {@link Instant#parse} of that form, without its formatter
     * for the common case.
     */
    public static Instant utcInstant(String text) {
        int length = text.length();
        if (length < 20 || length == 21 || length > 30 || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || text.charAt(length - 1) != 'Z' || length > 20 && text.charAt(19) != '.') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fraction = length > 20 ? digits(text, 20, length - 1) : 0;
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || fraction < 0) {
            return null;
        }
        try {
            if (hour > 23 || minute > 59 || second > 59) {
                // 24:00:00 and the leap second 23:59:60 are what Instant.parse makes of them; anything else fails
                return Instant.parse(text);
            }
            long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3_600 + minute * 60
                    + second;
            int fractionDigits = length > 20 ? length - 21 : 0;
            return Instant.ofEpochSecond(seconds, fraction * NANOS_PER_FRACTION_UNIT[fractionDigits]);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int hexDigit(char c) {
        return c < 128 ? HEX_DIGITS[c] : -1;
    }

    /** The decimal number of {@code text[from, to)}, or -1 if a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
