package dev.telemetry.consent;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.telemetry.testing.SimulatedMachines;
import dev.telemetry.testing.TestApiKeys;

/** A simulated CLI installation: its anonymous id and the consent calls it makes. */
public record Machine(String anonymousId) {

    public static Machine newMachine() {
        return new Machine(SimulatedMachines.newAnonymousId());
    }

    /** What the services store and publish instead of the anonymous id. */
    public String pseudonym() {
        return SimulatedMachines.pseudonymOf(anonymousId);
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
