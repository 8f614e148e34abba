package dev.telemetry.collector.consent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentGranted;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ConsentWithdrawn;

/**
 * Keeps {@code machine_consent} up to date from {@link Topics#CONSENT}. One consumer group for all replicas; each
 * message is applied exactly once: its per-machine {@code version} tells a redelivery (already applied) from news,
 * and the partition offset is recorded in the same transaction.
 */
@ApplicationScoped
public class ConsentProjection {

    private static final Logger LOG = Logger.getLogger(ConsentProjection.class);

    private final Pool pool;

    ConsentProjection(Pool pool) {
        this.pool = pool;
    }

    @Incoming("consent-in")
    public Uni<Void> apply(ConsumerRecord<String, String> record) {
        ConsentMessage message;
        try {
            message = IntegrationJson.read(record.value(), ConsentMessage.class);
        } catch (IntegrationJson.UnreadableEventException e) {
            LOG.errorf("skipping unreadable message at %s-%d@%d: %s", Topics.CONSENT, record.partition(),
                    record.offset(), e.getMessage());
            return pool.withTransaction(tx -> recordProgress(tx, record));
        }
        return pool.withTransaction(tx -> tx
                .preparedQuery("SELECT version, timeline FROM machine_consent WHERE pseudonym = $1 FOR UPDATE")
                .execute(Tuple.of(message.pseudonym()))
                .chain(rows -> {
                    ConsentTimeline current = rows.size() == 0
                            ? ConsentTimeline.NONE
                            : timeline(rows.iterator().next());
                    if (message.version() <= current.version()) {
                        return Uni.createFrom().voidItem();
                    }
                    if (message.version() != current.version() + 1) {
                        LOG.warnf("consent stream gap: expected version %d, got %d", current.version() + 1,
                                message.version());
                    }
                    ConsentTimeline next = current.append(message.version(), kind(message), message.occurredAt());
                    return tx.preparedQuery("""
                            INSERT INTO machine_consent (pseudonym, version, timeline) VALUES ($1, $2, $3)
                            ON CONFLICT (pseudonym) DO UPDATE SET version = $2, timeline = $3""")
                            .execute(Tuple.of(message.pseudonym(), next.version(), toJson(next)))
                            .replaceWithVoid();
                })
                .chain(() -> recordProgress(tx, record)));
    }

    /** The timelines of these machines, in one query (machines never seen are absent). */
    public Uni<Map<String, ConsentTimeline>> timelines(Set<String> pseudonyms) {
        if (pseudonyms.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("SELECT pseudonym, version, timeline FROM machine_consent WHERE pseudonym = ANY($1)")
                .execute(Tuple.of(pseudonyms.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, ConsentTimeline> result = new HashMap<>();
                    for (Row row : rows) {
                        result.put(row.getString("pseudonym"), timeline(row));
                    }
                    return result;
                });
    }

    private static Uni<Void> recordProgress(SqlClient tx, ConsumerRecord<String, String> record) {
        return tx.preparedQuery(
                """
                        INSERT INTO consent_progress (topic_partition, processed_offset) VALUES ($1, $2)
                        ON CONFLICT (topic_partition) DO UPDATE SET processed_offset = GREATEST(consent_progress.processed_offset, $2)""")
                .execute(Tuple.of(record.partition(), record.offset()))
                .replaceWithVoid();
    }

    private static ConsentTimeline.Kind kind(ConsentMessage message) {
        if (message instanceof ConsentGranted) {
            return ConsentTimeline.Kind.GRANTED;
        }
        return message instanceof ConsentWithdrawn ? ConsentTimeline.Kind.WITHDRAWN : ConsentTimeline.Kind.ERASED;
    }

    private static ConsentTimeline timeline(Row row) {
        JsonArray json = (JsonArray) row.getValue("timeline");
        List<ConsentTimeline.Entry> entries = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            JsonObject entry = json.getJsonObject(i);
            entries.add(new ConsentTimeline.Entry(ConsentTimeline.Kind.valueOf(entry.getString("kind")),
                    Instant.parse(entry.getString("at"))));
        }
        return new ConsentTimeline(row.getLong("version"), List.copyOf(entries));
    }

    private static JsonArray toJson(ConsentTimeline timeline) {
        JsonArray json = new JsonArray();
        timeline.entries().forEach(entry -> json.add(new JsonObject().put("kind", entry.kind().name())
                .put("at", entry.at().toString())));
        return json;
    }
}
