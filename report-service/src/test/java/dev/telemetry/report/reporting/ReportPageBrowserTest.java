package dev.telemetry.report.reporting;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.telemetry.contract.catalog.EventCatalog;
import dev.telemetry.report.Browser;
import dev.telemetry.report.Fleet;
import dev.telemetry.report.quarter.Quarter;
import dev.telemetry.testing.TestApiKeys;

/**
 * The public pages as a reader sees them in a real browser (Debian's headless Chromium): three published quarters,
 * the last with a rare build, a small operating system, start_end events whose start_begin fell into the previous
 * quarter, a long event-kind label and no errors. Screenshots go to {@code target/screenshots/}.
 */
@QuarkusTest
class ReportPageBrowserTest {

    private static final int K = 10;
    private static final Quarter FIRST = new Quarter(2020, 1);
    private static final Quarter SMALL = new Quarter(2020, 2);
    private static final Quarter LATEST = new Quarter(2020, 3);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** Ground truth of the latest quarter, per machine: start_begin and start_end events. */
    private static final Map<String, int[]> STARTS = new HashMap<>();
    /** Events counted in each quarter, and of the largest build of the latest quarter. */
    private static final Map<Quarter, Long> EVENTS = new HashMap<>();
    private static long largestBuildEvents;
    private static boolean published;
    private static Browser browser;

    @TestHTTPResource("/")
    URL root;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start(true);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void publishThreeQuarters() {
        if (published) {
            return;
        }
        Fleet fleet = new Fleet();
        List<Fleet.Machine> first = optedIn(fleet, FIRST, 12, i -> "linux", i -> "1.8.0");
        for (Fleet.Machine machine : first) {
            Instant t = FIRST.start().plus(Duration.ofDays(2));
            fleet.use(machine, "start_begin", Map.of(), t, true);
            fleet.use(machine, "start_end", Map.of(), t.plusSeconds(300), true);
            fleet.use(machine, "app_created", Map.of("buildpack", "java"), t.plusSeconds(900), true);
        }
        EVENTS.put(FIRST, (long) fleet.sent.size());
        List<Fleet.Machine> small = optedIn(fleet, SMALL, 5, i -> "darwin", i -> "1.8.0");
        for (Fleet.Machine machine : small) {
            fleet.use(machine, "start_begin", Map.of(), SMALL.start().plus(Duration.ofDays(3)), true);
        }
        EVENTS.put(SMALL, fleet.sent.size() - EVENTS.get(FIRST));
        List<Fleet.Machine> latest = optedIn(fleet, LATEST, 30,
                i -> i < 20 ? "linux" : i < 29 ? "darwin" : "windows",
                i -> i < 16 ? "2.0.0" : i < 29 ? "1.9.0" : "0.9.0-rare");
        for (int i = 0; i < latest.size(); i++) {
            Fleet.Machine machine = latest.get(i);
            Instant t = LATEST.start().plus(Duration.ofDays(1 + i));
            int[] starts = STARTS.computeIfAbsent(machine.pseudonym, p -> new int[2]);
            if (i % 4 == 1 || i % 4 == 2) {
                // Its start_begin was captured in the previous quarter.
                fleet.use(machine, "start_end", Map.of("duration_s", 200), LATEST.start().plusSeconds(3600), true);
                starts[1]++;
            }
            fleet.use(machine, "start_begin", Map.of("cpus", 4), t, true);
            starts[0]++;
            if (i % 4 != 0) { // else the start failed
                fleet.use(machine, "start_end", Map.of("duration_s", 300), t.plusSeconds(300), true);
                starts[1]++;
            }
            if (i < 25) {
                fleet.use(machine, "app_created", Map.of("buildpack", "go"), t.plusSeconds(600), true);
            }
            if (i < 12) {
                fleet.use(machine, "user_provided_service_created", Map.of(), t.plusSeconds(700), true);
            }
            if (i < 3) {
                fleet.use(machine, "bosh", Map.of("subcommand", "vms"), t.plusSeconds(800), true);
            } else if (i < 12) {
                fleet.use(machine, "route_created", Map.of("protocol", "http"), t.plusSeconds(800), true);
            }
            fleet.use(machine, "stop", Map.of(), t.plusSeconds(3600), true);
            if (i < 11) {
                fleet.optOut(machine, LATEST.start().plus(Duration.ofDays(60)));
            }
        }
        EVENTS.put(LATEST, fleet.sent.size() - EVENTS.get(FIRST) - EVENTS.get(SMALL));
        largestBuildEvents = fleet.sent.stream().filter(sent -> sent.build().equals("2.0.0")).count();
        for (Quarter quarter : List.of(FIRST, SMALL, LATEST)) {
            Fleet.awaitEvents(quarter.toString(), EVENTS.get(quarter));
            given().auth().oauth2(TestApiKeys.admin()).when().post("/v1/admin/reports/" + quarter + "/publish")
                    .then().statusCode(200);
        }
        published = true;
    }

