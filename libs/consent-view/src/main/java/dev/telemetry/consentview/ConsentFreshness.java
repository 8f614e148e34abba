package dev.telemetry.consentview;

import java.time.Duration;
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
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

import dev.telemetry.contract.Topics;

/**
 * Up to when the consent view is complete: the lowest watermark applied across all partitions of the consent topic
 * ({@link dev.telemetry.contract.consent.ConsentWatermark}). Every consent event recorded before that instant is in
 * {@code machine_consent}. Until every partition has a watermark, nothing is known complete.
 */
@ApplicationScoped
public class ConsentFreshness {

    private static final Logger LOG = Logger.getLogger(ConsentFreshness.class);

    /**
     * How long the consent topic's partition count is trusted before the broker is asked again (partitions are
     * added only with producers stopped, for longer than this: docs/performance.md, "Partition counts").
     */
    private static final Duration PARTITIONS_TTL = Duration.ofSeconds(30);

    private final Pool pool;
    private final Admin admin;
    private final AtomicReference<Instant> consumedUpTo = new AtomicReference<>(Instant.EPOCH);
    private volatile int partitions;
    private volatile long partitionsAskedAt;

    /** @param kafka the service's {@code kafka.*} settings (brokers and security), as its channels use them */
    ConsentFreshness(Pool pool, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.pool = pool;
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        this.admin = Admin.create(config);
    }

    public Instant consumedUpTo() {
        return consumedUpTo.get();
    }

    /** Often, as a fresh event waits for it: one small query (the partition count is remembered). */
    @Scheduled(every = "${consent-view.freshness-interval:200ms}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        try {
            int partitions = partitions();
            Map<Integer, Instant> watermarks = watermarks();
            if (partitions > 0 && watermarks.keySet().containsAll(
                    java.util.stream.IntStream.range(0, partitions).boxed().toList())) {
                Instant lowest = watermarks.values().stream().min(Instant::compareTo).orElseThrow();
                consumedUpTo.accumulateAndGet(lowest, (a, b) -> a.isAfter(b) ? a : b);
            }
        } catch (Exception e) {
            LOG.debugf("consent freshness check failed: %s", e.getMessage());
        }
    }

    private int partitions() throws Exception {
        long now = System.nanoTime();
        if (partitions == 0 || now - partitionsAskedAt > PARTITIONS_TTL.toNanos()) {
            partitions = askPartitions();
            partitionsAskedAt = now;
        }
        return partitions;
    }

    private int askPartitions() throws Exception {
        try {
            TopicDescription topic = admin.describeTopics(List.of(Topics.CONSENT)).allTopicNames()
                    .get(5, TimeUnit.SECONDS).get(Topics.CONSENT);
            return topic.partitions().size();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw e;
        }
    }

    private Map<Integer, Instant> watermarks() {
        Map<Integer, Instant> result = new HashMap<>();
        for (Row row : pool.query("SELECT topic_partition, watermark FROM consent_progress").execute()
                .await().atMost(Duration.ofSeconds(5))) {
            result.put(row.getInteger("topic_partition"), row.getOffsetDateTime("watermark").toInstant());
        }
        return result;
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
