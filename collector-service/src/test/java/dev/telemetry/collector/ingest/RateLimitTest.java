package dev.telemetry.collector.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.telemetry.testing.TestApiKeys;

@QuarkusTest
@TestProfile(RateLimitTest.ThreePushesPerMinute.class)
class RateLimitTest {

    public static class ThreePushesPerMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("collector.pushes-per-minute", "3");
        }
    }

    private static Response push(String key) {
        return given().auth().oauth2(key).contentType("application/json").body("{\"events\": []}")
                .when().post("/v1/events");
    }

    @Test
    void keyOverItsLimitGets429WithRetryAfterWhileOtherKeysGoOn() {
        String key = TestApiKeys.ingest();
        for (int i = 0; i < 3; i++) {
            push(key).then().statusCode(200);
        }

        Response limited = push(key);

        limited.then().statusCode(429)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:rate-limited"));
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
        push(TestApiKeys.ingest()).then().statusCode(200);
    }
}
