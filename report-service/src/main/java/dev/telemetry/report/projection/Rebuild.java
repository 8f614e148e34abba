package dev.telemetry.report.projection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

import dev.telemetry.consentview.ConsentTimeline;
import dev.telemetry.consentview.ConsentView;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.usage.UsageEvent;

/**
 * Rebuilds the aggregates of every unpublished quarter from the log: the consent view gives opt-ins, opt-outs and
 * erasures; the usage topic is read again from its beginning up to its current end. The rebuild holds the aggregate
 * lock, so the live consumers wait and then skip what it already counted.
 */
@ApplicationScoped
public class Rebuild {

    private static final Logger LOG = Logger.getLogger(Rebuild.class);

    private final Pool pool;
    private final Aggregates aggregates;
    private final UsageProjection usage;
    private final ConsentProjection consent;
    private final ConsentView view;
    private final String bootstrapServers;

    Rebuild(Pool pool, Aggregates aggregates, UsageProjection usage, ConsentProjection consent, ConsentView view,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.pool = pool;
        this.aggregates = aggregates;
        this.usage = usage;
        this.consent = consent;
        this.view = view;
        this.bootstrapServers = bootstrapServers;
    }

    public record Result(long machines, long eventsRead, long eventsCounted) {
    }

    public Uni<Result> rebuild() {
        return pool.withTransaction(tx -> Aggregates.lock(tx)
                .chain(() -> aggregates.clearUnpublished(tx))
                .chain(() -> recountConsent(tx))
                .chain(machines -> Uni.createFrom().item(this::readUsageLog)
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        // The consent view is complete for everything in the log read so far.
                        .chain(events -> usage.apply(tx, events, Instant.MAX)
                                .map(counted -> new Result(machines, events.size(), counted)))))
                .invoke(result -> LOG.infof("rebuilt unpublished quarters: %d machines, %d events read, %d counted",
                        result.machines(), result.eventsRead(), result.eventsCounted()));
    }

    private Uni<Long> recountConsent(SqlClient tx) {
        return view.all(tx).chain(timelines -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Map.Entry<String, ConsentTimeline> machine : timelines.entrySet()) {
                chain = chain.chain(() -> consent.recount(tx, machine.getKey(), machine.getValue()));
            }
            return chain.replaceWith((long) timelines.size());
        });
    }

    /** Every usage event on the topic now, in partition order. */
    private List<UsageEvent> readUsageLog() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<UsageEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.USAGE, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(Topics.USAGE, info.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        try {
                            events.add(IntegrationJson.read(record.value(), UsageEvent.class));
                        } catch (IntegrationJson.UnreadableEventException e) {
                            LOG.errorf("rebuild skips unreadable %s-%d@%d", record.topic(), record.partition(),
                                    record.offset());
                        }
                    }
                }
            }
        }
        return events;
    }
}
