package dev.telemetry.collector.consent;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import dev.telemetry.consentview.ConsentView;
import dev.telemetry.contract.Topics;

/**
 * Keeps the collector's consent view and the machines' proof verifiers up to date from {@link Topics#CONSENT}, one
 * transaction per polled batch; one consumer group for all replicas.
 */
@ApplicationScoped
public class ConsentProjection {

    private static final Logger LOG = Logger.getLogger(ConsentProjection.class);

    private final Pool pool;
    private final ConsentView view;
    private final ProofVerifiers verifiers;

    ConsentProjection(Pool pool, ConsentView view, ProofVerifiers verifiers) {
        this.pool = pool;
        this.view = view;
        this.verifiers = verifiers;
    }

    /**
     * A failure (the database down) is retried with backoff until it succeeds, never given up: a failed record
     * would end the channel for good, and applying is idempotent (a redelivered version is already applied).
     */
    @Incoming("consent-in")
    public Uni<Void> apply(ConsumerRecords<String, String> records) {
        return pool.withTransaction(tx -> view.consume(tx, records).chain(news -> verifiers.remember(tx, news)))
                .onFailure().invoke(e -> LOG.warnf("applying a batch of %d consent records failed, retrying: %s",
                        records.count(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely();
    }
}
