package dev.telemetry.consent.smoke;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.testing.OperationsContractTest;

@QuarkusTest
class OperationsTest extends OperationsContractTest {
}
