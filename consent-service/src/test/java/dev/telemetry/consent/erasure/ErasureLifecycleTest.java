package dev.telemetry.consent.erasure;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.consent.Machine;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.Topics;
import dev.telemetry.contract.erasure.ErasureCompleted;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TopicReader;

@QuarkusTest
class ErasureLifecycleTest {

    @Test
    void erasureOptsOutAndStaysPendingUntilTheReportServiceConfirms() {
        Machine machine = Machine.newMachine();
        machine.answer(true, "prompt").then().statusCode(200);

        io.restassured.response.Response accepted = machine.requestErasure();
        accepted.then().statusCode(202).body("status", equalTo("pending"));
        String receipt = accepted.path("receipt");
        org.assertj.core.api.Assertions.assertThat(accepted.header("Location")).endsWith("/v1/erasures/" + receipt);

        machine.current().then().body("optIn", equalTo(false));
        receipt(receipt).then().statusCode(200).body("status", equalTo("pending"));

        // What report-service publishes once the machine is gone from every unpublished aggregate.
        Instant completedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        ErasureCompleted confirmation = new ErasureCompleted(UUID.randomUUID(), machine.pseudonym(), completedAt,
                UUID.fromString(receipt));
        TopicReader.send(Topics.ERASURES, machine.pseudonym(), IntegrationJson.write(confirmation));
        // A redelivery changes nothing.
        TopicReader.send(Topics.ERASURES, machine.pseudonym(), IntegrationJson.write(confirmation));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> receipt(receipt).then()
                .statusCode(200)
                .body("status", equalTo("completed"))
                .body("completedAt", equalTo(completedAt.toString())));
    }

    @Test
    void repeatingTheRequestReturnsTheSameReceiptUntilANewOptIn() {
        Machine machine = Machine.newMachine();
        machine.answer(true, "prompt");

        String first = machine.requestErasure().then().statusCode(202).extract().path("receipt");
        String second = machine.requestErasure().then().statusCode(202).extract().path("receipt");
        machine.answer(true, "toggle");
        String afterNewOptIn = machine.requestErasure().then().statusCode(202).extract().path("receipt");

        org.assertj.core.api.Assertions.assertThat(second).isEqualTo(first);
        org.assertj.core.api.Assertions.assertThat(afterNewOptIn).isNotEqualTo(first);
        machine.history().then().body("type", org.hamcrest.Matchers.contains("erasure.requested"))
                .body("[0].receipt", equalTo(afterNewOptIn));
    }

    @Test
    void confirmationForAnotherMachineDoesNotCompleteTheReceipt() {
        Machine machine = Machine.newMachine();
        machine.answer(true, "prompt");
        String receipt = machine.requestErasure().then().extract().path("receipt");
        Machine other = Machine.newMachine();

        // Same Kafka key for both messages: one partition, so the mismatched one is consumed first.
        TopicReader.send(Topics.ERASURES, "ordering", IntegrationJson.write(new ErasureCompleted(
                UUID.randomUUID(), other.pseudonym(), Instant.now(), UUID.fromString(receipt))));
        Machine marker = Machine.newMachine();
        marker.answer(true, "prompt");
        String markerReceipt = marker.requestErasure().then().extract().path("receipt");
        TopicReader.send(Topics.ERASURES, "ordering", IntegrationJson.write(new ErasureCompleted(
                UUID.randomUUID(), marker.pseudonym(), Instant.now(), UUID.fromString(markerReceipt))));

        // Once the later confirmation is applied, the earlier one has been consumed: it must have been ignored.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(
                () -> receipt(markerReceipt).then().body("status", equalTo("completed")));
        receipt(receipt).then().body("status", equalTo("pending")).body("requestedAt", notNullValue());
    }

    @Test
    void unknownAndMalformedReceipts() {
        receipt(UUID.randomUUID().toString()).then().statusCode(404)
                .body("type", equalTo("urn:telemetry:problem:erasure-not-found"));
        receipt("not-a-uuid").then().statusCode(400).body("type", equalTo("urn:telemetry:problem:invalid-receipt"));
    }

    private static io.restassured.response.Response receipt(String receipt) {
        return given().auth().oauth2(TestApiKeys.ingest()).when().get("/v1/erasures/" + receipt);
    }
}
