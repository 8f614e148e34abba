package dev.telemetry.contract;

/**
 * Checks an integration event's fields as it is built: a message of a known type and schema whose content is missing
 * (valid JSON, but no pseudonym, time or id) must be unreadable to its consumer, not a null deep inside it. Reading one
 * fails with {@link IntegrationJson.UnreadableEventException}, which every consumer skips and counts.
 */
public final class Required {

    private Required() {
    }

    /** @throws IllegalArgumentException if {@code value} is null */
    public static <T> T present(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }

    /** @throws IllegalArgumentException unless {@code version} is a stream version (1 or more) */
    public static long streamVersion(long version) {
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, is " + version);
        }
        return version;
    }
}
