package dev.telemetry.collector.consent;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import dev.telemetry.consentview.ConsentView;
import dev.telemetry.contract.Topics;

/** Keeps the collector's consent view up to date from {@link Topics#CONSENT}; one consumer group for all replicas. */
@ApplicationScoped
public class ConsentProjection {

    private final Pool pool;
    private final ConsentView view;

    ConsentProjection(Pool pool, ConsentView view) {
        this.pool = pool;
        this.view = view;
    }

    @Incoming("consent-in")
    public Uni<Void> apply(ConsumerRecord<String, String> record) {
        // A failed transaction (the database down) changed nothing and applying is idempotent: try again, rather
        // than fail the channel for good and leave the collector unready until restarted by hand.
        return pool.withTransaction(tx -> view.consume(tx, record)).replaceWithVoid()
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely();
    }
}
