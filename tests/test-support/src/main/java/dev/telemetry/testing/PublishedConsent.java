package dev.telemetry.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.telemetry.contract.IntegrationEvent;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentWithdrawnMessage;
import dev.telemetry.contract.consent.ErasureRequestedMessage;

/**
 * One machine's consent stream, published on the consent topic exactly as consent-service's relay publishes it
 * (keyed by pseudonym, versions counting from 1), for services that consume the topic into a consent view.
 */
public final class PublishedConsent {

    private final String pseudonym;
    private final String proofVerifier;
    private long version;

    /** A machine recorded before machine proofs: its messages carry no verifier. */
    public PublishedConsent(String pseudonym) {
        this(pseudonym, null);
    }

    public PublishedConsent(String pseudonym, String proofVerifier) {
        this.pseudonym = pseudonym;
        this.proofVerifier = proofVerifier;
    }

    public long version() {
        return version;
    }

    public void granted(Instant at, String os, String build) {
        publish(new ConsentGrantedMessage(UUID.randomUUID(), pseudonym, ++version, at, os, build, "prompt",
                proofVerifier));
    }

    public void withdrawn(Instant at, String os, String build) {
        publish(new ConsentWithdrawnMessage(UUID.randomUUID(), pseudonym, ++version, at, os, build, "toggle",
                proofVerifier));
    }

    /** @return the erasure receipt */
    public UUID erased(Instant at) {
        UUID receipt = UUID.randomUUID();
        publish(new ErasureRequestedMessage(UUID.randomUUID(), pseudonym, ++version, at, receipt));
        return receipt;
    }

    /**
     * Sends a consent watermark (as the relay does once its outbox is empty) and waits until the service's consent
     * view ({@code machine_consent}) has applied this stream up to its last version.
     */
    public void awaitApplied() {
        TopicReader.consentWatermark(Instant.now());
        long expected = version;
        await().atMost(Duration.ofSeconds(60)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM machine_consent WHERE pseudonym = ? AND version >= ?", pseudonym,
                expected) == 1);
    }

    private void publish(IntegrationEvent event) {
        TopicReader.send(Topics.CONSENT, pseudonym, IntegrationJson.write(event));
    }
}