    @Test
    void headlineFiguresAndTablesShowExactlyTheJsonReportAndSuppressedCellsReadSuppressed() {
        for (Quarter quarter : List.of(FIRST, SMALL, LATEST)) {
            JsonPath json = report(quarter);
            open("/reports/" + quarter);

            Map<String, String> headlines = headlines();
            assertThat(headlines).containsEntry("Machines active", figure(json, "machines.active"))
                    .containsEntry("Events", figure(json, "events"))
                    .containsEntry("Opted in", figure(json, "machines.optedIn"))
                    .containsEntry("Opted out", figure(json, "machines.optedOut"))
                    .containsEntry("Start success rate", rate(json));
            for (String table : List.of("eventsByKind", "byOs", "topBuilds")) {
                assertThat(rows(tableId(table))).as(quarter + " " + table).isEqualTo(expectedRows(json, table));
            }
        }
        open("/reports/" + SMALL);
        assertThat(headlines()).as("5 machines: suppressed, never 0").containsEntry("Machines active", "suppressed")
                .containsEntry("Events", "suppressed").containsEntry("Start success rate", "suppressed");
    }

    @Test
    void startSuccessRateNeverExceedsOneHundredPercentAndIsDefinedInTheMethodology() {
        long attempts = STARTS.values().stream().mapToLong(s -> s[0]).sum();
        long ends = STARTS.values().stream().mapToLong(s -> s[1]).sum();
        long succeeded = STARTS.values().stream().mapToLong(s -> Math.min(s[0], s[1])).sum();
        assertThat(ends).as("the fleet sends more start_end than start_begin events").isGreaterThan(attempts);

        JsonPath json = report(LATEST);
        assertThat(json.getDouble("startSuccessRate.value"))
                .isEqualTo(Math.round(10000.0 * succeeded / attempts) / 10000.0).isLessThanOrEqualTo(1.0);
        open("/reports/" + LATEST);
        assertThat(headlines().get("Start success rate"))
                .isEqualTo(String.format(Locale.ROOT, "%.2f %%", 100.0 * succeeded / attempts));
        assertThat(browser.driver.findElement(By.id("methodology-list")).getText())
                .contains("Start success rate = successful starts / start attempts")
                .contains("never exceeds 100 %");
    }

    @Test
    void aRareBuildIsFoldedIntoOtherAndNeverHidesTheLargestBuild() {
        open("/reports/" + LATEST);
        List<List<String>> builds = rows("builds-table");

        assertThat(builds).as("largest build shown with its figures")
                .contains(List.of("2.0.0", number(largestBuildEvents), "16"))
                .as("the rare build is not listed by name")
                .noneMatch(row -> row.get(0).equals("0.9.0-rare"))
                .as("'other' (1 machine) suppressed with the smallest listed build, as the methodology says")
                .contains(List.of("other", "suppressed"), List.of("1.9.0", "suppressed"));
        assertThat(browser.driver.findElement(By.id("builds")).getText()).contains("counted together as \"other\"");
    }

