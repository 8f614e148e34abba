package dev.telemetry.report.reporting;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/** The three forms of a report. All three come from the same {@link Report}, so they show the same numbers. */
@ApplicationScoped
public class ReportRenderer {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final Template page;
    private final Template index;

    ReportRenderer(@Location("report.html") Template page, @Location("index.html") Template index) {
        this.page = page;
        this.index = index;
    }

    public String json(Report report) {
        try {
            return JSON.writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write report " + report.quarter(), e);
        }
    }

    /** One line per figure: {@code section,key,events,machines,suppressed}. */
    public String csv(Report report) {
        List<String> lines = new ArrayList<>();
        lines.add("section,key,events,machines,suppressed");
        lines.add(line("machines", "active", null, report.machines().active()));
        lines.add(line("machines", "opted_in", null, report.machines().optedIn()));
        lines.add(line("machines", "opted_out", null, report.machines().optedOut()));
        lines.add(line("events", "total", report.events(), null));
        Report.Rate rate = report.startSuccessRate();
        lines.add("start_success_rate,rate," + (rate.value() == null
                ? ""
                : String.format(Locale.ROOT, "%.4f",
                        rate.value()))
                + ",," + rate.suppressed());
        table(lines, "kind", report.eventsByKind());
        table(lines, "os", report.byOs());
        table(lines, "build", report.topBuilds());
        table(lines, "error_code", report.errorsByCode());
        return String.join("\n", lines) + "\n";
    }

    public String html(Report report) {
        return page.data("page", ReportPage.of(report)).render();
    }

    public String index(List<PublishedReports.Listed> reports) {
        return index.data("reports", reports).render();
    }

    private static String line(String section, String key, Report.Figure events, Report.Figure machines) {
        Report.Figure figure = events != null ? events : machines;
        String value = figure.value() == null ? "" : figure.value().toString();
        return section + "," + key + "," + (events != null ? value : "") + "," + (machines != null ? value : "") + ","
                + figure.suppressed();
    }

    private static void table(List<String> lines, String section, List<Report.Cell> cells) {
        for (Report.Cell cell : cells) {
            lines.add(section + "," + cell.key() + "," + (cell.events() == null ? "" : cell.events()) + ","
                    + (cell.machines() == null ? "" : cell.machines()) + "," + cell.suppressed());
        }
    }
}
