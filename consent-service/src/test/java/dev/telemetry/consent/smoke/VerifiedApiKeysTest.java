package dev.telemetry.consent.smoke;

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

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.apikeys.ApiKeyMinter;
import dev.telemetry.apikeys.KeyFiles;
import dev.telemetry.consent.Machine;
import dev.telemetry.contract.MachineProofs;
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
        Machine machine = Machine.newMachine();

        read(shortLived, machine).then().statusCode(403);
        read(shortLived, machine).then().statusCode(403);

        await().pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofMinutes(3))
                .until(() -> read(shortLived, machine)
                        .statusCode() == 401);
    }

    @Test
    void aRevokedKeyIsRefusedEveryTime() {
        String revoked = TestApiKeys.revoked(ApiKeyGroups.INGEST);
        Machine machine = Machine.newMachine();
        for (int call = 0; call < 3; call++) {
            read(revoked, machine).then().statusCode(401);
        }
    }

    /** A read of a machine that never answered: 403 proof-rejected once the key is accepted. */
    private static io.restassured.response.Response read(String apiKey, Machine machine) {
        return given().auth().oauth2(apiKey).header(MachineProofs.ANONYMOUS_ID_HEADER, machine.anonymousId())
                .header(MachineProofs.HEADER, machine.proof()).when().get("/v1/consent");
    }
}
