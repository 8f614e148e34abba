package dev.telemetry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Every service talks to the real broker through SmallRye Reactive Messaging: a message sent comes back. */
public abstract class KafkaContractTest {

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
