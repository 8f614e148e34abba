package dev.telemetry.report.smoke;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.telemetry.apikeys.Groups;
import dev.telemetry.testing.ApiKeyContractTest;

@QuarkusTest
class ApiKeyTest extends ApiKeyContractTest {

    @Override
    protected Response call(RequestSpecification request) {
        return request.when().get("/test/probe");
    }

    @Override
    protected String requiredGroup() {
        return Groups.ADMIN;
    }

    @Override
    protected String otherGroup() {
        return Groups.INGEST;
    }
}
