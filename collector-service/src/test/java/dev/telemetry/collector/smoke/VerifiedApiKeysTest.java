package dev.telemetry.collector.smoke;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.apikeys.ApiKeyMinter;
import dev.telemetry.apikeys.KeyFiles;
import dev.telemetry.testing.RealInfrastructure;
import dev.telemetry.testing.TestApiKeys;

/** A key verified once is remembered, but never beyond its expiry and never past the revocation list. */
@QuarkusTest
class VerifiedApiKeysTest {

    @Test
    void aRememberedKeyStopsWorkingWhenItExpires() throws IOException {
        Config config = ConfigProvider.getConfig();
        String shortLived = new ApiKeyMinter(
                KeyFiles.readPrivateKey(
                        Path.of(config.getValue(RealInfrastructure.PRIVATE_KEY_PROPERTY, String.class))),
                config.getValue("mp.jwt.verify.issuer", String.class),
                config.getValue("mp.jwt.verify.audiences", String.class))
                .mint("test-client", Set.of(ApiKeyGroups.INGEST), Duration.ofSeconds(5)).token();

        validate(shortLived).then().statusCode(200);
        validate(shortLived).then().statusCode(200);

        await().pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofMinutes(3))
                .until(() -> validate(shortLived).statusCode() == 401);
    }

    @Test
    void aRevokedKeyIsRefusedEveryTime() {
        String revoked = TestApiKeys.revoked(ApiKeyGroups.INGEST);
        for (int call = 0; call < 3; call++) {
            validate(revoked).then().statusCode(401);
        }
    }

    @Test
    void aRememberedKeyStillNeedsTheGroup() {
        String admin = TestApiKeys.withGroup(ApiKeyGroups.ADMIN);
        for (int call = 0; call < 3; call++) {
            validate(admin).then().statusCode(403);
        }
    }

    private static Response validate(String key) {
        return given().auth().oauth2(key).contentType("application/json").body("{\"events\": []}").when()
                .post("/v1/events/validate");
    }
}
