package dev.telemetry.consent.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.telemetry.consent.ConsentTopic;
import dev.telemetry.consent.Machine;
import dev.telemetry.testing.TestDatabase;

/**
 * A machine's OS and build are stored only sealed with its own key and never published; an erasure request deletes
 * the key, after which nothing in consent-service's database or on the consent topic can tell them, and the
 * machine's history shows only the tombstone.
 */
@QuarkusTest
class CryptoShreddingTest {

    /** An OS and a build no other test uses, so that finding them anywhere means this machine's were kept. */
    private record Details(String os, String build) {
        static Details unique() {
            long n = ThreadLocalRandom.current().nextLong(1_000_000_000L, 10_000_000_000L);
            return new Details("shredos" + n, "7.7." + n);
        }
    }

    private static Response answer(Machine machine, Details details, boolean optIn, String source) {
        return machine.request().contentType(ContentType.JSON)
                .body(Map.of("optIn", optIn, "os", details.os(), "build", details.build(), "source", source))
                .when().put("/v1/consent");
    }

    @Test
    void detailsAreStoredOnlySealedAndNeverPublished() {
        Machine machine = Machine.newMachine();
        Details details = Details.unique();
        answer(machine, details, true, "prompt").then().statusCode(200);

        machine.history().then().statusCode(200).body("os", contains(details.os()))
                .body("build", contains(details.build())).body("source", contains("prompt"));
        List<ConsumerRecord<String, String>> published = ConsentTopic.afterOutboxDrained();
        assertThat(TestDatabase.dumpAllTables()).doesNotContain(details.os()).doesNotContain(details.build());
        assertThat(ConsentTopic.of(machine.pseudonym(), published)).singleElement()
                .satisfies(record -> assertThat(record.value()).doesNotContain(details.os())
                        .doesNotContain(details.build()).doesNotContain("\"source\""));
    }

    @Test
    void afterAnErasureOnlyTheTombstoneCanBeRead() {
        Machine machine = Machine.newMachine();
        Details details = Details.unique();
        answer(machine, details, true, "prompt").then().statusCode(200);
        answer(machine, details, false, "toggle").then().statusCode(200);
        answer(machine, details, true, "toggle").then().statusCode(200);

        Response erasure = machine.requestErasure();
        erasure.then().statusCode(202);
        String receipt = erasure.path("receipt");
        String requestedAt = erasure.path("requestedAt");

        machine.history().then().statusCode(200).body("size()", equalTo(1))
                .body("[0].type", equalTo("erasure.requested")).body("[0].version", equalTo(4))
                .body("[0].at", equalTo(requestedAt)).body("[0].receipt", equalTo(receipt))
                .body("[0].os", equalTo(null)).body("[0].build", equalTo(null)).body("[0].source", equalTo(null));
        machine.current().then().statusCode(200).body("optIn", equalTo(false)).body("since", equalTo(requestedAt));

        assertThat(TestDatabase.count("SELECT count(*) FROM machine_key WHERE stream_id = ?", machine.pseudonym()))
                .as("the machine's key is gone").isZero();
        List<Map<String, Object>> events = TestDatabase.query(
                "SELECT event_type, payload FROM consent_event WHERE stream_id = ? ORDER BY version",
                machine.pseudonym());
        assertThat(events).hasSize(4).allSatisfy(event -> assertThat((String) event.get("payload"))
                .matches(event.get("event_type").equals("erasure.requested")
                        ? "\\{\"receipt\":\"" + receipt + "\"}"
                        : "\\{\"sealed\":\"[A-Za-z0-9+/=]+\"}"));
        List<ConsumerRecord<String, String>> published = ConsentTopic.afterOutboxDrained();
        assertThat(TestDatabase.dumpAllTables()).doesNotContain(details.os()).doesNotContain(details.build());
        assertThat(ConsentTopic.of(machine.pseudonym(), published)).hasSize(4)
                .allSatisfy(record -> assertThat(record.value()).doesNotContain(details.os())
                        .doesNotContain(details.build()).doesNotContain("\"source\""));
    }

    @Test
    void anOptInAfterTheErasureGetsANewKeyThatCannotOpenTheOldEvents() {
        Machine machine = Machine.newMachine();
        Details before = Details.unique();
        Details after = Details.unique();
        answer(machine, before, true, "prompt").then().statusCode(200);
        machine.requestErasure().then().statusCode(202);

        answer(machine, after, true, "toggle").then().statusCode(200);

        machine.history().then().statusCode(200).body("type", contains("erasure.requested", "consent.granted"))
                .body("os", contains(null, after.os())).body("build", contains(null, after.build()));
    }

    @Test
    void detailsStoredInClearBeforeCryptoShreddingAreRedactedByTheErasure() {
        Machine machine = Machine.newMachine();
        Details details = Details.unique();
        answer(machine, details, true, "prompt").then().statusCode(200);
        // The row as the ledger wrote it before this change: schema version 1, fields in clear.
        TestDatabase.execute("UPDATE consent_event SET schema_version = 1, payload = ? WHERE stream_id = ?",
                "{\"os\":\"" + details.os() + "\",\"build\":\"" + details.build() + "\",\"source\":\"prompt\"}",
                machine.pseudonym());
        machine.history().then().body("os", contains(details.os()));

        machine.requestErasure().then().statusCode(202);

        assertThat(TestDatabase.dumpAllTables()).doesNotContain(details.os()).doesNotContain(details.build());
        machine.history().then().statusCode(200).body("type", contains("erasure.requested"));
    }
}
