package dev.telemetry.report.reporting;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.contract.catalog.EventCatalog;

/**
 * The "what we collect" page report-service serves is generated from the event catalog, and the repository's
 * {@code docs/what-we-collect.md} is exactly that text (which libs/contract also checks against the catalog).
 */
@QuarkusTest
class WhatWeCollectPageTest {

    private static final Path DOCUMENT = Path.of("..", "docs", "what-we-collect.md");

    @Test
    void theDocumentInTheRepositoryIsExactlyThePageTheServicePublishes() throws IOException {
        String served = given().when().get("/what-we-collect.md").then().statusCode(200)
                .contentType(equalTo("text/markdown;charset=UTF-8")).extract().asString();
        if (!served.equals(Files.readString(DOCUMENT))) {
            Path generated = Files.writeString(Path.of("target", "what-we-collect.md"), served);
            throw new AssertionError(DOCUMENT + " differs from the page report-service generates from the catalog; "
                    + "the generated text is in " + generated.toAbsolutePath() + " (copy it if the change is meant)");
        }
    }

    @Test
    void theHtmlPageListsEveryEventKindAndDataKeyOfTheCatalogAndLinksToTheReports() {
        String html = given().when().get("/what-we-collect").then().statusCode(200)
                .contentType(equalTo("text/html;charset=UTF-8")).extract().asString();

        assertThat(html).contains("<h1>Telemetry: what we collect</h1>").contains("<a href=\"/\">All reports</a>")
                .doesNotContain("<script").doesNotContain("`").doesNotContain("| ");
        EventCatalog.cfDev().kinds().forEach((kind, spec) -> {
            assertThat(html).contains("<td><code>" + kind + "</code></td>");
            spec.data().keySet().forEach(key -> assertThat(html).contains("<code>" + key + "</code>"));
        });
    }
}
