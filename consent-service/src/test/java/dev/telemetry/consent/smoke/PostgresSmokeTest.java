package dev.telemetry.consent.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

import dev.telemetry.consent.inbox.ProcessedMessage;

/** Hibernate Reactive writes to and reads from the real PostgreSQL, in the schema Flyway created. */
@QuarkusTest
class PostgresSmokeTest {

    @Test
    void processedMessageIsStoredAndRecognisedOnRedelivery() throws Throwable {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

        boolean firstDelivery = VertxContextSupport.subscribeAndAwait(
                () -> Panache.withTransaction(() -> ProcessedMessage.seenBefore(id, "smoke", now)));
        boolean redelivery = VertxContextSupport.subscribeAndAwait(
                () -> Panache.withTransaction(() -> ProcessedMessage.seenBefore(id, "smoke", now)));
        ProcessedMessage stored = VertxContextSupport.subscribeAndAwait(
                () -> Panache.withSession(() -> ProcessedMessage.<ProcessedMessage>findById(id)));

        assertThat(firstDelivery).isFalse();
        assertThat(redelivery).isTrue();
        assertThat(stored.topic).isEqualTo("smoke");
        assertThat(stored.processedAt).isEqualTo(now);
    }
}
