package dev.telemetry.consent.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.consent.ConsentWatermark;

/**
 * Publishes the outbox to Kafka in position order and deletes rows only after Kafka acknowledged them (acks=all,
 * idempotent producer), so a crash between send and delete re-sends (same event ids, same order) and never loses.
 * Woken by LISTEN/NOTIFY at each commit; a periodic pass covers missed notifications and failed sends. Of several
 * replicas only the holder of a PostgreSQL advisory lock relays, so order holds across replicas too. Whenever the
 * outbox is empty it sends a {@link ConsentWatermark} to every partition.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long LEADER_LOCK = 0x636f6e73656e74L;
    private static final int BATCH = 200;
    private static final long SAFETY_NET_MILLIS = 2000;
    /** A consent transaction commits within this long of its recorded time (ledger transactions take ms). */
    private static final Duration COMMIT_MARGIN = Duration.ofSeconds(5);
    /** Right after relaying consent events, consumers learn quickly that they are complete. */
    private static final Duration WATERMARK_AFTER_RELAY = Duration.ofSeconds(1);
    /** When idle, a watermark now and then keeps freshness moving without filling the topic. */
    private static final Duration WATERMARK_WHEN_IDLE = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final MutinyEmitter<String> emitter;
    private final PgConnectOptions options;
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean drainAgain;
    private volatile PgConnection connection;
    private volatile boolean leading;
    private volatile boolean connecting;
    private volatile Instant lastWatermark = Instant.EPOCH;
    private volatile boolean relayedSinceWatermark = true;
    private long timer = -1;
    private final Admin admin;
    private final Clock clock;

    OutboxRelay(Vertx vertx,
            @Channel("consent-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024) MutinyEmitter<String> emitter,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
            @ConfigProperty(name = "kafka.bootstrap.servers") String kafka, Clock clock) {
        this.vertx = vertx;
        this.emitter = emitter;
        this.clock = clock;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5000));
        this.options = PgConnectOptions.fromUri(url).setUser(user).setPassword(password.orElse(""));
    }

    void start(@Observes StartupEvent startup) {
        connect();
        timer = vertx.setPeriodic(SAFETY_NET_MILLIS, tick -> {
            if (connection == null) {
                connect();
            } else if (!leading) {
                tryToLead(connection);
            } else {
                drain();
            }
        });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        vertx.cancelTimer(timer);
        PgConnection current = connection;
        if (current != null) {
            current.closeAndForget();
        }
        admin.close(Duration.ofSeconds(2));
    }

    /** Wakes the relay; runs at most one pass at a time and another one if woken meanwhile. */
    public void drain() {
        PgConnection current = connection;
        if (!leading || current == null) {
            return;
        }
        if (!draining.compareAndSet(false, true)) {
            drainAgain = true;
            return;
        }
        drainAgain = false;
        relayBatch(current).subscribe().with(sent -> {
            draining.set(false);
            if (sent == BATCH || drainAgain) {
                drain();
            }
        }, failure -> {
            draining.set(false);
            LOG.warnf("outbox relay pass failed, retrying in %d ms: %s", SAFETY_NET_MILLIS, failure.getMessage());
        });
    }

    private void connect() {
        if (connecting) {
            return;
        }
        connecting = true;
        PgConnection.connect(vertx, options).subscribe().with(opened -> {
            connecting = false;
            connection = opened;
            opened.closeHandler(() -> {
                // The advisory lock went with the session; another replica may take over.
                connection = null;
                leading = false;
            });
            opened.notificationHandler(notification -> drain());
            tryToLead(opened);
        }, failure -> {
            connecting = false;
            LOG.warnf("outbox relay cannot connect to PostgreSQL, retrying: %s", failure.getMessage());
        });
    }

    private void tryToLead(PgConnection current) {
        current.query("SELECT pg_try_advisory_lock(" + LEADER_LOCK + ")").execute()
                .map(rows -> rows.iterator().next().getBoolean(0))
                .chain(acquired -> acquired
                        ? current.query("LISTEN consent_outbox").execute().replaceWith(true)
                        : Uni.createFrom().item(false))
                .subscribe().with(acquired -> {
                    leading = acquired;
                    if (acquired) {
                        LOG.info("this replica relays the consent outbox");
                        drain();
                    }
                }, failure -> LOG.warnf("outbox relay could not take the lead: %s", failure.getMessage()));
    }

    /**
     * The outbox was empty at {@code upTo} (less the commit margin): tells every partition that all consent events
     * recorded before it are on the topic; a second after relaying, otherwise every ten seconds.
     */
    private Uni<Void> watermarks(Instant upTo) {
        Duration interval = relayedSinceWatermark ? WATERMARK_AFTER_RELAY : WATERMARK_WHEN_IDLE;
        if (Duration.between(lastWatermark, clock.instant()).compareTo(interval) < 0) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom()
                .completionStage(admin.describeTopics(List.of(Topics.CONSENT)).allTopicNames().toCompletionStage())
                .map(topics -> topics.get(Topics.CONSENT).partitions().size())
                .onFailure().recoverWithItem(0) // no topic yet: nothing was ever published
                .chain(partitions -> {
                    List<Uni<Void>> sends = new ArrayList<>();
                    for (int partition = 0; partition < partitions; partition++) {
                        ConsentWatermark watermark = new ConsentWatermark(UUID.randomUUID(), upTo, partition);
                        sends.add(emitter.sendMessage(Message.of(IntegrationJson.write(watermark))
                                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withTopic(Topics.CONSENT)
                                        .withPartition(partition).build())));
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

    private Uni<Integer> relayBatch(PgConnection current) {
        Instant passStart = clock.instant();
        return current
                .preparedQuery("SELECT position, topic, message_key, payload FROM outbox ORDER BY position LIMIT $1")
                .execute(Tuple.of(BATCH))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return watermarks(passStart.minus(COMMIT_MARGIN)).replaceWith(0);
                    }
                    List<Uni<Void>> sends = new ArrayList<>();
                    long last = 0;
                    for (Row row : rows) {
                        last = row.getLong("position");
                        sends.add(emitter.sendMessage(Message.of(row.getString("payload"))
                                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                        .withTopic(row.getString("topic"))
                                        .withKey(row.getString("message_key"))
                                        .build())));
                    }
                    long upTo = last;
                    int count = rows.size();
                    // Subscribed in position order, so the producer sends them in that order.
                    return Uni.join().all(sends).andFailFast()
                            .chain(() -> current.preparedQuery("DELETE FROM outbox WHERE position <= $1")
                                    .execute(Tuple.of(upTo)))
                            .invoke(() -> relayedSinceWatermark = true)
                            .replaceWith(count);
                });
    }
}
