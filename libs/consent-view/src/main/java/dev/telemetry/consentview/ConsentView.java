package dev.telemetry.consentview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Metrics;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ConsentWatermark;

/**
 * A consumer's view of {@code telemetry.consent.v1}: each machine's consent timeline, kept in the consumer's own
 * database. The service consuming the topic calls {@link #apply} for consent messages and {@link #recordWatermark} for
 * watermarks; each message counts exactly once, as its per-machine {@code version} tells a redelivery from news.
 * Its tables come with the module ({@code db/consent-view}): add that location to the service's Flyway locations.
 */
@ApplicationScoped
public class ConsentView {

    private static final Logger LOG = Logger.getLogger(ConsentView.class);
    /** Messages skipped because no reader of this version can use them, by topic (every consumer counts alike). */
    public static final String UNREADABLE_METRIC = "telemetry_messages_unreadable_total";

    /**
     * Applies one record of the consent topic: a watermark, or a consent message. Returns the message if it was news
     * (not a redelivery), so the caller can add its own effects in the same transaction.
     */
    public Uni<Optional<ConsentMessage>> consume(SqlClient tx, ConsumerRecord<String, String> record) {
        try {
            if (ConsentWatermark.TYPE.equals(IntegrationJson.type(record.value()))) {
                ConsentWatermark watermark = IntegrationJson.read(record.value(), ConsentWatermark.class);
                return recordWatermark(tx, record.partition(), watermark.occurredAt())
                        .replaceWith(Optional.<ConsentMessage>empty());
            }
            ConsentMessage message = IntegrationJson.read(record.value(), ConsentMessage.class);
            return apply(tx, message).map(applied -> applied.map(timeline -> message));
        } catch (IntegrationJson.UnreadableEventException e) {
            // Never log the payload; where it is and why is enough to find the producer's bug.
            LOG.errorf("skipping unreadable message at %s-%d@%d: %s", Topics.CONSENT, record.partition(),
                    record.offset(), e.getMessage());
            Metrics.counter(UNREADABLE_METRIC, "topic", Topics.CONSENT).increment();
            return Uni.createFrom().item(Optional.empty());
        }
    }

    /** Applies the message; the machine's new timeline, or empty if this version was applied before. */
    public Uni<Optional<ConsentTimeline>> apply(SqlClient tx, ConsentMessage message) {
        return tx.preparedQuery("SELECT version, timeline FROM machine_consent WHERE pseudonym = $1 FOR UPDATE")
                .execute(Tuple.of(message.pseudonym()))
                .chain(rows -> {
                    ConsentTimeline current = rows.size() == 0
                            ? ConsentTimeline.NONE
                            : timeline(rows.iterator().next());
                    if (message.version() <= current.version()) {
                        return Uni.createFrom().item(Optional.<ConsentTimeline>empty());
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
                            .replaceWith(Optional.of(next));
                });
    }

    /**
     * Records a watermark of consent-service: everything on this partition recorded before {@code upTo} is applied
     * (see {@link ConsentFreshness}).
     */
    public Uni<Void> recordWatermark(SqlClient tx, int partition, Instant upTo) {
        return tx.preparedQuery("""
                INSERT INTO consent_progress (topic_partition, watermark) VALUES ($1, $2)
                ON CONFLICT (topic_partition) DO UPDATE SET watermark = GREATEST(consent_progress.watermark, $2)""")
                .execute(Tuple.of(partition, upTo.atOffset(java.time.ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** The timelines of these machines, in one query (machines never seen are absent). */
    public Uni<Map<String, ConsentTimeline>> timelines(SqlClient client, Set<String> pseudonyms) {
        if (pseudonyms.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return client
                .preparedQuery("SELECT pseudonym, version, timeline FROM machine_consent WHERE pseudonym = ANY($1)")
                .execute(Tuple.of(pseudonyms.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, ConsentTimeline> result = new HashMap<>();
                    for (Row row : rows) {
                        result.put(row.getString("pseudonym"), timeline(row));
                    }
                    return result;
                });
    }

    /** Every machine's timeline, by pseudonym in order (for rebuilds). */
    public Uni<Map<String, ConsentTimeline>> all(SqlClient client) {
        return client.query("SELECT pseudonym, version, timeline FROM machine_consent ORDER BY pseudonym").execute()
                .map(rows -> {
                    Map<String, ConsentTimeline> result = new java.util.LinkedHashMap<>();
                    for (Row row : rows) {
                        result.put(row.getString("pseudonym"), timeline(row));
                    }
                    return result;
                });
    }

    private static ConsentTimeline.Kind kind(ConsentMessage message) {
        return message.match(granted -> ConsentTimeline.Kind.GRANTED, withdrawn -> ConsentTimeline.Kind.WITHDRAWN,
                erasure -> ConsentTimeline.Kind.ERASED);
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
