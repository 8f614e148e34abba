package dev.telemetry.collector.ingest;

import static dev.telemetry.collector.ConsentLog.minutesAgo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.telemetry.collector.CliMachine;
import dev.telemetry.collector.ConsentLog;
import dev.telemetry.consentview.ConsentFreshness;
import dev.telemetry.contract.Topics;
import dev.telemetry.testing.SimulatedMachines;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TopicReader;

/**
 * The threat model: the ingest key is public and a machine's anonymous id may be known. With only those, nobody can
 * push events under the machine's pseudonym, nor learn its consent from a push or {@code /validate}.
 */
@QuarkusTest
class PushHijackTest {

    private static final String SOMEONE_ELSES_PROOF = SimulatedMachines.proofOf("someone else");

    @Inject
    ConsentFreshness freshness;

    @Test
    void eventsWithTheIdButNotTheProofAreAnsweredAsForAMachineThatNeverAnsweredAndNothingIsAppended() {
        CliMachine victim = CliMachine.create().optedIn(minutesAgo(60)).awaitProjected();
        CliMachine unknown = CliMachine.create();
        ConsentLog.awaitConsumed(freshness);
        List<ObjectNode> forged = List.of(forged(victim.event("start_begin", minutesAgo(10))),
                forged(victim.event("stop", minutesAgo(5))));
        List<ObjectNode> ofUnknown = List.of(forged(unknown.event("start_begin", minutesAgo(10))),
                forged(unknown.event("stop", minutesAgo(5))));

        Response pushed = CliMachine.push(forged);
        Response validated = validate(forged);

        pushed.then().statusCode(200).body("accepted", equalTo(0))
                .body("results.status", contains("rejected", "rejected"))
                .body("results.reason", contains("no_consent", "no_consent"));
        assertThat(verdicts(validated)).as("validate tells nothing about the victim's consent")
                .isEqualTo(verdicts(validate(ofUnknown))).isEqualTo(verdicts(pushed));
        Set<String> forgedIds = forged.stream().map(event -> event.get("id").asText()).collect(Collectors.toSet());
        assertThat(TopicReader.readAll(Topics.USAGE)).noneMatch(record -> victim.pseudonym().equals(record.key()));
        assertThat(TopicReader.readAll(Topics.USAGE)).noneMatch(record -> forgedIds.stream()
                .anyMatch(record.value()::contains));

        CliMachine.push(List.of(victim.event("stop", minutesAgo(4)))).then().statusCode(200)
                .body("accepted", equalTo(1));
    }

    @Test
    void anAcceptedEventResentWithoutTheProofIsNotRecognisedAsAcceptedBefore() {
        CliMachine victim = CliMachine.create().optedIn(minutesAgo(60)).awaitProjected();
        ConsentLog.awaitConsumed(freshness);
        ObjectNode stop = victim.event("stop", minutesAgo(5));
        CliMachine.push(List.of(stop)).then().statusCode(200).body("accepted", equalTo(1));

        CliMachine.push(List.of(forged(stop.deepCopy()))).then().statusCode(200)
                .body("results[0].status", equalTo("rejected")).body("results[0].reason", equalTo("no_consent"));
        CliMachine.push(List.of(stop)).then().statusCode(200).body("results[0].reason", equalTo("already_accepted"));
    }

    @Test
    void onePushJudgesEachEventByItsOwnProof() {
        CliMachine machine = CliMachine.create().optedIn(minutesAgo(60)).awaitProjected();
        ConsentLog.awaitConsumed(freshness);

        CliMachine.push(List.of(machine.event("stop", minutesAgo(5)), forged(machine.event("stop", minutesAgo(4)))))
                .then().statusCode(200)
                .body("results.status", contains("accepted", "rejected"))
                .body("results.reason", contains(null, "no_consent"));
    }

    @Test
    void aMachineRecordedBeforeProofsExistedHasNoProofThatWorks() {
        CliMachine legacy = CliMachine.recordedBeforeProofs().optedIn(minutesAgo(60)).awaitProjected();
        ConsentLog.awaitConsumed(freshness);

        CliMachine.push(List.of(legacy.event("stop", minutesAgo(5)), forged(legacy.event("stop", minutesAgo(4)))))
                .then().statusCode(200)
                .body("results.status", contains("rejected", "rejected"))
                .body("results.reason", contains("no_consent", "no_consent"));
        assertThat(TopicReader.readAll(Topics.USAGE)).noneMatch(record -> legacy.pseudonym().equals(record.key()));
    }

    private static ObjectNode forged(ObjectNode event) {
        return event.put("proof", SOMEONE_ELSES_PROOF);
    }

    private static Response validate(List<ObjectNode> events) {
        return given().auth().oauth2(TestApiKeys.ingest()).contentType(ContentType.JSON).body(CliMachine.batch(events))
                .when().post("/v1/events/validate");
    }

    private static List<String> verdicts(Response answer) {
        return answer.then().statusCode(200).extract().jsonPath().<String>getList("results.reason");
    }

}
