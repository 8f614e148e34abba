package dev.telemetry.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hand-written readers of ids and timestamps accept exactly what the regular expressions and
 * {@link Instant#parse} they replace accepted, and read the same values.
 */
class CanonicalTest {

    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern UTC_INSTANT = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

    static Stream<String> ids() {
        String random = UUID.randomUUID().toString();
        return Stream.of(random, random.toUpperCase(), "00000000-0000-0000-0000-000000000000",
                "ffffffff-ffff-ffff-ffff-ffffffffffff", "FfFfFfFf-0a0A-1b1B-2c2C-3d3D4e4E5f5F",
                "5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3a", "5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3a12",
                "{5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3a1}", "5f0c2b1e9a554b1e9a552f3cb2d5f3a1aaaa",
                "5f0c2b1e-9a55-4b1e-9a55_2f3cb2d5f3a1", "5f0c2b1g-9a55-4b1e-9a55-2f3cb2d5f3a1",
                "5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3aG", "5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3a\u0661",
                "5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3a\uff11", "event-1", "", " 5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3a",
                "5f0c2b1e-9a55-4b1e-9a55-2f3cb2d5f3a1\n");
    }

    @ParameterizedTest
    @MethodSource("ids")
    void idIsReadAsBefore(String text) {
        UUID expected = UUID_TEXT.matcher(text).matches() ? UUID.fromString(text) : null;

        assertThat(Canonical.uuid(text)).isEqualTo(expected);
    }

    static Stream<String> timestamps() {
        return Stream.of("2026-11-21T10:15:30Z", "2026-11-21T10:15:30.1Z", "2026-11-21T10:15:30.12Z",
                "2026-11-21T10:15:30.123Z", "2026-11-21T10:15:30.123456Z", "2026-11-21T10:15:30.123456789Z",
                "2026-11-21T10:15:30.000000001Z", "2026-11-21T10:15:30.1234567890Z", "2026-11-21T10:15:30.Z",
                "2026-11-21T10:15:30", "2026-11-21T10:15:30z", "2026-11-21t10:15:30Z", "2026-11-21 10:15:30Z",
                "2026-11-21T10:15:30+02:00", "2026-11-21T10:15:30+00:00", "2026-11-21T10:15Z", "26-11-21T10:15:30Z",
                "+2026-11-21T10:15:30Z", "12026-11-21T10:15:30Z", "2026-13-21T10:15:30Z", "2026-00-21T10:15:30Z",
                "2026-11-00T10:15:30Z", "2026-11-31T10:15:30Z", "2026-02-29T10:15:30Z", "2024-02-29T10:15:30Z",
                "2026-11-21T24:00:00Z", "2026-11-21T24:00:01Z", "2026-11-21T25:00:00Z", "2026-11-21T10:60:00Z",
                "2026-11-21T23:59:60Z", "2026-11-21T10:15:60Z", "2026-11-21T10:15:99Z", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z", "2026-11-21T10:15:3aZ", "2026-1a-21T10:15:30Z",
                "2026-11-21T10:15:30.12a4Z", "2026-11-21T10:15:30.\u0661Z", "2026-11-21T1\u0660:15:30Z",
                "yesterday", "", "2026-11-21T10:15:30ZZ", "2026-11-21T10:15:30.5ZZ");
    }

    @ParameterizedTest
    @MethodSource("timestamps")
    void timestampIsReadAsBefore(String text) {
        Instant expected;
        try {
            expected = UTC_INSTANT.matcher(text).matches() ? Instant.parse(text) : null;
        } catch (DateTimeParseException e) {
            expected = null;
        }

        assertThat(Canonical.utcInstant(text)).isEqualTo(expected);
    }
}
