package dev.telemetry.consent.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.telemetry.consent.ConsentTopic;
import dev.telemetry.consent.Machine;
import dev.telemetry.contract.IntegrationJson;
import dev.telemetry.contract.consent.ConsentGrantedMessage;
import dev.telemetry.contract.consent.ConsentMessage;
import dev.telemetry.testing.SimulatedMachines;
import dev.telemetry.testing.TestDatabase;

/**
 * The threat model: the ingest key is public, and the anonymous id may be known (a leaked log, a copied machine id).
 * With only those, nobody can change, read or erase a machine's consent, nor learn whether the machine exists.
 */
@QuarkusTest
class ConsentHijackTest {

    private static final String SOMEONE_ELSES_PROOF = SimulatedMachines.proofOf("someone else");

    @Test
    void withOnlyTheKeyAndTheIdEveryConsentRequestIsRefusedAndNothingChanges() {
        Machine victim = Machine.newMachine();
        victim.answer(true, "prompt").then().statusCode(200);
        int publishedBefore = ConsentTopic.of(victim.pseudonym(), ConsentTopic.afterOutboxDrained()).size();
        String before = ledgerOf(victim);

        for (Machine attacker : List.of(victim.withProof(SOMEONE_ELSES_PROOF), victim.withProof(null))) {
            int status = attacker.proof() == null ? 401 : 403;
            String type = attacker.proof() == null ? "proof-required" : "proof-rejected";
            List<Response> answers = List.of(attacker.answer(false, "toggle"), attacker.answer(true, "toggle"),
                    attacker.current(), attacker.history(), attacker.requestErasure());
            assertThat(answers).allSatisfy(answer -> answer.then().statusCode(status)
                    .contentType(equalTo("application/problem+json"))
                    .body("type", equalTo("urn:telemetry:problem:" + type)));
        }

        assertThat(ledgerOf(victim)).as("events, state, verifier, receipts and outbox of the victim")
                .isEqualTo(before);
        assertThat(ConsentTopic.of(victim.pseudonym(), ConsentTopic.afterOutboxDrained()))
                .as("nothing published for the victim").hasSize(publishedBefore);
        victim.current().then().statusCode(200).body("optIn", equalTo(true)).body("version", equalTo(1));
    }

    @Test
    void aWrongProofIsAnsweredExactlyAsAMachineThatDoesNotExist() {
        Machine victim = Machine.newMachine();
        victim.answer(true, "prompt").then().statusCode(200);
        Machine attacker = victim.withProof(SOMEONE_ELSES_PROOF);
        Machine unknown = Machine.newMachine();

        assertThat(attacker.current().asString()).isEqualTo(unknown.current().asString());
        assertThat(attacker.history().asString()).isEqualTo(unknown.history().asString());
        assertThat(attacker.requestErasure().asString()).isEqualTo(unknown.requestErasure().asString());
        assertThat(TestDatabase.dumpAllTables()).as("a refused erasure records nothing")
                .doesNotContain(unknown.pseudonym());
    }

    @Test
    void theFirstDecisionRegistersTheProofAndTheConsentTopicCarriesOnlyItsVerifier() {
        Machine machine = Machine.newMachine();

        machine.answer(true, "prompt").then().statusCode(200);
        machine.answer(false, "toggle").then().statusCode(200);

        assertThat(TestDatabase.query("SELECT verifier FROM machine_proof WHERE stream_id = ?", machine.pseudonym()))
                .containsExactly(Map.of("verifier", machine.verifier()));
        List<ConsentMessage> published = ConsentTopic.of(machine.pseudonym(), ConsentTopic.afterOutboxDrained())
                .stream().map(record -> IntegrationJson.read(record.value(), ConsentMessage.class)).toList();
        assertThat(published).hasSize(2).allSatisfy(message -> assertThat(message.match(
                ConsentGrantedMessage::proofVerifier, withdrawn -> withdrawn.proofVerifier(), erasure -> null))
                .isEqualTo(machine.verifier()));
        assertThat(TestDatabase.dumpAllTables()).doesNotContain(machine.proof());
    }

