package dev.telemetry.consent.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.telemetry.consent.Machine;

/** Each test plays clients at addresses of its own (X-Forwarded-For from the trusted local proxy). */
@QuarkusTest
@TestProfile(ClientLimitsTest.SmallLimits.class)
class ClientLimitsTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("consent.limits.registrations-per-address-per-hour", "3",
                    "consent.limits.changes-per-address-per-hour", "6");
        }
    }

    private static Response answer(Machine machine, boolean optIn, String address) {
        return machine.request().header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body("{\"optIn\": " + optIn + ", \"os\": \"linux\", \"build\": \"0.0.1234\", \"source\": \"toggle\"}")
                .when().put("/v1/consent");
    }

    private static void assertLimited(Response response) {
        response.then().statusCode(429)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:rate-limited"));
        assertThat(Integer.parseInt(response.header("Retry-After"))).isBetween(1, 3600);
    }

    @Test
    void anAddressRegistersOnlyItsShareOfNewMachinesAndTheRefusedOneIsNotRecorded() {
        String flooder = "198.51.100.7";
        for (int i = 0; i < 3; i++) {
            answer(Machine.newMachine(), true, flooder).then().statusCode(200);
        }
        Machine refused = Machine.newMachine();

        assertLimited(answer(refused, true, flooder));

        // Its own proof is refused: no verifier was registered, so the machine was not recorded.
        refused.current().then().statusCode(403).body("type", equalTo("urn:telemetry:problem:proof-rejected"));
        answer(Machine.newMachine(), true, "198.51.100.8").then().statusCode(200);
    }

    @Test
    void knownMachinesGoOnAfterTheRegistrationsOfTheirAddressAreUsedUp() {
        String office = "203.0.113.20";
        Machine known = Machine.newMachine();
        answer(known, true, office).then().statusCode(200);
        answer(Machine.newMachine(), true, office).then().statusCode(200);
        answer(Machine.newMachine(), true, office).then().statusCode(200);
        assertLimited(answer(Machine.newMachine(), true, office));

        answer(known, false, office).then().statusCode(200).body("optIn", equalTo(false));
    }

    @Test
    void togglingInALoopStopsAtTheAddressesChangeLimitWithoutRecordingMore() {
        String toggler = "2001:db8:5:7::1";
        Machine machine = Machine.newMachine();
        for (int i = 0; i < 6; i++) {
            answer(machine, i % 2 == 0, toggler).then().statusCode(200);
        }

        // another address in the same IPv6 /64 shares the limit
        assertLimited(answer(machine, false, "2001:db8:5:7::99"));

        machine.current().then().statusCode(200).body("version", equalTo(6));
        answer(Machine.newMachine(), true, "2001:db8:5:8::1").then().statusCode(200);
    }
}
