package dev.telemetry.report.smoke;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.telemetry.apikeys.ApiKeyGroups;
import dev.telemetry.testing.ApiKeyContractTest;

@QuarkusTest
class ApiKeyTest extends ApiKeyContractTest {

    @Override
    protected Response call(RequestSpecification request) {
        return request.when().get("/v1/admin/reports/2020-Q1/preview");
    }

    @Override
    protected String requiredGroup() {
        return ApiKeyGroups.ADMIN;
    }

    @Override
    protected String otherGroup() {
        return ApiKeyGroups.INGEST;
    }
}
