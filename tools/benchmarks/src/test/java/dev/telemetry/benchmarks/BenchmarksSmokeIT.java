package dev.telemetry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The benchmark harness at its smallest, against the packaged suite, so that it cannot rot: every stage yields a
 * figure or says why it could not, and the table and its JSON agree. No figure is judged here (no timing asserts);
 * the figures of a real run are in docs/performance.md.
 */
class BenchmarksSmokeIT {

    private static final List<String> STAGES = List.of("(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "(h)", "(i)",
            "(j)");

    @Test
    void aSmallRunMeasuresEveryStageAndWritesTheTableAsJson() throws Exception {
        Path output = Path.of("target", "smoke", "benchmark-results.json").toAbsolutePath();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        Results results = new Benchmarks(Settings.smoke(), Path.of(System.getProperty("suite.repo", "../..")),
                new PrintStream(new TeeStream(out, System.out), true, StandardCharsets.UTF_8)).run(output);

        List<Results.Row> rows = results.rows();
        assertThat(rows).as("no stage of the harness itself failed")
                .noneMatch(row -> row.figure().equals("stage failed"));
        for (String stage : STAGES) {
            assertThat(rows).as("a row for stage " + stage).anyMatch(row -> row.stage().startsWith(stage));
        }
        assertThat(rows).as("an unmeasured figure says why").allMatch(row -> row.value() != null
                || row.note() != null && !row.note().isBlank());
        assertThat(rows).filteredOn(row -> row.value() != null).as("no figure is negative")
                .allMatch(row -> row.value() >= 0);
        // Counting may be slower than this tiny run (then it is 0 events/s, and says so); everything else moved.
        assertThat(rows).filteredOn(row -> row.value() != null && !row.stage().startsWith("(e)")
                && (row.unit().endsWith("/s") || row.unit().equals("s") || row.unit().equals("ms")))
                .as("every rate and time outside counting is positive").allMatch(row -> row.value() > 0);
        assertThat(rows).filteredOn(row -> row.stage().startsWith("(d)") && row.unit().equals("events/s"))
                .as("collector ingest beside the Kafka ceiling measured in the same run")
                .isNotEmpty().allMatch(row -> row.ratio() != null && row.ratio() > 0);

        assertThat(rows).filteredOn(row -> row.figure().startsWith("fresh") || row.stage().contains("fresh"))
                .as("the share of fresh events answered retry, and rejected").hasSize(2);

        JsonNode json = new ObjectMapper().readTree(Files.readString(output));
        assertThat(json.path("table").size()).isEqualTo(rows.size());
        assertThat(json.path("series").path("backlog").size()).as("the backlog over time").isPositive();
        String table = printed.toString(StandardCharsets.UTF_8);
        rows.forEach(row -> assertThat(table).contains(row.figure()));
    }

    /** Prints to the test's own buffer and to the build log. */
    private static final class TeeStream extends java.io.OutputStream {
        private final PrintStream first;
        private final PrintStream second;

        TeeStream(PrintStream first, PrintStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