    @Test
    void everyChartHasATextAlternativeAndItsDataTableAndNoLabelOverlapsItsValue() {
        for (Quarter quarter : List.of(LATEST, FIRST)) {
            String page = "/reports/" + quarter;
            open(page);
            List<WebElement> charts = browser.driver.findElements(By.cssSelector("svg"));
            assertThat(charts).as(page + ": kinds, OS, builds (and three trends)")
                    .hasSize(quarter.equals(LATEST) ? 6 : 3);
            for (WebElement chart : charts) {
                assertThat(chart.getAttribute("role")).isEqualTo("img");
                String summary = browser.driver.findElement(By.id(chart.getAttribute("aria-labelledby")))
                        .getAttribute("textContent");
                assertThat(summary).as("text alternative").contains("bar chart").contains("table below");
                WebElement table = browser.driver.findElement(By.id(chart.getAttribute("aria-describedby")));
                assertThat(table.getTagName()).isEqualTo("table");
                List<WebElement> bars = chart.findElements(By.cssSelector("g"));
                assertThat(table.findElements(By.cssSelector("tbody tr"))).as("a table row per bar")
                        .hasSameSizeAs(bars);
                Rectangle area = chart.getRect();
                for (WebElement bar : bars) {
                    List<WebElement> texts = bar.findElements(By.cssSelector("text"));
                    Rectangle label = texts.get(0).getRect();
                    Rectangle value = texts.get(1).getRect();
                    assertThat(overlap(label, value)).as(page + ": label '" + texts.get(0).getText()
                            + "' overlaps its value '" + texts.get(1).getText() + "'").isFalse();
                    assertThat(value.x + value.width).as("value inside the chart")
                            .isLessThanOrEqualTo(area.x + area.width + 1);
                }
            }
            long suppressedBars = charts.stream().flatMap(c -> c.findElements(By.cssSelector("text")).stream())
                    .filter(text -> text.getText().equals("suppressed")).count();
            long suppressedCells = browser.driver.findElements(By.cssSelector("td.suppressed")).size();
            assertThat(suppressedBars).as(page + ": a suppressed cell is suppressed in its chart too")
                    .isEqualTo(suppressedCells);
        }
        open("/reports/" + LATEST);
        WebElement longLabel = browser.driver.findElements(By.cssSelector("#kinds svg g")).stream()
                .filter(g -> g.getText().contains("user_provided_service_created")).findFirst().orElseThrow();
        assertThat(longLabel.getText()).contains("12");
    }

    @Test
    void emptySectionsSaySoInASentence() {
        open("/reports/" + LATEST);
        WebElement errors = browser.driver.findElement(By.id("errors"));
        assertThat(errors.findElements(By.tagName("table"))).isEmpty();
        assertThat(errors.getText()).contains("No errors were reported this quarter.");
        open("/reports/" + FIRST);
        assertThat(browser.driver.findElement(By.id("trends-section")).getText())
                .contains("Change over time is shown once two or more quarters");
    }

    @Test
    void changeOverTimeShowsEveryPublishedQuarterWithItsOwnSuppression() {
        open("/reports/" + LATEST);
        List<List<String>> machines = rows("trend-machines-table");
        List<List<String>> events = rows("trend-events-table");
        List<List<String>> expectedMachines = new ArrayList<>();
        List<List<String>> expectedEvents = new ArrayList<>();
        for (Quarter quarter : List.of(FIRST, SMALL, LATEST)) {
            JsonPath json = report(quarter);
            expectedMachines.add(List.of(quarter.toString(), figure(json, "machines.active")));
            expectedEvents.add(List.of(quarter.toString(), figure(json, "events")));
        }
        assertThat(machines).isEqualTo(expectedMachines).contains(List.of(SMALL.toString(), "suppressed"));
        assertThat(events).isEqualTo(expectedEvents);

        JsonPath latest = report(LATEST);
        List<String> topKinds = latest.getList("trend[-1].topEventKinds.key");
        assertThat(topKinds).containsExactly("start_end", "start_begin", "stop", "app_created",
                "user_provided_service_created");
        List<List<String>> expectedKinds = new ArrayList<>();
        for (String kind : topKinds) {
            for (Quarter quarter : List.of(FIRST, SMALL, LATEST)) {
                Map<String, Object> cell = report(quarter).getMap("eventsByKind.find { it.key == '" + kind + "' }");
                expectedKinds.add(row(List.of(kind, quarter.toString()), cell));
            }
        }
        assertThat(rows("trend-kinds-table")).as("each quarter's own published figures").isEqualTo(expectedKinds)
                .contains(List.of("start_begin", SMALL.toString(), "suppressed"));
        assertThat(latest.getList("trend.quarter")).containsExactly(FIRST.toString(), SMALL.toString(),
                LATEST.toString());
    }

