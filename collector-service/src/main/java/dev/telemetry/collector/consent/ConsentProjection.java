package dev.telemetry.collector.consent;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

import dev.telemetry.consentview.ConsentView;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentMessage;

/** Keeps the collector's consent view up to date from {@link Topics#CONSENT}; one consumer group for all replicas. */
@ApplicationScoped
public class ConsentProjection {

    private static final Logger LOG = Logger.getLogger(ConsentProjection.class);

    private final Pool pool;
    private final ConsentView view;

    ConsentProjection(Pool pool, ConsentView view) {
        this.pool = pool;
        this.view = view;
    }

    @Incoming("consent-in")
    public Uni<Void> apply(ConsumerRecord<String, String> record) {
        ConsentMessage message;
        try {
            message = IntegrationJson.read(record.value(), ConsentMessage.class);
        } catch (IntegrationJson.UnreadableEventException e) {
            LOG.errorf("skipping unreadable message at %s-%d@%d: %s", Topics.CONSENT, record.partition(),
                    record.offset(), e.getMessage());
            return pool.withTransaction(tx -> view.recordOffset(tx, record.partition(), record.offset()));
        }
        return pool.withTransaction(tx -> view.apply(tx, message)
                .chain(() -> view.recordOffset(tx, record.partition(), record.offset())));
    }
}
