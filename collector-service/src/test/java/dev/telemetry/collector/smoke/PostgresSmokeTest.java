package dev.telemetry.collector.smoke;

import java.util.List;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.testing.PostgresContractTest;

@QuarkusTest
class PostgresSmokeTest extends PostgresContractTest {

    @Override
    protected List<String> expectedTables() {
        return List.of("machine_consent", "consent_progress");
    }
}
