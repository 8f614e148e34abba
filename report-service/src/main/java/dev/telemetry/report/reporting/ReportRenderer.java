package dev.telemetry.report.reporting;

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

    /**
     * One record per figure: {@code section,key,events,machines,suppressed}, per RFC 4180 (CRLF line ends, every
     * text field quoted). See {@link Csv} for how text that a spreadsheet would run as a formula is neutralized.
     */
    public String csv(Report report) {
        Csv csv = new Csv("section", "key", "events", "machines", "suppressed");
        figure(csv, "machines", "active", null, report.machines().active());
        figure(csv, "machines", "opted_in", null, report.machines().optedIn());
        figure(csv, "machines", "opted_out", null, report.machines().optedOut());
        figure(csv, "events", "total", report.events(), null);
        Report.Rate rate = report.startSuccessRate();
        csv.record(Csv.text("start_success_rate"), Csv.text("rate"),
                rate.value() == null ? "" : String.format(Locale.ROOT, "%.4f", rate.value()), "",
                String.valueOf(rate.suppressed()));
        table(csv, "kind", report.eventsByKind());
        table(csv, "os", report.byOs());
        table(csv, "build", report.topBuilds());
        table(csv, "error_code", report.errorsByCode());
        return csv.toString();
    }

    public String html(Report report) {
        return page.data("page", ReportPage.of(report)).render();
    }

    public String index(List<PublishedReports.Listed> reports) {
        return index.data("reports", reports).render();
    }

    private static void figure(Csv csv, String section, String key, Report.Figure events,
            Report.Figure machines) {
        Report.Figure figure = events != null ? events : machines;
        String value = figure.value() == null ? "" : figure.value().toString();
        csv.record(Csv.text(section), Csv.text(key), events != null ? value : "", machines != null ? value : "",
                String.valueOf(figure.suppressed()));
    }

    private static void table(Csv csv, String section, List<Report.Cell> cells) {
        for (Report.Cell cell : cells) {
            csv.record(Csv.text(section), Csv.text(cell.key()), cell.events() == null ? "" : cell.events().toString(),
                    cell.machines() == null ? "" : cell.machines().toString(), String.valueOf(cell.suppressed()));
        }
    }
}
