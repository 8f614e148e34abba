package dev.telemetry.consent.smoke;

import java.util.List;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.testing.PostgresContractTest;

@QuarkusTest
class PostgresSmokeTest extends PostgresContractTest {

    @Override
    protected List<String> expectedTables() {
        return List.of("consent_event", "consent_state", "erasure_receipt", "outbox", "processed_message");
    }

    @Override
    protected List<String> droppedTables() {
        return List.of();
    }
}
