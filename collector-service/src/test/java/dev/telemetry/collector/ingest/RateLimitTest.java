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
        return push(key, "192.0.2.1");
    }

    /** From a client at {@code address}, as the trusted local proxy forwards it. */
    private static Response push(String key, String address) {
        return given().auth().oauth2(key).header("X-Forwarded-For", address).contentType("application/json")
                .body("{\"events\": []}").when().post("/v1/events");
    }

    @Test
    void clientOverItsLimitGets429WithRetryAfterWhileOtherKeysGoOn() {
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

    @Test
    void oneClientUsingUpTheSharedKeyLeavesOtherClientsOfTheKeyTheirShare() {
        String shared = TestApiKeys.ingest();
        for (int i = 0; i < 3; i++) {
            push(shared, "198.51.100.50").then().statusCode(200);
        }
        push(shared, "198.51.100.50").then().statusCode(429);

        push(shared, "198.51.100.51").then().statusCode(200);
        push(shared, "2001:db8:77::1").then().statusCode(200);
    }

    @Test
    void addressesOfOneIpv6SlashSixtyFourShareOneLimit() {
        String key = TestApiKeys.ingest();
        for (int i = 1; i <= 3; i++) {
            push(key, "2001:db8:1:2::" + i).then().statusCode(200);
        }

        push(key, "2001:db8:1:2:ffff::9").then().statusCode(429);
        push(key, "2001:db8:1:3::1").then().statusCode(200);
    }
}
