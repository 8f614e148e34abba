package dev.telemetry.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.testing.TestCatalogs;
import dev.telemetry.testing.TopicReader;

/** {@code COLLECTOR_CATALOG} replaces the built-in catalog: its kinds are accepted and stamped with its id. */
@QuarkusTest
@TestProfile(CustomCatalogTest.WithExtraKind.class)
class CustomCatalogTest {

    public static class WithExtraKind implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("collector.catalog", TestCatalogs.withExtraKind());
        }
    }

    @Test
    void aKindOnlyTheConfiguredCatalogHasIsAcceptedAndPublishedUnderItsId() {
        CliMachine machine = CliMachine.create().optedIn(Instant.now().minus(Duration.ofHours(1))).awaitProjected();
        ObjectNode doctor = machine.event(TestCatalogs.EXTRA_KIND, Instant.now().minus(Duration.ofMinutes(10)));
        doctor.putObject("data").put(TestCatalogs.EXTRA_KEY, 3);
        ObjectNode outOfRange = machine.event(TestCatalogs.EXTRA_KIND, Instant.now().minus(Duration.ofMinutes(9)));
        outOfRange.putObject("data").put(TestCatalogs.EXTRA_KEY, 101);

        CliMachine.push(List.of(doctor, outOfRange, machine.event("rm_rf", Instant.now().minus(Duration.ofMinutes(8)))))
                .then().statusCode(200)
                .body("results.status", contains("accepted", "rejected", "rejected"))
                .body("results.reason", contains(null, "invalid_data_value", "unknown_event"))
                .body("accepted", equalTo(1));

        List<UsageEvent> published = TopicReader.readAll(Topics.USAGE).stream()
                .filter(r -> machine.pseudonym().equals(r.key()))
                .map(r -> IntegrationJson.read(r.value(), UsageEvent.class)).toList();
        assertThat(published).singleElement().satisfies(event -> {
            assertThat(event.eventId().toString()).isEqualTo(doctor.get("id").asText());
            assertThat(event.event()).isEqualTo(TestCatalogs.EXTRA_KIND);
            assertThat(event.data()).containsEntry(TestCatalogs.EXTRA_KEY, 3);
            assertThat(event.catalog()).isEqualTo(TestCatalogs.ID);
        });
    }
}
