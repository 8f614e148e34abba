package dev.telemetry.report.smoke;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.testing.OperationsContractTest;

@QuarkusTest
class OperationsTest extends OperationsContractTest {
}
