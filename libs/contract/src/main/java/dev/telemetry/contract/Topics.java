package dev.telemetry.contract;

/**
 * The Kafka topics the services talk through. Each has exactly one producing service; the version suffix
 * changes only with an incompatible schema change.
 */
public final class Topics {

    /** Consent events (granted, withdrawn, erasure requested), keyed by pseudonym. Producer: consent-service. */
    public static final String CONSENT = "telemetry.consent.v1";
    /** Accepted usage events, keyed by pseudonym. Producer: collector-service. */
    public static final String USAGE = "telemetry.usage.v1";
    /** Confirmations that a machine's data was erased from every unpublished aggregate. Producer: report-service. */
    public static final String ERASURES = "telemetry.erasures.v1";

    private Topics() {
    }
}
