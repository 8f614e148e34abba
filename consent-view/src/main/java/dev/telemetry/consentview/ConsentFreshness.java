package dev.telemetry.consentview;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

import dev.telemetry.contract.Topics;

/**
 * Up to when the consent projection is complete: every second, compare the consent topic's end offsets with the
 * offsets the projection has applied; if it has applied all of them, every consent event published before the
 * moment the end offsets were read is in {@code machine_consent}. That moment is {@link #consumedUpTo()}.
 */
@ApplicationScoped
public class ConsentFreshness {

    private static final Logger LOG = Logger.getLogger(ConsentFreshness.class);

    private final Pool pool;
    private final Clock clock;
    private final Admin admin;
    private final AtomicReference<Instant> consumedUpTo = new AtomicReference<>(Instant.EPOCH);

    ConsentFreshness(Pool pool, Clock clock, @ConfigProperty(name = "kafka.bootstrap.servers") String servers) {
        this.pool = pool;
        this.clock = clock;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
    }

    public Instant consumedUpTo() {
        return consumedUpTo.get();
    }

    @Scheduled(every = "${consent-view.freshness-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        Instant readAt = clock.instant();
        try {
            Map<Integer, Long> end = endOffsets();
            Map<Integer, Long> applied = appliedOffsets();
            boolean complete = end.entrySet().stream()
                    .allMatch(partition -> partition.getValue() == 0
                            || applied.getOrDefault(partition.getKey(), -1L) >= partition.getValue() - 1);
            if (complete) {
                consumedUpTo.accumulateAndGet(readAt, (a, b) -> a.isAfter(b) ? a : b);
            }
        } catch (Exception e) {
            LOG.debugf("consent freshness check failed: %s", e.getMessage());
        }
    }

    private Map<Integer, Long> endOffsets() throws Exception {
        TopicDescription topic;
        try {
            topic = admin.describeTopics(List.of(Topics.CONSENT)).allTopicNames().get(5, TimeUnit.SECONDS)
                    .get(Topics.CONSENT);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Map.of(); // nothing was ever published
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        topic.partitions()
                .forEach(p -> request.put(new TopicPartition(Topics.CONSENT, p.partition()), OffsetSpec.latest()));
        Map<Integer, Long> result = new HashMap<>();
        admin.listOffsets(request).all().get(5, TimeUnit.SECONDS)
                .forEach((partition, info) -> result.put(partition.partition(), info.offset()));
        return result;
    }

    private Map<Integer, Long> appliedOffsets() {
        Map<Integer, Long> result = new HashMap<>();
        for (Row row : pool.query("SELECT topic_partition, processed_offset FROM consent_progress").execute()
                .await().atMost(java.time.Duration.ofSeconds(5))) {
            result.put(row.getInteger("topic_partition"), row.getLong("processed_offset"));
        }
        return result;
    }

    @PreDestroy
    void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
