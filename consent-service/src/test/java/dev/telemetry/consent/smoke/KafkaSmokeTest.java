package dev.telemetry.consent.smoke;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.testing.KafkaContractTest;

@QuarkusTest
class KafkaSmokeTest extends KafkaContractTest {
}
