package dev.telemetry.collector.consent;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import dev.telemetry.consentview.ConsentView;
import dev.telemetry.contract.Topics;

/**
 * Keeps the collector's consent view up to date from {@link Topics#CONSENT}, one transaction per polled batch; one
 * consumer group for all replicas.
 */
@ApplicationScoped
public class ConsentProjection {

    private final Pool pool;
    private final ConsentView view;

    ConsentProjection(Pool pool, ConsentView view) {
        this.pool = pool;
        this.view = view;
    }

    @Incoming("consent-in")
    public Uni<Void> apply(ConsumerRecords<String, String> records) {
        return pool.withTransaction(tx -> view.consume(tx, records)).replaceWithVoid();
    }
}
