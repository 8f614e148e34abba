package dev.telemetry.consentview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.telemetry.contract.consent.ConsentGranted;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.contract.consent.ConsentWithdrawn;

/**
 * A consumer's view of {@code telemetry.consent.v1}: each machine's consent timeline, kept in the consumer's own
 * database. The service consuming the topic calls {@link #apply} and {@link #recordOffset} in one transaction, so each
 * message counts exactly once: its per-machine {@code version} tells a redelivery from news. Needs the tables
 * {@code machine_consent(pseudonym text PRIMARY KEY, version bigint, timeline jsonb)} and
 * {@code consent_progress(topic_partition int PRIMARY KEY, processed_offset bigint)} in the service's migrations.
 */
@ApplicationScoped
public class ConsentView {

    private static final Logger LOG = Logger.getLogger(ConsentView.class);

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

    /** Records that the message at this offset is applied (see {@link ConsentFreshness}). */
    public Uni<Void> recordOffset(SqlClient tx, int partition, long offset) {
        return tx.preparedQuery(
                """
                        INSERT INTO consent_progress (topic_partition, processed_offset) VALUES ($1, $2)
                        ON CONFLICT (topic_partition) DO UPDATE SET processed_offset = GREATEST(consent_progress.processed_offset, $2)""")
                .execute(Tuple.of(partition, offset))
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
