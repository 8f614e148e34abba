package dev.telemetry.consentview;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.contract.Canonical;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ConsentWatermark;
import dev.telemetry.deadletters.DeadLetters;

/**
 * A consumer's view of {@code telemetry.consent.v1}: each machine's consent timeline, kept in the consumer's own
 * database. The service consuming the topic hands it each polled batch of records ({@link #consume}); each message
 * counts exactly once, as its per-machine {@code version} tells a redelivery from news; a message it cannot read is
 * parked on the dead-letter topic ({@link DeadLetters}) before the batch is applied.
 * Its tables come with the module ({@code db/consent-view}): add that location to the service's Flyway locations.
 */
@ApplicationScoped
public class ConsentView {

    private static final Logger LOG = Logger.getLogger(ConsentView.class);

    private final DeadLetters deadLetters;

    ConsentView(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /**
     * Applies a batch of records of the consent topic, as polled, in one transaction of at most three statements: one
     * reading (and locking) the batch's machines, one writing their new timelines, one recording the watermarks.
     * Each machine's messages are applied in record order, which is its stream order; a message whose version was
     * applied before (a redelivery, also within the batch) changes nothing, so applying the same batch again leaves
     * the view as it was. Unreadable messages are parked on the dead-letter topic first (acknowledged, or the
     * transaction waits and retries), so the batch's offset is never committed past one that was not. Returns the
     * messages that were news, in record order, so the caller can add its own effects in the same transaction.
     */
    public Uni<List<ConsentMessage>> consume(SqlClient tx, Iterable<ConsumerRecord<String, String>> records) {
        List<ConsentMessage> messages = new ArrayList<>();
        Map<Integer, Instant> watermarks = new TreeMap<>();
        List<DeadLetters.Poison> poison = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                if (ConsentWatermark.TYPE.equals(IntegrationJson.type(record.value()))) {
                    ConsentWatermark watermark = IntegrationJson.read(record.value(), ConsentWatermark.class);
                    watermarks.merge(record.partition(), watermark.occurredAt(), ConsentView::later);
                } else {
                    messages.add(IntegrationJson.read(record.value(), ConsentMessage.class));
                }
            } catch (IntegrationJson.UnreadableEventException e) {
                poison.add(new DeadLetters.Poison(record, e));
            }
        }
        // The watermarks commit with the messages before them on their partition (they are in this batch or
        // committed before it), so the view never claims more than it holds.
        return deadLetters.park(poison).chain(() -> apply(tx, messages)).call(() -> recordWatermarks(tx, watermarks));
    }

    /** Applies the messages in order, each machine's by version; returns those that were news. */
    private Uni<List<ConsentMessage>> apply(SqlClient tx, List<ConsentMessage> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Set<String> machines = new TreeSet<>();
        messages.forEach(message -> machines.add(message.pseudonym()));
        // Locked in pseudonym order, so that two transactions over overlapping machines cannot deadlock.
        return tx.preparedQuery("""
                SELECT pseudonym, version, timeline FROM machine_consent WHERE pseudonym = ANY($1)
                ORDER BY pseudonym FOR UPDATE""")
                .execute(Tuple.of(machines.toArray(String[]::new)))
                .chain(rows -> {
                    Map<String, ConsentTimeline> timelines = new HashMap<>();
                    for (Row row : rows) {
                        timelines.put(row.getString("pseudonym"), timeline(row));
                    }
                    Map<String, ConsentTimeline> changed = new TreeMap<>();
                    List<ConsentMessage> news = new ArrayList<>();
                    for (ConsentMessage message : messages) {
                        ConsentTimeline current = timelines.getOrDefault(message.pseudonym(), ConsentTimeline.NONE);
                        if (message.version() <= current.version()) {
                            continue;
                        }
                        if (message.version() != current.version() + 1) {
                            LOG.warnf("consent stream gap: expected version %d, got %d", current.version() + 1,
                                    message.version());
                        }
                        ConsentTimeline next = current.append(message.version(), kind(message), message.occurredAt());
                        timelines.put(message.pseudonym(), next);
                        changed.put(message.pseudonym(), next);
                        news.add(message);
                    }
                    return store(tx, changed).replaceWith(news);
                });
    }

    /**
     * The new timelines of these machines, in one statement. Never an older one: two transactions that both found no
     * row for a new machine (consumers overlapping during a rebalance) cannot lock it, and the later must not undo the
     * earlier.
     */
    private Uni<Void> store(SqlClient tx, Map<String, ConsentTimeline> timelines) {
        if (timelines.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] pseudonyms = new String[timelines.size()];
        Long[] versions = new Long[timelines.size()];
        String[] json = new String[timelines.size()];
        int i = 0;
        for (Map.Entry<String, ConsentTimeline> entry : timelines.entrySet()) {
            pseudonyms[i] = entry.getKey();
            versions[i] = entry.getValue().version();
            json[i++] = toJson(entry.getValue()).encode();
        }
        return tx.preparedQuery("""
                INSERT INTO machine_consent (pseudonym, version, timeline)
                SELECT pseudonym, version, timeline::jsonb
                FROM unnest($1::text[], $2::bigint[], $3::text[]) AS t(pseudonym, version, timeline)
                ON CONFLICT (pseudonym) DO UPDATE SET version = excluded.version, timeline = excluded.timeline
                WHERE machine_consent.version < excluded.version""")
                .execute(Tuple.of(pseudonyms, versions, json))
                .replaceWithVoid();
    }

    /**
     * Records the latest watermark of consent-service of each partition, in one statement: everything on that
     * partition recorded before it is applied (see {@link ConsentFreshness}).
     */
    private Uni<Void> recordWatermarks(SqlClient tx, Map<Integer, Instant> watermarks) {
        if (watermarks.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Integer[] partitions = watermarks.keySet().toArray(Integer[]::new);
        OffsetDateTime[] upTo = watermarks.values().stream().map(at -> at.atOffset(ZoneOffset.UTC))
                .toArray(OffsetDateTime[]::new);
        return tx.preparedQuery("""
                INSERT INTO consent_progress (topic_partition, watermark)
                SELECT * FROM unnest($1::int[], $2::timestamptz[])
                ON CONFLICT (topic_partition) DO UPDATE SET watermark = GREATEST(consent_progress.watermark,
                    excluded.watermark)""")
                .execute(Tuple.of(partitions, upTo))
                .replaceWithVoid();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
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
                    at(entry.getString("at"))));
        }
        return new ConsentTimeline(row.getLong("version"), List.copyOf(entries));
    }

    /** As {@link #toJson} wrote it ({@link Instant#toString}): read by hand, once per machine of every batch. */
    private static Instant at(String text) {
        Instant at = Canonical.utcInstant(text);
        return at != null ? at : Instant.parse(text);
    }

    private static JsonArray toJson(ConsentTimeline timeline) {
        JsonArray json = new JsonArray();
        timeline.entries().forEach(entry -> json.add(new JsonObject().put("kind", entry.kind().name())
                .put("at", entry.at().toString())));
        return json;
    }
}
