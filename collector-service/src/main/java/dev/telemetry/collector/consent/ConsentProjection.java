package dev.telemetry.collector.consent;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import dev.telemetry.consentview.ConsentView;
import dev.telemetry.contract.Topics;

/**
 * Keeps the collector's consent view and the machines' proof verifiers up to date from {@link Topics#CONSENT}; one
 * consumer group for all replicas.
 */
@ApplicationScoped
public class ConsentProjection {

    private final Pool pool;
    private final ConsentView view;
    private final ProofVerifiers verifiers;

    ConsentProjection(Pool pool, ConsentView view, ProofVerifiers verifiers) {
        this.pool = pool;
        this.view = view;
        this.verifiers = verifiers;
    }

    @Incoming("consent-in")
    public Uni<Void> apply(ConsumerRecord<String, String> record) {
        return pool.withTransaction(tx -> view.consume(tx, record)
                .chain(news -> verifiers.remember(tx, news.stream().toList())));
    }
}
