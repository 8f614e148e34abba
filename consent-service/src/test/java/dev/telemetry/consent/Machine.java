package dev.telemetry.consent;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.telemetry.contract.Pseudonyms;
import dev.telemetry.testing.TestApiKeys;

/** A simulated CLI installation: its anonymous id and the consent calls it makes. */
public record Machine(String anonymousId) {

    public static Machine newMachine() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            return new Machine(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the services store and publish instead of the anonymous id. */
    public String pseudonym() {
        return Pseudonyms.fromBase64(ConfigProvider.getConfig().getValue("pseudonym.key", String.class))
                .of(anonymousId);
    }

    public Response answer(boolean optIn, String source) {
        return given().auth().oauth2(TestApiKeys.ingest())
                .contentType(ContentType.JSON)
                .body("{\"optIn\": " + optIn + ", \"os\": \"linux\", \"build\": \"0.0.1234\", \"source\": \"" + source
                        + "\"}")
                .when().put("/v1/consent/" + anonymousId);
    }

    public Response current() {
        return given().auth().oauth2(TestApiKeys.ingest()).when().get("/v1/consent/" + anonymousId);
    }

    public Response history() {
        return given().auth().oauth2(TestApiKeys.ingest()).when().get("/v1/consent/" + anonymousId + "/history");
    }

    public Response requestErasure() {
        return given().auth().oauth2(TestApiKeys.ingest()).when().delete("/v1/consent/" + anonymousId + "/data");
    }
}
