package dev.telemetry.report.catalog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.catalog.EventCatalog;
import dev.telemetry.contract.usage.UsageEvent;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.PublishedConsent;
import dev.telemetry.testing.SimulatedMachines;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestCatalogs;
import dev.telemetry.testing.TopicReader;

/**
 * {@code COLLECTOR_CATALOG} gives every kind of the configured catalog a report row: the report service reads the
 * same file as the collector, so a kind the built-in catalog lacks is listed, and counted once events of it arrive.
 */
@QuarkusTest
@TestProfile(ConfiguredCatalogTest.WithExtraKind.class)
class ConfiguredCatalogTest {

    private static final Quarter QUARTER = new Quarter(2022, 3);
    private static final int MACHINES = 10;

    public static class WithExtraKind implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("report.catalog", TestCatalogs.withExtraKind());
        }
    }

    private static JsonPath preview() {
        return given().auth().oauth2(TestApiKeys.admin()).when()
                .get("/v1/admin/reports/" + QUARTER + "/preview").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void everyKindOfTheConfiguredCatalogHasARowAndTheExtraKindIsCounted() {
        List<String> builtInKinds = List.copyOf(EventCatalog.cfDev().kinds().keySet());

        assertThat(preview().getList("eventsByKind.key", String.class))
                .containsExactlyInAnyOrderElementsOf(concat(builtInKinds, TestCatalogs.EXTRA_KIND));

        for (int i = 0; i < MACHINES; i++) {
            String pseudonym = SimulatedMachines.pseudonymOf(SimulatedMachines.newAnonymousId());
            PublishedConsent consent = new PublishedConsent(pseudonym);
            consent.granted(QUARTER.start().minus(Duration.ofDays(3)), "linux", "1.0.0");
            consent.awaitApplied();
            Instant at = QUARTER.start().plus(Duration.ofDays(i + 1));
            UsageEvent event = new UsageEvent(UUID.randomUUID(), pseudonym, at, TestCatalogs.EXTRA_KIND, "linux",
                    "1.0.0", Map.of(TestCatalogs.EXTRA_KEY, i), at.plusSeconds(30), TestCatalogs.ID);
            TopicReader.send(Topics.USAGE, pseudonym, IntegrationJson.write(event));
        }

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonPath report = preview();
            assertThat(report.getLong("events.value")).isEqualTo(MACHINES);
            assertThat(report.getMap("eventsByKind.find { it.key == '" + TestCatalogs.EXTRA_KIND + "' }"))
                    .containsEntry("events", MACHINES).containsEntry("machines", MACHINES)
                    .containsEntry("suppressed", false);
        });
        assertThat(preview().getString("methodology.catalog")).isEqualTo(TestCatalogs.ID);
    }

    private static List<String> concat(List<String> kinds, String extra) {
        return java.util.stream.Stream.concat(kinds.stream(), java.util.stream.Stream.of(extra)).toList();
    }
}
