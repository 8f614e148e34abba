package dev.telemetry.collector.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** A message sent through SmallRye Reactive Messaging comes back through the real broker. */
@QuarkusTest
class KafkaSmokeTest {

    @Inject
    KafkaRoundTrip roundTrip;

    @Test
    void messageTravelsThroughTheBroker() {
        String value = UUID.randomUUID().toString();

        roundTrip.send(value);

        Awaitility.await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(roundTrip.received()).contains(value));
    }
}
