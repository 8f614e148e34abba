package dev.telemetry.collector.overload;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import dev.telemetry.testing.TestApiKeys;

@QuarkusTest
@TestProfile(PushesInFlightTest.OnePushAtATime.class)
class PushesInFlightTest {

    public static class OnePushAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("collector.max-pushes-in-flight", "1");
        }
    }

    private static Response push() {
        return given().auth().oauth2(TestApiKeys.ingest()).contentType("application/json")
                .body("{\"events\": []}").when().post("/v1/events");
    }

    @Test
    void aPushBeyondTheLimitIsShedWith503AndRetryAfterUntilOneEnds() throws IOException {
        push().then().statusCode(200);
        try (Socket slow = new Socket("127.0.0.1", RestAssured.port)) {
            // A push whose body has not arrived yet: in flight until it does or its connection ends.
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + TestApiKeys.ingest() + "\r\nContent-Length: 100\r\n\r\n{")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> push().statusCode() == 503);
            Response shed = push();

            shed.then().statusCode(503).contentType(equalTo("application/problem+json"))
                    .body("type", equalTo("urn:telemetry:problem:overloaded"));
            assertThat(Integer.parseInt(shed.header("Retry-After"))).isPositive();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> push().statusCode() == 200);
    }
}
