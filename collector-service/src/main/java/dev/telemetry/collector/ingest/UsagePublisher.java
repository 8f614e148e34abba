package dev.telemetry.collector.ingest;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.usage.UsageEvent;

/** Appends accepted events to the usage topic; completes only once Kafka acknowledged every one (acks=all). */
@ApplicationScoped
public class UsagePublisher {

    private final MutinyEmitter<String> emitter;

    UsagePublisher(
            @Channel("usage-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = events.stream()
                .map(event -> emitter.sendMessage(Message.of(IntegrationJson.write(event))
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.pseudonym()).build())))
                .toList();
        return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
    }
}
