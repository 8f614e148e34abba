package dev.telemetry.consent.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.consent.Machine;
import dev.telemetry.testing.TestApiKeys;
import dev.telemetry.testing.TestDatabase;

@QuarkusTest
class ProjectionRebuildTest {

    private static final String STATE = "SELECT stream_id, version, status, since, pending_erasure FROM consent_state "
            + "ORDER BY stream_id";

    @Test
    void rebuildingTheProjectionFromEventsRestoresEveryMachinesState() {
        for (int i = 0; i < 5; i++) {
            Machine machine = Machine.newMachine();
            machine.answer(i % 2 == 0, "prompt");
            if (i % 3 == 0) {
                machine.answer(i % 2 != 0, "toggle");
            }
            if (i == 4) {
                machine.requestErasure();
            }
        }
        List<Map<String, Object>> before = TestDatabase.query(STATE);
        // Damage it: a lost row and a wrong one.
        TestDatabase.execute("DELETE FROM consent_state WHERE stream_id = ?", before.get(0).get("stream_id"));
        TestDatabase.execute("UPDATE consent_state SET status = 'OPTED_IN', version = 99 WHERE stream_id = ?",
                before.get(1).get("stream_id"));

        int machines = given().auth().oauth2(TestApiKeys.admin())
                .when().post("/v1/admin/projections/consent-state/rebuild")
                .then().statusCode(200).extract().path("machines");

        assertThat(machines).isEqualTo(before.size());
        assertThat(TestDatabase.query(STATE)).isEqualTo(before);
    }

    @Test
    void rebuildNeedsAnAdminKey() {
        given().auth().oauth2(TestApiKeys.ingest()).when().post("/v1/admin/projections/consent-state/rebuild")
                .then().statusCode(403);
    }
}
