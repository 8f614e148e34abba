package dev.telemetry.consent.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentWatermark;

/**
 * Publishes the outbox to Kafka and deletes rows only after Kafka acknowledged them (acks=all, idempotent
 * producer), so a crash between send and delete re-sends (same event ids, same order) and never loses. Each pass
 * sends up to a batch of rows in position order, waits for every acknowledgement, then deletes exactly the rows it
 * sent. A machine's next event is appended only after its previous one committed, so position order is per-machine
 * order. Of several replicas only the holder of a PostgreSQL advisory lock relays, so order holds across replicas
 * too.
 *
 * <p>
 * Watermarks: a pass that read fewer rows than a batch saw the whole outbox as of its start; once its rows are
 * acknowledged, every consent event recorded before that start (less the commit margin, for a ledger transaction
 * still committing) is on the topic. The relay then sends a {@link ConsentWatermark} to every partition, right
 * after relaying or, when idle, at a slower cadence.
 */
public final class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long LEADER_LOCK = 0x636f6e73656e74L;

    /** Where the relay publishes: Kafka, completing once the broker acknowledged. */
    public interface Sink {
        Uni<Void> send(String topic, Integer partition, String key, String value);

        /** The number of partitions of {@code topic}; 0 if it does not exist yet. */
        Uni<Integer> partitions(String topic);
    }

    /**
     * @param poll how often the leader looks at the outbox without being woken (writes of other replicas)
     * @param batch rows per pass
     * @param commitMargin a consent transaction commits within this long of its recorded time
     * @param watermarkAfterRelay the least time between watermarks while events are being relayed
     * @param watermarkWhenIdle the time between watermarks while nothing is relayed
     */
    public record Settings(Duration poll, int batch, Duration commitMargin, Duration watermarkAfterRelay,
            Duration watermarkWhenIdle) {
    }

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final Sink sink;
    private final Clock clock;
    private final Settings settings;
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean drainAgain;
    private volatile PgConnection connection;
    private volatile boolean leading;
    private volatile boolean connecting;
    private volatile boolean stopped = true;
    private volatile Instant lastWatermark = Instant.EPOCH;
    private volatile boolean relayedSinceWatermark = true;
    private long timer = -1;

    public OutboxRelay(Vertx vertx, PgConnectOptions options, Sink sink, Clock clock, Settings settings) {
        this.vertx = vertx;
        this.options = options;
        this.sink = sink;
        this.clock = clock;
        this.settings = settings;
    }

    public synchronized void start() {
        if (!stopped) {
            return;
        }
        stopped = false;
        connect();
        timer = vertx.setPeriodic(settings.poll().toMillis(), tick -> {
            if (connection == null) {
                connect();
            } else if (!leading) {
                tryToLead(connection);
            } else {
                wake();
            }
        });
    }

    /** Stops relaying; the advisory lock goes with the connection, so another replica takes over. */
    public synchronized void stop() {
        stopped = true;
        vertx.cancelTimer(timer);
        PgConnection current = connection;
        connection = null;
        leading = false;
        if (current != null) {
            current.closeAndAwait();
        }
    }

    public boolean leading() {
        return leading;
    }

    /** Runs a pass now if this replica leads; at most one at a time, and another one if woken meanwhile. */
    public void wake() {
        PgConnection current = connection;
        if (!leading || current == null) {
            return;
        }
        if (!draining.compareAndSet(false, true)) {
            drainAgain = true;
            return;
        }
        drainAgain = false;
        pass(current).subscribe().with(sent -> {
            draining.set(false);
            if (sent == settings.batch() || drainAgain) {
                wake();
            }
        }, failure -> {
            draining.set(false);
            LOG.warnf("outbox relay pass failed, retrying in %d ms: %s", settings.poll().toMillis(),
                    failure.getMessage());
        });
    }

    private void connect() {
        if (connecting || stopped) {
            return;
        }
        connecting = true;
        PgConnection.connect(vertx, options).subscribe().with(opened -> {
            connecting = false;
            if (stopped) {
                opened.closeAndForget();
                return;
            }
            connection = opened;
            opened.closeHandler(() -> {
                // The advisory lock went with the session; another replica may take over.
                connection = null;
                leading = false;
            });
            tryToLead(opened);
        }, failure -> {
            connecting = false;
            LOG.warnf("outbox relay cannot connect to PostgreSQL, retrying: %s", failure.getMessage());
        });
    }

    private void tryToLead(PgConnection current) {
        current.query("SELECT pg_try_advisory_lock(" + LEADER_LOCK + ")").execute()
                .map(rows -> rows.iterator().next().getBoolean(0))
                .subscribe().with(acquired -> {
                    leading = acquired && connection == current;
                    if (leading) {
                        LOG.info("this replica relays the consent outbox");
                        wake();
                    }
                }, failure -> LOG.warnf("outbox relay could not take the lead: %s", failure.getMessage()));
    }

    /** One pass: relays up to a batch; returns how many rows it relayed. */
    private Uni<Integer> pass(PgConnection current) {
        Instant passStart = clock.instant();
        return current
                .preparedQuery("SELECT position, topic, message_key, payload FROM outbox ORDER BY position LIMIT $1")
                .execute(Tuple.of(settings.batch()))
                .chain(rows -> relay(current, rows)
                        .chain(() -> rows.size() < settings.batch()
                                ? watermarks(passStart.minus(settings.commitMargin()))
                                : Uni.createFrom().voidItem())
                        .replaceWith(rows.size()));
    }

    private Uni<Void> relay(PgConnection current, RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = new ArrayList<>(rows.size());
        Long[] positions = new Long[rows.size()];
        int i = 0;
        for (Row row : rows) {
            positions[i++] = row.getLong("position");
            sends.add(sink.send(row.getString("topic"), null, row.getString("message_key"), row.getString("payload")));
        }
        // Subscribed in position order, so the producer sends them in that order.
        return Uni.join().all(sends).andFailFast()
                .chain(() -> current.preparedQuery("DELETE FROM outbox WHERE position = ANY($1)")
                        .execute(Tuple.of(positions)))
                .invoke(() -> relayedSinceWatermark = true)
                .replaceWithVoid();
    }

    /**
     * The outbox held nothing older than {@code upTo} that is not on the topic now: tells every partition, soon
     * after relaying, otherwise at the idle cadence.
     */
    private Uni<Void> watermarks(Instant upTo) {
        Duration interval = relayedSinceWatermark ? settings.watermarkAfterRelay() : settings.watermarkWhenIdle();
        if (Duration.between(lastWatermark, clock.instant()).compareTo(interval) < 0) {
            return Uni.createFrom().voidItem();
        }
        return sink.partitions(Topics.CONSENT)
                .chain(partitions -> {
                    List<Uni<Void>> sends = new ArrayList<>();
                    for (int partition = 0; partition < partitions; partition++) {
                        sends.add(sink.send(Topics.CONSENT, partition, null,
                                IntegrationJson.write(new ConsentWatermark(UUID.randomUUID(), upTo, partition))));
                    }
                    return sends.isEmpty()
                            ? Uni.createFrom().voidItem()
                            : Uni.join().all(sends).andFailFast().replaceWithVoid();
                })
                .invoke(() -> {
                    lastWatermark = clock.instant();
                    relayedSinceWatermark = false;
                });
    }
}
