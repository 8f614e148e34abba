package dev.telemetry.contract.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class EventCatalogTest {

    private static final EventCatalog CATALOG = EventCatalog.cfDev();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void cfDevCatalogListsTheSeventeenEventKindsOfTheSeeds() {
        assertThat(CATALOG.kinds().keySet()).containsExactlyInAnyOrder("start_begin", "start_end", "error", "stop",
                "uninstall", "app_created", "route_created", "service_deployed", "service_created",
                "user_provided_service_created", "app_bound_to_service", "app_restaged", "org_created",
                "space_created", "user_created", "bosh", "telemetry_off");
        assertThat(CATALOG.id()).isEqualTo("cf-dev@1");
    }

    @Test
    void acceptsDataWithinBounds() throws Exception {
        assertThat(CATALOG.checkData("start_begin", json("{\"cpus\": 4, \"memory_mb\": 8192, \"services\": \"all\"}")))
                .isEmpty();
        assertThat(CATALOG.checkData("uninstall", json("{}"))).isEmpty();
    }

    @Test
    void refusalsNameTheKindOrKey() throws Exception {
        assertThat(CATALOG.checkKind("rm_rf")).get().extracting(EventCatalog.Violation::reason, v -> v.detail()
                .contains("rm_rf")).containsExactly("unknown_event", true);
        assertThat(CATALOG.checkData("stop", json("{\"hostname\": \"box\"}"))).get()
                .satisfies(v -> {
                    assertThat(v.reason()).isEqualTo("unknown_data_key");
                    assertThat(v.detail()).contains("hostname");
                });
        assertThat(CATALOG.checkData("start_begin", json("{\"cpus\": 1000}"))).get()
                .extracting(EventCatalog.Violation::reason).isEqualTo("invalid_data_value");
        assertThat(CATALOG.checkData("error", json("{\"code\": \"/home/alice/.cfdev failed\"}"))).get()
                .extracting(EventCatalog.Violation::reason).isEqualTo("invalid_data_value");
        assertThat(CATALOG.checkData("start_begin", json("{\"cpus\": \"4\"}"))).isPresent();
        assertThat(CATALOG.checkData("start_begin", json("{\"cpus\": 4.5}"))).isPresent();
    }

    @Test
    void operatingSystemsAndBuildsAreBounded() {
        assertThat(CATALOG.checkOs("linux")).isEmpty();
        assertThat(CATALOG.checkOs("Ubuntu 22.04 on alice-laptop")).isPresent();
        assertThat(CATALOG.checkBuild("0.0.1234")).isEmpty();
        assertThat(CATALOG.checkBuild("1.2.3-rc1")).isEmpty();
        assertThat(CATALOG.checkBuild("https://example.com/build")).isPresent();
    }

    @Test
    void catalogThatWouldLetFreeTextThroughIsRefused() {
        String freeText = """
                {"name": "x", "version": 1, "description": "", "os": ["linux"], "build": "^.*$",
                 "events": {"e": {"description": "", "data": {}}}}""";
        String stringType = """
                {"name": "x", "version": 1, "description": "", "os": ["linux"], "build": "^[0-9]{1,3}$",
                 "events": {"e": {"description": "", "data": {"path": {"type": "string"}}}}}""";

        assertThatThrownBy(() -> EventCatalog.load(new ByteArrayInputStream(freeText.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("build");
        assertThatThrownBy(
                () -> EventCatalog.load(new ByteArrayInputStream(stringType.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("type must be integer, enum or boolean");
    }

    @Test
    void buildPatternsBuiltOnlyFromSafeCharactersAreAccepted() throws Exception {
        for (String pattern : List.of(CATALOG.buildPattern(), "^[0-9]{1,4}\\.[0-9]{1,4}$",
                "^(?:v|r)?[a-f0-9_.-]{7,40}$",
                "^(alpha|beta|rc[0-9]{1,2})\\-[A-Z]{2}$", "^[0-9\\-\\.]{1,10}$")) {
            assertThat(EventCatalog.load(stream(catalogWithBuild(pattern))).buildPattern()).isEqualTo(pattern);
        }
    }

    @Test
    void catalogWhoseBuildPatternCouldAdmitOtherCharactersIsRefusedNamingCatalogAndPattern() {
        for (String pattern : List.of("^.{1,20}$", "^[^,]{1,20}$", "^[A-z]{1,20}$", "^\\S{1,20}$", "^\\w{1,20}$",
                "^[0-9=]{1,3}$", "^(a|=b)$", "^[0-9]{1,3}(,[0-9]{1,3})?$", "^\\p{L}{1,9}$", "^[0-9]{1,3}|.{1,99}$",
                "^[ -~]{1,9}$", "^(?i)[a-z]{1,9}$", "^[0-9]{1,3}$|^.{1,9}$", "^@[0-9]{1,3}$")) {
            assertThatThrownBy(() -> EventCatalog.load(stream(catalogWithBuild(pattern))))
                    .as(pattern).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid event catalog unsafe@3: build pattern " + pattern)
                    .hasMessageContaining("may admit characters outside [A-Za-z0-9._-]");
        }
    }

    @Test
    void aBuildWithACharacterOutsideTheSafeSetIsRefusedWhateverThePattern() {
        assertThat(CATALOG.checkBuild("1.2.3-rc1")).isEmpty();
        assertThat(CATALOG.checkBuild("1.2,3")).isPresent();
        assertThat(CATALOG.checkBuild("=1+2")).isPresent();
    }

    private static String catalogWithBuild(String pattern) {
        return """
                {"name": "unsafe", "version": 3, "description": "", "os": ["linux"], "build": "%s",
                 "events": {"e": {"description": "", "data": {}}}}""".formatted(pattern.replace("\\", "\\\\"));
    }

    private static ByteArrayInputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
