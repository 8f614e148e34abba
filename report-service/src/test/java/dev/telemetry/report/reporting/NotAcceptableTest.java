package dev.telemetry.report.reporting;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** A report in a representation the service does not offer is a 406 problem, whatever the quarter. */
@QuarkusTest
class NotAcceptableTest {

    @Test
    void anotherFormatThanJsonOrCsvIs406() {
        given().queryParam("format", "xml").when().get("/v1/reports/2021-Q1")
                .then().statusCode(406)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:not-acceptable"))
                .body("status", equalTo(406));
    }

    @Test
    void anAcceptHeaderNoRepresentationMatchesIs406() {
        given().accept("application/xml").when().get("/v1/reports")
                .then().statusCode(406)
                .contentType(equalTo("application/problem+json"))
                .body("type", equalTo("urn:telemetry:problem:not-acceptable"));
    }
}
