package dev.telemetry.report.reporting;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.telemetry.testing.TestApiKeys;

/** The published methodology states the consent windows in force, not the shipped defaults. */
@QuarkusTest
@TestProfile(ConfiguredConsentWindowsTest.OtherWindows.class)
class ConfiguredConsentWindowsTest {

    private static final String STATED = "same rule as the collector: 90 seconds of clock-skew tolerance, "
            + "45 minutes to send earlier events after an opt-out";

    /** The skew under its current name, the grace under the environment variable it had before it moved. */
    public static class OtherWindows implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("consent.clock-skew", "90s", "COLLECTOR_OPT_OUT_GRACE", "45m");
        }
    }

    @Test
    void previewAndPublishedPageStateTheConfiguredWindows() {
        String preview = given().auth().oauth2(TestApiKeys.admin()).when().get("/v1/admin/reports/2019-Q1/preview")
                .then().statusCode(200).extract().jsonPath().getString("methodology.consent");
        assertThat(preview).contains(STATED);

        String published = given().auth().oauth2(TestApiKeys.admin()).when()
                .post("/v1/admin/reports/2019-Q2/publish")
                .then().statusCode(200).extract().jsonPath().getString("methodology.consent");
        assertThat(published).contains(STATED);
        String page = given().when().get("/reports/2019-Q2").then().statusCode(200).extract().asString();
        assertThat(page).contains(STATED);
    }

    @Test
    void projectionJudgesConsentWithTheSameWindows() {
        var config = ConfigProvider.getConfig();
        assertThat(config.getValue("report.consent.clock-skew", java.time.Duration.class)).hasSeconds(90);
        assertThat(config.getValue("report.consent.opt-out-grace", java.time.Duration.class)).hasMinutes(45);
    }
}
