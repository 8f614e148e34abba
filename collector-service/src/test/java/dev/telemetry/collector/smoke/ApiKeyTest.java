package dev.telemetry.collector.smoke;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.testing.ApiKeyContractTest;

@QuarkusTest
class ApiKeyTest extends ApiKeyContractTest {

    @Override
    protected Response call(RequestSpecification request) {
        return request.contentType("application/json").body("{\"events\": []}").when().post("/v1/events/validate");
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