    @Test
    void ofTwoRacingFirstDecisionsWithDifferentProofsExactlyOneClaimsTheMachine() throws Exception {
        Machine machine = Machine.newMachine();
        List<Machine> claimants = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            claimants.add(machine.withProof(SimulatedMachines.proofOf("claimant " + i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(claimants.size());
        List<Future<Integer>> calls = new ArrayList<>();
        try {
            for (Machine claimant : claimants) {
                calls.add(pool.submit(() -> claimant.answer(true, "prompt").statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> call : calls) {
                statuses.add(call.get());
            }
            assertThat(statuses).containsOnly(200, 403).filteredOn(status -> status == 200).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        Machine winner = claimants.stream().filter(claimant -> claimant.current().statusCode() == 200).findFirst()
                .orElseThrow();
        assertThat(TestDatabase.query("SELECT verifier FROM machine_proof WHERE stream_id = ?", machine.pseudonym()))
                .containsExactly(Map.of("verifier", winner.verifier()));
        assertThat(TestDatabase.count("SELECT count(*) FROM consent_event WHERE stream_id = ?", machine.pseudonym()))
                .isEqualTo(1);
    }

    @Test
    void afterAnErasureTheIdCannotBeClaimedByAnotherProofButItsOwnerCanOptInAgain() {
        Machine machine = Machine.newMachine();
        machine.answer(true, "prompt").then().statusCode(200);
        machine.requestErasure().then().statusCode(202);
        Machine attacker = machine.withProof(SOMEONE_ELSES_PROOF);

        assertThat(List.of(attacker.answer(true, "prompt"), attacker.current(), attacker.history()))
                .allSatisfy(answer -> answer.then().statusCode(403)
                        .body("type", equalTo("urn:telemetry:problem:proof-rejected")));
        assertThat(TestDatabase.query("SELECT verifier FROM machine_proof WHERE stream_id = ?", machine.pseudonym()))
                .as("the erasure keeps the verifier").containsExactly(Map.of("verifier", machine.verifier()));

        machine.answer(true, "toggle").then().statusCode(200).body("optIn", equalTo(true));
    }

    @Test
    void aMachineRecordedBeforeProofsExistedCannotBeClaimedReadOrErased() {
        Machine legacy = Machine.newMachine();
        TestDatabase.execute("INSERT INTO consent_event (stream_id, version, event_id, event_type, schema_version, "
                + "payload, recorded_at) VALUES (?, 1, gen_random_uuid(), 'consent.granted', 1, "
                + "'{\"os\":\"linux\",\"build\":\"0.0.1\",\"source\":\"prompt\"}', ?)", legacy.pseudonym(),
                java.sql.Timestamp.from(Instant.parse("2026-01-02T03:04:05Z")));
        TestDatabase.execute("INSERT INTO consent_state (stream_id, version, status, since) VALUES (?, 1, "
                + "'OPTED_IN', ?)", legacy.pseudonym(), java.sql.Timestamp.from(Instant.parse("2026-01-02T03:04:05Z")));
        String before = ledgerOf(legacy);

        List<Response> answers = List.of(legacy.answer(false, "toggle"), legacy.answer(true, "prompt"),
                legacy.current(), legacy.history(), legacy.requestErasure());

        assertThat(answers).allSatisfy(answer -> answer.then().statusCode(403)
                .body("type", equalTo("urn:telemetry:problem:proof-rejected")));
        assertThat(ledgerOf(legacy)).isEqualTo(before);
    }

    /** Everything consent-service holds about the machine, as text (the outbox: what is still to publish). */
    private static String ledgerOf(Machine machine) {
        String stream = machine.pseudonym();
        return String.join("\n",
                TestDatabase.query("SELECT version, event_id, event_type, payload, recorded_at FROM consent_event "
                        + "WHERE stream_id = ? ORDER BY version", stream).toString(),
                TestDatabase.query("SELECT * FROM consent_state WHERE stream_id = ?", stream).toString(),
                TestDatabase.query("SELECT * FROM machine_proof WHERE stream_id = ?", stream).toString(),
                TestDatabase.query("SELECT * FROM erasure_receipt WHERE stream_id = ?", stream).toString(),
                TestDatabase.query("SELECT event_id, payload FROM outbox WHERE message_key = ?", stream).toString());
    }
}
