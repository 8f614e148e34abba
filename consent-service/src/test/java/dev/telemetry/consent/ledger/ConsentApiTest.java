package dev.telemetry.consent.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.consent.Machine;

@QuarkusTest
class ConsentApiTest {

    @Test
    void optInIsRecordedAndReadBack() {
        Machine machine = Machine.newMachine();

        machine.answer(true, "prompt").then()
                .statusCode(200)
                .body("anonymousId", equalTo(machine.anonymousId()))
                .body("optIn", equalTo(true))
                .body("version", equalTo(1));

        machine.current().then().statusCode(200).body("optIn", equalTo(true)).body("version", equalTo(1));
    }

    @Test
    void optOutAfterOptInChangesStateSinceAndVersion() {
        Machine machine = Machine.newMachine();
        Instant optedIn = Instant.parse(machine.answer(true, "prompt").then().extract().path("since"));

        machine.answer(false, "toggle").then().statusCode(200).body("optIn", equalTo(false)).body("version",
                equalTo(2));

        Instant optedOut = Instant.parse(machine.current().then().extract().path("since"));
        assertThat(optedOut).isAfter(optedIn);
    }

    @Test
    void repeatingTheCurrentStateRecordsNothingAndReturnsTheSameVersionAndSince() {
        Machine machine = Machine.newMachine();
        String first = machine.answer(true, "prompt").then().statusCode(200).extract().asString();

        String repeat = machine.answer(true, "toggle").then().statusCode(200).extract().asString();

        assertThat(repeat).isEqualTo(first);
        machine.history().then().statusCode(200).body("size()", equalTo(1));
    }

    @Test
    void aMachineThatNeverAnsweredIsRefusedAsAWrongProofWouldBe() {
        Machine machine = Machine.newMachine();

        machine.current().then().statusCode(403)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:proof-rejected"));
        machine.history().then().statusCode(403).body("type", equalTo("urn:telemetry:problem:proof-rejected"));
    }

    @Test
    void historyListsEveryEventInOrder() {
        Machine machine = Machine.newMachine();
        machine.answer(false, "prompt");
        machine.answer(true, "toggle");
        machine.answer(true, "toggle");
        machine.answer(false, "toggle");

        machine.history().then().statusCode(200)
                .body("version", contains(1, 2, 3))
                .body("type", contains("consent.withdrawn", "consent.granted", "consent.withdrawn"))
                .body("source", contains("prompt", "toggle", "toggle"));
    }
}
