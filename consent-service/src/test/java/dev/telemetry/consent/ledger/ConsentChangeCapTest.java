package dev.telemetry.consent.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.telemetry.consent.Machine;
import dev.telemetry.testing.SimulatedMachines;

/**
 * One machine may change its consent at most {@code ledger.max-changes-per-day} times a day (20 by default, 50 in
 * tests): its history cannot grow without bound.
 */
@QuarkusTest
class ConsentChangeCapTest {

    private static final int CAP = ConfigProvider.getConfig().getValue("ledger.max-changes-per-day", Integer.class);

    @Test
    void theChangeAfterTheCapIsRefusedWithRetryAfterAndChangesNothing() {
        Machine toggler = Machine.newMachine();
        for (int change = 0; change < CAP; change++) {
            toggler.answer(change % 2 == 0, change == 0 ? "prompt" : "toggle").then().statusCode(200)
                    .body("version", equalTo(change + 1));
        }

        Response refused = toggler.answer(true, "toggle");

        refused.then().statusCode(429).contentType("application/problem+json")
                .body("type", equalTo("urn:telemetry:problem:too-many-consent-changes"));
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 86_400L);
        toggler.current().then().statusCode(200).body("optIn", equalTo(false)).body("version", equalTo(CAP));
        toggler.history().then().body("size()", equalTo(CAP));
        // Without the machine's proof the cap is not even reached: the answer must not tell that the machine exists.
        toggler.withProof(SimulatedMachines.proofOf("someone else")).answer(true, "toggle").then().statusCode(403)
                .body("type", equalTo("urn:telemetry:problem:proof-rejected"));
    }

    @Test
    void repeatingTheCurrentChoiceAndErasingStayPossibleAtTheCap() {
        Machine toggler = Machine.newMachine();
        for (int change = 0; change < CAP; change++) {
            toggler.answer(change % 2 == 1, change == 0 ? "prompt" : "toggle").then().statusCode(200);
        }

        toggler.answer(true, "toggle").then().statusCode(200).body("version", equalTo(CAP));
        toggler.requestErasure().then().statusCode(202);
    }

    @Test
    void anotherMachineIsNotAffected() {
        Machine toggler = Machine.newMachine();
        for (int change = 0; change <= CAP; change++) {
            toggler.answer(change % 2 == 0, "toggle");
        }
        toggler.answer(true, "toggle").then().statusCode(429);

        Machine.newMachine().answer(true, "prompt").then().statusCode(200).body("version", equalTo(1));
    }
}
