package dev.telemetry.consent;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.telemetry.contract.MachineProofs;
import dev.telemetry.testing.SimulatedMachines;
import dev.telemetry.testing.TestApiKeys;

/**
 * A simulated CLI installation: its anonymous id, the proof it sends, and the consent calls it makes. An attacker is
 * the same machine with someone else's proof (or none): {@link #withProof}.
 */
public record Machine(String anonymousId, String proof) {

    public static Machine newMachine() {
        String anonymousId = SimulatedMachines.newAnonymousId();
        return new Machine(anonymousId, SimulatedMachines.proofOf(anonymousId));
    }

    /** The same anonymous id with another proof (null: none), as someone who learned only the id would send. */
    public Machine withProof(String otherProof) {
        return new Machine(anonymousId, otherProof);
    }

    /** What the services store and publish instead of the anonymous id. */
    public String pseudonym() {
        return SimulatedMachines.pseudonymOf(anonymousId);
    }

    public String verifier() {
        return MachineProofs.verifierOf(proof);
    }

    public Response answer(boolean optIn, String source) {
        return request().contentType(ContentType.JSON)
                .body("{\"optIn\": " + optIn + ", \"os\": \"linux\", \"build\": \"0.0.1234\", \"source\": \"" + source
                        + "\"}")
                .when().put("/v1/consent");
    }

    public Response current() {
        return request().when().get("/v1/consent");
    }

    public Response history() {
        return request().when().get("/v1/consent/history");
    }

    public Response requestErasure() {
        return request().when().delete("/v1/consent/data");
    }

    /** A request as this machine sends it: the ingest key, its anonymous id and proof in headers. */
    public RequestSpecification request() {
        RequestSpecification request = given().auth().oauth2(TestApiKeys.ingest())
                .header(MachineProofs.ANONYMOUS_ID_HEADER, anonymousId);
        return proof == null ? request : request.header(MachineProofs.HEADER, proof);
    }
}
