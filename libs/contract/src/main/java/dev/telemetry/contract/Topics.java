package dev.telemetry.contract;

import java.time.Duration;
import java.util.Map;

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
    /**
     * Messages a consumer could not read (poison), unchanged, with why and where they came from as headers. Producers:
     * every consuming service. Read by people, not by a service: its value is whatever the poison held.
     */
    public static final String DEAD_LETTERS = "telemetry.dead-letters.v1";

    /** How long after its end a quarter is published at the latest; a rebuild after that cannot recount it. */
    public static final Duration PUBLICATION_LAG = Duration.ofDays(28);
    /**
     * How long {@link #USAGE} keeps a raw event after the collector appended it: its only later use is a report
     * rebuild, which recounts unpublished quarters. An event's quarter ends at most a quarter (92 days, plus the
     * clock skew) after it is appended (the collector's maximum event age of 30 days only makes it sooner), and a
     * quarter is published within {@link #PUBLICATION_LAG} of its end.
     */
    public static final Duration USAGE_RETENTION = Duration.ofDays(92).plus(PUBLICATION_LAG);
    /** Confirmations are consumed within seconds; a month covers any outage. */
    public static final Duration ERASURES_RETENTION = Duration.ofDays(30);
    /** Long enough to notice a dead letter (an alert on the unreadable count), find the producer's bug and replay. */
    public static final Duration DEAD_LETTERS_RETENTION = Duration.ofDays(30);

    /**
     * The topic-level settings of every topic, as {@code k8s/base/kafka/topics.yaml} gives them to Strimzi and the
     * local broker ({@code tools/local-infra}) to its topics. The consent topic is kept for good: it is the history
     * every consumer builds its consent view from.
     */
    public static Map<String, Map<String, String>> settings() {
        return Map.of(CONSENT, Map.of("retention.ms", "-1"),
                USAGE, Map.of("retention.ms", Long.toString(USAGE_RETENTION.toMillis())),
                ERASURES, Map.of("retention.ms", Long.toString(ERASURES_RETENTION.toMillis())),
                DEAD_LETTERS, Map.of("retention.ms", Long.toString(DEAD_LETTERS_RETENTION.toMillis())));
    }

    private Topics() {
    }
}
