package dev.telemetry.collector.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import dev.telemetry.contract.Topics;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.contract.usage.UsageEventJson;

/**
 * Appends accepted events to the usage topic; a push completes only once Kafka acknowledged every one of its events
 * (acks=all, idempotent producer), and fails if any one was not.
 *
 * <p>
 * A plain Kafka producer, one batch per push: the messaging channel it replaces paid a message, a metadata object, a
 * future and a thread hop per event, and capped what was in flight below what 64 clients pushing 500 events each
 * hold (those pushes were answered 503 although Kafka was up). Sends run on one thread of their own, because
 * {@code send} may block while the broker is unreachable, and the event loop must not.
 */
@ApplicationScoped
public class UsagePublisher {

    /** Kafka producer settings of the usage topic, {@code usage-producer.<kafka property>} in the configuration. */
    static final String SETTINGS_PREFIX = "usage-producer.";

    private final Producer<String, byte[]> producer;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "usage-sender");
        thread.setDaemon(true);
        return thread;
    });

    UsagePublisher(@Identifier("default-kafka-broker") Map<String, Object> broker, Config config) {
        Map<String, Object> settings = new HashMap<>(broker);
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(SETTINGS_PREFIX)) {
                settings.put(name.substring(SETTINGS_PREFIX.length()), config.getValue(name, String.class));
            }
        }
        this.producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    public Uni<Void> publish(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Serialised here, on the caller's threads, so that the one sender thread only hands records to Kafka.
        List<ProducerRecord<String, byte[]>> records = events.stream()
                .map(event -> new ProducerRecord<>(Topics.USAGE, event.pseudonym(), UsageEventJson.write(event)))
                .toList();
        Context caller = Vertx.currentContext();
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger(records.size());
        AtomicBoolean failed = new AtomicBoolean();
        try {
            sender.execute(() -> {
                try {
                    for (ProducerRecord<String, byte[]> record : records) {
                        // Once one record failed the push is answered 503: the rest need not wait for the broker.
                        if (failed.get()) {
                            return;
                        }
                        producer.send(record, (metadata, failure) -> {
                            if (failure != null) {
                                failed.set(true);
                                complete(caller, acknowledged, failure);
                            } else if (pending.decrementAndGet() == 0) {
                                complete(caller, acknowledged, null);
                            }
                        });
                    }
                } catch (RuntimeException e) {
                    complete(caller, acknowledged, e);
                }
            });
        } catch (RejectedExecutionException e) {
            return Uni.createFrom().failure(e);
        }
        return Uni.createFrom().completionStage(acknowledged);
    }

    /**
     * Completes the push back on its request's context: Kafka calls back on its one network thread, which must not
     * spend its time writing HTTP answers.
     */
    private static void complete(Context caller, CompletableFuture<Void> acknowledged, Throwable failure) {
        Runnable done = () -> {
            if (failure == null) {
                acknowledged.complete(null);
            } else {
                acknowledged.completeExceptionally(failure);
            }
        };
        if (caller == null) {
            done.run();
        } else {
            caller.runOnContext(ignored -> done.run());
        }
    }

    @PreDestroy
    void close() {
        sender.shutdown();
        producer.close(Duration.ofSeconds(5));
    }
}
