package dev.telemetry.consent.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.consent.Machine;
import dev.telemetry.contract.MachineProofs;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestDatabase;

/** Every malformed request gets a 4xx problem with a stable type, and nothing is stored. */
@QuarkusTest
class BadInputTest {

    private static final String VALID = "{\"optIn\": true, \"os\": \"linux\", \"build\": \"0.0.1234\", \"source\": \"prompt\"}";
    private static final String JSON = "application/json";

    static Stream<Arguments> badRequests() {
        return Stream.of(
                bad("id too short", "abc123", JSON, VALID, 400, "invalid-anonymous-id"),
                bad("id in uppercase", Machine.newMachine().anonymousId().toUpperCase(), JSON, VALID, 400,
                        "invalid-anonymous-id"),
                bad("id not hex", "g".repeat(64), JSON, VALID, 400, "invalid-anonymous-id"),
                bad("id is an email address", "someone@example.com", JSON, VALID, 400, "invalid-anonymous-id"),
                bad("id missing", "", JSON, VALID, 400, "invalid-anonymous-id"),
                bad("proof missing", null, JSON, VALID, 401, "proof-required"),
                bad("proof in uppercase", null, JSON, VALID, 401, "proof-required"),
                bad("proof too short", null, JSON, VALID, 401, "proof-required"),
                bad("optIn missing", null, JSON, "{\"os\": \"linux\", \"build\": \"1\", \"source\": \"prompt\"}", 400,
                        "invalid-request"),
                bad("os missing", null, JSON, "{\"optIn\": true, \"build\": \"1\", \"source\": \"prompt\"}", 400,
                        "invalid-request"),
                bad("source missing", null, JSON, "{\"optIn\": true, \"os\": \"linux\", \"build\": \"1\"}", 400,
                        "invalid-request"),
                bad("optIn null", null, JSON, VALID.replace("true", "null"), 400, "invalid-request"),
                bad("extra field", null, JSON, VALID.replace("{", "{\"hostname\": \"box\", "), 400,
                        "invalid-request"),
                bad("optIn as a string", null, JSON, VALID.replace("true", "\"true\""), 400, "invalid-request"),
                bad("optIn as a number", null, JSON, VALID.replace("true", "1"), 400, "invalid-request"),
                bad("os free text", null, JSON, VALID.replace("\"linux\"", "\"Linux Mint 21 (home)\""), 400,
                        "invalid-request"),
                bad("os as a number", null, JSON, VALID.replace("\"linux\"", "7"), 400, "invalid-request"),
                bad("build looks like a path", null, JSON, VALID.replace("0.0.1234", "../../etc/passwd"), 400,
                        "invalid-request"),
                bad("build too long", null, JSON, VALID.replace("0.0.1234", "1".repeat(65)), 400,
                        "invalid-request"),
                bad("unknown source", null, JSON, VALID.replace("prompt", "cli"), 400, "invalid-request"),
                bad("malformed JSON", null, JSON, "{\"optIn\": tru", 400, "malformed-json"),
                bad("trailing garbage", null, JSON, VALID + " }", 400, "malformed-json"),
                bad("duplicate key", null, JSON, VALID.replace("{", "{\"optIn\": false, "), 400, "malformed-json"),
                bad("array instead of object", null, JSON, "[" + VALID + "]", 400, "invalid-request"),
                bad("empty body", null, JSON, "", 400, "invalid-request"),
                bad("oversize body", null, JSON, VALID.replace("{", "{\"pad\": \"" + "x".repeat(5000) + "\", "),
                        413, "payload-too-large"),
                bad("text/plain", null, "text/plain", VALID, 415, "unsupported-media-type"),
                bad("form encoded", null, "application/x-www-form-urlencoded", "optIn=true", 415,
                        "unsupported-media-type"));
    }

    private static Arguments bad(String name, String anonymousId, String contentType, String body, int status,
            String type) {
        return Arguments.of(name, anonymousId, contentType, body, status, type);
    }

    @ParameterizedTest(name = "{0} -> {4} {5}")
    @MethodSource("badRequests")
    void badRequestIsRefusedWithAStableProblemAndStoresNothing(String name, String anonymousId, String contentType,
            String body, int status, String type) {
        Machine machine = Machine.newMachine();
        String id = anonymousId == null ? machine.anonymousId() : anonymousId;
        String proof = switch (name) {
            case "proof missing" -> "";
            case "proof in uppercase" -> machine.proof().toUpperCase();
            case "proof too short" -> machine.proof().substring(1);
            default -> machine.proof();
        };
        long before = TestDatabase.count("SELECT count(*) FROM consent_event");

        given().auth().oauth2(TestApiKeys.ingest())
                .header(MachineProofs.ANONYMOUS_ID_HEADER, id)
                .header(MachineProofs.HEADER, proof)
                .contentType(contentType)
                .body(body)
                .when().put("/v1/consent")
                .then().statusCode(status)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:" + type))
                .body("status", equalTo(status));

        assertThat(TestDatabase.count("SELECT count(*) FROM consent_event")).isEqualTo(before);
    }

    @Test
    void askingForARepresentationTheServiceCannotGiveIs406AndRecordsNothing() {
        Machine machine = Machine.newMachine();

        given().auth().oauth2(TestApiKeys.ingest()).contentType(JSON).accept("application/xml").body(VALID)
                .header(MachineProofs.ANONYMOUS_ID_HEADER, machine.anonymousId())
                .header(MachineProofs.HEADER, machine.proof())
                .when().put("/v1/consent")
                .then().statusCode(406)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:not-acceptable"))
                .body("status", equalTo(406));
        assertThat(TestDatabase.count("SELECT count(*) FROM consent_event WHERE stream_id = ?", machine.pseudonym()))
                .isZero();

        machine.answer(true, "prompt").then().statusCode(200);
        given().auth().oauth2(TestApiKeys.ingest()).accept("text/csv")
                .header(MachineProofs.ANONYMOUS_ID_HEADER, machine.anonymousId())
                .header(MachineProofs.HEADER, machine.proof())
                .when().get("/v1/consent")
                .then().statusCode(406)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:not-acceptable"));
    }
}
