package dev.telemetry.consent.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;

/** This replica's {@link OutboxRelay}: publishes through the {@code consent-out} channel, runs while the app runs. */
@ApplicationScoped
public class OutboxRelayService {

    private final OutboxRelay relay;
    private final Admin admin;

    OutboxRelayService(Vertx vertx,
            @Channel("consent-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) MutinyEmitter<String> emitter,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "consent.relay.poll-interval", defaultValue = "200ms") Duration poll,
            @ConfigProperty(name = "consent.relay.batch", defaultValue = "500") int batch,
            @ConfigProperty(name = "consent.relay.commit-margin", defaultValue = "1s") Duration commitMargin,
            @ConfigProperty(name = "consent.relay.watermark-after-relay", defaultValue = "200ms") Duration afterRelay,
            @ConfigProperty(name = "consent.relay.watermark-when-idle", defaultValue = "1s") Duration whenIdle,
            Clock clock) {
        // The service's kafka.* settings (brokers and security), as its channels use them.
        Map<String, Object> adminConfig = new HashMap<>(kafka);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        this.admin = Admin.create(adminConfig);
        PgConnectOptions options = PgConnectOptions.fromUri(url).setUser(user).setPassword(password.orElse(""));
        this.relay = new OutboxRelay(vertx, options, new ChannelSink(emitter, admin), clock,
                new OutboxRelay.Settings(poll, batch, commitMargin, afterRelay, whenIdle));
    }

    void onStart(@Observes StartupEvent startup) {
        relay.start();
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        relay.stop();
        admin.close(Duration.ofSeconds(2));
    }

    /** A consent transaction committed: relay it now if this replica leads (others find it when they poll). */
    public void wake() {
        relay.wake();
    }

    /** For tests that stop and restart this replica's relay. */
    public OutboxRelay relay() {
        return relay;
    }

    private static final class ChannelSink implements OutboxRelay.Sink {

        /**
         * How long a topic's partition count is trusted. Asking the broker before every watermark (up to five times a
         * second) took 7 % of the service's CPU; partitions are only ever added, and a new one gets its first
         * watermark within this time.
         */
        private static final long PARTITIONS_TTL_NANOS = Duration.ofSeconds(30).toNanos();

        private final MutinyEmitter<String> emitter;
        private final Admin admin;
        private volatile int knownPartitions;
        private volatile long knownAt;

        ChannelSink(MutinyEmitter<String> emitter, Admin admin) {
            this.emitter = emitter;
            this.admin = admin;
        }

        @Override
        public Uni<Void> send(String topic, Integer partition, String key, String value) {
            OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata = OutgoingKafkaRecordMetadata
                    .<String>builder().withTopic(topic).withKey(key);
            if (partition != null) {
                metadata.withPartition(partition);
            }
            return emitter.sendMessage(Message.of(value).addMetadata(metadata.build()));
        }

        /** The relay asks only for the consent topic, so one remembered count is enough. */
        @Override
        public Uni<Integer> partitions(String topic) {
            if (knownPartitions > 0 && System.nanoTime() - knownAt < PARTITIONS_TTL_NANOS) {
                return Uni.createFrom().item(knownPartitions);
            }
            return Uni.createFrom()
                    .completionStage(() -> admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage())
                    .map(topics -> topics.get(topic).partitions().size())
                    .invoke(count -> {
                        knownPartitions = count;
                        knownAt = System.nanoTime();
                    })
                    .onFailure().recoverWithItem(0); // no topic yet: nothing was ever published
        }
    }
}
