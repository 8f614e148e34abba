package dev.telemetry.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The figures of one run: one table (stage, figure, ceiling, ratio), plus series such as the backlog over time. */
final class Results {

    /**
     * One line of the table. {@code value} is null when the stage could not be measured ({@code note} says why);
     * {@code ceiling} and {@code ratio} are null where a stage has no engine ceiling; latencies where it has none.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Row(String stage, String figure, Double value, String unit, Double p50Millis, Double p99Millis,
            Double ceiling, String ceilingName, Double ratio, String note) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> series = new LinkedHashMap<>();
    private final Map<String, Object> run = new LinkedHashMap<>();
    private final PrintStream out;

    Results(PrintStream out) {
        this.out = out;
    }

    void add(String stage, String figure, double value, String unit) {
        add(new Row(stage, figure, value, unit, null, null, null, null, null, null));
    }

    void add(String stage, String figure, double value, String unit, Double ceiling, String ceilingName) {
        add(new Row(stage, figure, value, unit, null, null, ceiling, ceilingName, ratio(value, ceiling), null));
    }

    void add(String stage, String figure, Load.Outcome outcome, double value, String unit, Double ceiling,
            String ceilingName) {
        String note = outcome.failures() == 0
                ? null
                : outcome.failures() + " failed requests, first: " + outcome.firstFailure();
        add(new Row(stage, figure, value, unit, outcome.p50Millis(), outcome.p99Millis(), ceiling, ceilingName,
                ratio(value, ceiling), note));
    }

    void note(String stage, String figure, String note) {
        add(new Row(stage, figure, null, null, null, null, null, null, null, note));
    }

    private synchronized void add(Row row) {
        rows.add(row);
        out.println("  " + line(row));
    }

    void series(String name, Object values) {
        series.put(name, values);
    }

    void about(String key, Object value) {
        run.put(key, value);
    }

    synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    void print() {
        out.println();
        out.printf("%-28s %-40s %12s %-9s %9s %9s %12s  %-34s %5s%n", "stage", "figure", "value", "unit", "p50 ms",
                "p99 ms", "ceiling", "(ceiling)", "ratio");
        rows().forEach(row -> out.println(line(row)));
        out.println();
    }

    private static String line(Row row) {
        if (row.value() == null) {
            return String.format("%-28s %-40s not measured: %s", row.stage(), row.figure(), row.note());
        }
        return String.format("%-28s %-40s %12s %-9s %9s %9s %12s  %-34s %5s%s", row.stage(), row.figure(),
                number(row.value()), row.unit(), number(row.p50Millis()), number(row.p99Millis()),
                number(row.ceiling()), row.ceilingName() == null ? "" : row.ceilingName(),
                row.ratio() == null ? "" : String.format("%.2f", row.ratio()),
                row.note() == null ? "" : "  (" + row.note() + ")");
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("run", run);
        document.put("table", rows());
        document.put("series", series);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), document);
    }

    private static Double ratio(double value, Double ceiling) {
        return ceiling == null || ceiling <= 0 ? null : value / ceiling;
    }

    private static String number(Double value) {
        if (value == null) {
            return "";
        }
        return Math.abs(value) >= 100 ? String.format("%,.0f", value) : String.format("%.2f", value);
    }
}
