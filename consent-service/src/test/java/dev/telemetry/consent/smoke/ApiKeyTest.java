package dev.telemetry.consent.smoke;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.consent.Machine;
import dev.telemetry.contract.MachineProofs;
import dev.telemetry.testing.ApiKeyContractTest;

@QuarkusTest
class ApiKeyTest extends ApiKeyContractTest {

    @Override
    protected Response call(RequestSpecification request) {
        Machine machine = Machine.newMachine();
        return request.contentType("application/json")
                .body("{\"optIn\": true, \"os\": \"linux\", \"build\": \"0.0.1234\", \"source\": \"prompt\"}")
                .header(MachineProofs.ANONYMOUS_ID_HEADER, machine.anonymousId())
                .header(MachineProofs.HEADER, machine.proof())
                .when().put("/v1/consent");
    }

    @Override
    protected String requiredGroup() {
        return ApiKeyGroups.INGEST;
    }

    @Override
    protected String otherGroup() {
        return ApiKeyGroups.ADMIN;
    }
}