    @Test
    void indexListsQuartersNewestFirstAndEveryLinkWorks() {
        open("/");
        List<String> quarters = browser.driver.findElements(By.cssSelector("#quarters a")).stream()
                .map(WebElement::getText).toList();
        assertThat(quarters).contains(FIRST.toString(), SMALL.toString(), LATEST.toString())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());

        browser.driver.findElement(By.linkText(LATEST.toString())).click();
        assertThat(browser.driver.findElement(By.tagName("h1")).getText()).endsWith(LATEST.toString());
        for (String link : List.of("JSON", "CSV")) {
            String href = browser.driver.findElement(By.linkText(link)).getAttribute("href");
            given().when().get(URI.create(href).getPath() + (href.contains("?") ? "?format=csv" : "")).then()
                    .statusCode(200);
        }
        browser.driver.findElement(By.linkText("What we collect")).click();
        assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Telemetry: what we collect");
        Set<String> documented = browser.driver.findElements(By.cssSelector("table tbody tr td:first-child code"))
                .stream().map(WebElement::getText).collect(Collectors.toSet());
        assertThat(documented).containsAll(EventCatalog.cfDev().kinds().keySet());
        browser.driver.findElement(By.linkText("All reports")).click();
        assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Anonymous usage statistics");
    }

    @Test
    void pagesFitPhoneAndDesktopWidthsAndLoadNothingFromAnotherOrigin() {
        browser.requests();
        Set<URI> requested = new HashSet<>();
        for (int width : List.of(375, 1280)) {
            boolean phone = width < 600;
            for (String page : List.of("/", "/reports/" + LATEST, "/reports/" + FIRST, "/what-we-collect")) {
                browser.viewport(width, 800, phone);
                open(page);
                long scrollWidth = (Long) browser.driver
                        .executeScript("return document.documentElement.scrollWidth");
                long viewport = (Long) browser.driver
                        .executeScript("return document.documentElement.clientWidth");
                assertThat(scrollWidth).as(page + " at " + width + " px scrolls sideways").isLessThanOrEqualTo(
                        viewport);
                if (page.equals("/reports/" + LATEST)) {
                    String name = "report-" + (phone ? "phone" : "desktop");
                    browser.screenshot(SCREENSHOTS.resolve(name + ".png"), width, 0, phone);
                    browser.screenshot(SCREENSHOTS.resolve(name + "-first-screen.png"), width, phone ? 800 : 1000,
                            phone);
                } else if (page.equals("/what-we-collect") && !phone) {
                    browser.screenshot(SCREENSHOTS.resolve("what-we-collect-desktop.png"), width, 0, phone);
                }
                requested.addAll(browser.requests());
            }
        }
        browser.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        assertThat(browser.driver.findElements(By.tagName("script"))).isEmpty();
        assertThat(requested).as("requests made").isNotEmpty()
                .allSatisfy(url -> assertThat(url.getScheme() + "://" + url.getAuthority())
                        .as("origin of " + url).isEqualTo(origin()));
    }

    @Test
    void everyPageReadsTheSameWithJavaScriptDisabled() {
        JsonPath json = report(LATEST);
        try (Browser noScript = Browser.start(false)) {
            noScript.driver.get("data:text/html,<title>off</title><script>document.title='on'</script>");
            assertThat(noScript.driver.getTitle()).as("scripts do not run in this browser").isEqualTo("off");
            noScript.driver.get(url("/reports/" + LATEST));
            assertThat(noScript.driver.findElement(By.cssSelector("#headline")).getText())
                    .contains(figure(json, "machines.active")).contains(figure(json, "events"));
            assertThat(noScript.driver.findElement(By.id("builds-table")).isDisplayed()).isTrue();
            assertThat(noScript.driver.findElements(By.cssSelector("svg.chart"))).allMatch(WebElement::isDisplayed);
            noScript.driver.findElement(By.linkText("What we collect")).click();
            assertThat(noScript.driver.findElement(By.tagName("h1")).getText())
                    .isEqualTo("Telemetry: what we collect");
            noScript.driver.findElement(By.linkText("All reports")).click();
            assertThat(noScript.driver.findElement(By.id("quarters")).getText()).contains(LATEST.toString());
        }
    }

    // --- helpers

    private static List<Fleet.Machine> optedIn(Fleet fleet, Quarter quarter, int count,
            java.util.function.IntFunction<String> os, java.util.function.IntFunction<String> build) {
        List<Fleet.Machine> machines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Fleet.Machine machine = fleet.machine(os.apply(i), build.apply(i));
            fleet.optIn(machine, quarter.start().plusSeconds(60));
            machines.add(machine);
        }
        return machines;
    }

    private void open(String path) {
        browser.driver.get(url(path));
    }

    private String url(String path) {
        return origin() + path;
    }

    private String origin() {
        return root.getProtocol() + "://" + root.getAuthority();
    }

    private static JsonPath report(Quarter quarter) {
        return given().when().get("/v1/reports/" + quarter).then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, String> headlines() {
        Map<String, String> figures = new HashMap<>();
        for (WebElement item : browser.driver.findElements(By.cssSelector("#headline > div"))) {
            figures.put(item.findElement(By.tagName("dt")).getText(), item.findElement(By.tagName("dd")).getText());
        }
        return figures;
    }

    private static String figure(JsonPath json, String path) {
        return json.getBoolean(path + ".suppressed") ? "suppressed" : number(json.getLong(path + ".value"));
    }

    private static String rate(JsonPath json) {
        if (json.getBoolean("startSuccessRate.suppressed")) {
            return "suppressed";
        }
        Object value = json.get("startSuccessRate.value");
        return value == null
                ? "no starts"
                : String.format(Locale.ROOT, "%.2f %%", ((Number) value).doubleValue() * 100);
    }

    private static String tableId(String jsonTable) {
        return switch (jsonTable) {
            case "eventsByKind" -> "kinds-table";
            case "byOs" -> "os-table";
            default -> "builds-table";
        };
    }

    private static List<List<String>> expectedRows(JsonPath json, String table) {
        List<Map<String, Object>> cells = json.getList(table);
        return cells.stream().map(cell -> row(List.of((String) cell.get("key")), cell)).toList();
    }

    private static List<String> row(List<String> labels, Map<String, Object> cell) {
        List<String> row = new ArrayList<>(labels);
        if ((Boolean) cell.get("suppressed")) {
            row.add("suppressed");
        } else {
            row.add(number(((Number) cell.get("events")).longValue()));
            row.add(number(((Number) cell.get("machines")).longValue()));
        }
        return row;
    }

    /** The cells of a table's body as read on screen. */
    private static List<List<String>> rows(String tableId) {
        return browser.driver.findElements(By.cssSelector("#" + tableId + " tbody tr")).stream()
                .map(tr -> tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()).toList();
    }

    private static String number(long value) {
        return String.format(Locale.ENGLISH, "%,d", value);
    }

    private static boolean overlap(Rectangle a, Rectangle b) {
        return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    }
}
