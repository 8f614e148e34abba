package dev.telemetry.report.reporting;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;

import dev.telemetry.contract.catalog.EventCatalog;

/**
 * The public "what we collect" page, generated from the event catalog the reports count (the collector's), in
 * Markdown (the repository's {@code docs/what-we-collect.md} is this text for the built-in catalog) and as the HTML
 * page linked from every report. Both come from the same text, so they cannot say different things.
 */
@ApplicationScoped
public class WhatWeCollect {

    private final String markdown;
    private final String html;

    /** One row of the events table. */
    @TemplateData
    public record EventRow(String kind, String description, String data) {
    }

    WhatWeCollect(@Location("what-we-collect.md") Template markdown, @Location("what-we-collect.html") Template page,
            ReportBuilder reports) {
        this.markdown = markdown(markdown, reports.catalog(), reports.minimumCellMachines());
        this.html = page.data("body", MarkdownHtml.render(this.markdown)).render();
    }

    public String markdown() {
        return markdown;
    }

    public String html() {
        return html;
    }

    static String markdown(Template template, EventCatalog catalog, int k) {
        List<EventRow> events = catalog.kinds().entrySet().stream()
                .map(kind -> new EventRow(kind.getKey(), kind.getValue().description(), data(kind.getValue().data())))
                .toList();
        return template.data("events", events)
                .data("operatingSystems", catalog.operatingSystems().stream().map(os -> "`" + os + "`")
                        .collect(Collectors.joining(", ")))
                .data("minimumCellMachines", k)
                .render();
    }

    /** E.g. {@code `cpus` (integer 1–128); `services` (one of: all, default)}, or "none". */
    private static String data(Map<String, EventCatalog.Field> fields) {
        if (fields.isEmpty()) {
            return "none";
        }
        return fields.entrySet().stream().map(field -> "`" + field.getKey() + "` (" + describe(field.getValue()) + ")")
                .collect(Collectors.joining("; "));
    }

    private static String describe(EventCatalog.Field field) {
        return switch (field.type()) {
            case "integer" -> "integer " + field.min() + "\u2013" + field.max();
            case "enum" -> "one of: " + String.join(", ", field.values());
            default -> "true or false";
        };
    }
}
