package dev.telemetry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.telemetry.contract.catalog.EventCatalog;

/** Event catalog files for tests of {@code COLLECTOR_CATALOG}, the setting that replaces the built-in catalog. */
public final class TestCatalogs {

    /** A kind the built-in CF Dev catalog does not have. */
    public static final String EXTRA_KIND = "doctor_ran";
    /** Its one data key, an integer from 0 to 100. */
    public static final String EXTRA_KEY = "checks_failed";
    /** The id events and reports carry under that catalog. */
    public static final String ID = "cf-dev@2";

    private TestCatalogs() {
    }

    /** The built-in catalog plus {@link #EXTRA_KIND}, as version 2, written to a temporary file. */
    public static String withExtraKind() {
        ObjectMapper json = new ObjectMapper();
        try (InputStream builtIn = Objects.requireNonNull(
                EventCatalog.class.getResourceAsStream(EventCatalog.CF_DEV))) {
            ObjectNode catalog = (ObjectNode) json.readTree(builtIn);
            catalog.put("version", 2);
            ObjectNode kind = ((ObjectNode) catalog.get("events")).putObject(EXTRA_KIND);
            kind.put("description", "The user ran `cf dev doctor`.");
            kind.putObject("data").putObject(EXTRA_KEY).put("type", "integer").put("min", 0).put("max", 100);
            Path file = Files.createTempFile("catalog-", ".json");
            file.toFile().deleteOnExit();
            json.writeValue(file.toFile(), catalog);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
