package dev.telemetry.contract.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The public "what we collect" page names exactly the catalog's event kinds and data keys. */
class EventCatalogDocumentationTest {

    private static final Path PAGE = Path.of("..", "..", "docs", "what-we-collect.md");

    @Test
    void everyEventKindAndDataKeyIsDocumentedAndNothingElse() throws IOException {
        EventCatalog catalog = EventCatalog.cfDev();
        String page = Files.readString(PAGE);
        List<String> rows = page.lines().filter(line -> line.startsWith("| `")).toList();

        catalog.kinds().forEach((kind, spec) -> {
            String row = rows.stream().filter(line -> line.startsWith("| `" + kind + "` |")).findFirst()
                    .orElseThrow(() -> new AssertionError(kind + " is not documented in " + PAGE));
            spec.data().keySet().forEach(key -> assertThat(row).as(kind).contains("`" + key + "`"));
        });
        assertThat(rows).as("documented event kinds").hasSize(catalog.kinds().size());
        catalog.operatingSystems().forEach(os -> assertThat(page).contains("`" + os + "`"));
    }
}
