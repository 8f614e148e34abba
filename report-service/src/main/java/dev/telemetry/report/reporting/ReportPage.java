package dev.telemetry.report.reporting;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import io.quarkus.qute.TemplateData;

import dev.telemetry.report.reporting.Charts.Bar;
import dev.telemetry.report.reporting.Charts.Group;
import dev.telemetry.report.reporting.Report.Cell;
import dev.telemetry.report.reporting.Report.Figure;
import dev.telemetry.report.reporting.Report.TrendPoint;

/**
 * What the report page shows, worked out from a {@link Report} so that the template only lays it out: headline
 * figures, and sections that each have a chart and its data table, or a sentence saying the section is empty.
 */
@TemplateData
public record ReportPage(Report report, List<Headline> headlines, List<Section> sections, List<Section> trends,
        String noTrend) {

    /** A headline figure as read; {@code suppressed} figures read "suppressed", never 0. */
    @TemplateData
    public record Headline(String label, String value, boolean suppressed) {
    }

    /** A section: chart and table, or (when {@code empty} is set) only that sentence. */
    @TemplateData
    public record Section(String id, String heading, String note, String chart, Table table, String empty) {
    }

    @TemplateData
    public record Table(String id, String caption, List<String> headers, List<Row> rows) {
    }

    /** Leading label cells, then the figures, or one "suppressed" cell spanning the figure columns. */
    @TemplateData
    public record Row(List<String> labels, List<String> figures, boolean suppressed, int span) {
    }

    static ReportPage of(Report report) {
        List<Headline> headlines = List.of(
                headline("Machines active", report.machines().active()),
                headline("Events", report.events()),
                headline("Opted in", report.machines().optedIn()),
                headline("Opted out", report.machines().optedOut()),
                rate(report.startSuccessRate()));
        boolean noEvents = report.eventsByKind().stream().allMatch(cell -> Long.valueOf(0).equals(cell.events()));
        List<Section> sections = List.of(
                cells("kinds", "Events by kind", "event kind", report.eventsByKind(), null,
                        noEvents ? "No events were counted this quarter." : null),
                cells("os", "Machines and events by operating system", "operating system", report.byOs(), null,
                        "No events were counted this quarter, so there is no operating system to show."),
                cells("builds", "Top builds", "build", report.topBuilds(),
                        report.methodology() == null ? null : report.methodology().topBuilds(),
                        "No builds were recorded this quarter."),
                cells("errors", "Errors by code", "error code", report.errorsByCode(), null,
                        "No errors were reported this quarter."));
        List<TrendPoint> trend = report.trend() == null ? List.of() : report.trend();
        if (trend.size() < 2) {
            return new ReportPage(report, headlines, sections, List.of(),
                    "Change over time is shown once two or more quarters of the last two years are published; "
                            + "so far this is the only one.");
        }
        return new ReportPage(report, headlines, sections, trends(trend), null);
    }

    private static Headline headline(String label, Figure figure) {
        return figure.suppressed()
                ? new Headline(label, Charts.SUPPRESSED, true)
                : new Headline(label, Charts.number(figure.value()), false);
    }

    private static Headline rate(Report.Rate rate) {
        String label = "Start success rate";
        if (rate.suppressed()) {
            return new Headline(label, Charts.SUPPRESSED, true);
        }
        return new Headline(label, rate.value() == null
                ? "no starts"
                : String.format(Locale.ROOT, "%.2f %%", rate.value() * 100), false);
    }

    /** A table of the report: one row per cell. */
    private static Section cells(String id, String heading, String keyName, List<Cell> cells, String note,
            String empty) {
        if (cells.isEmpty() || empty != null && cells.stream().allMatch(c -> Long.valueOf(0).equals(c.events()))) {
            return new Section(id, heading, null, null, null, empty);
        }
        Table table = new Table(id + "-table", heading,
                List.of(capitalize(keyName), "Events", "Machines"),
                cells.stream().map(cell -> row(List.of(cell.key()), cell)).toList());
        String chart = Charts.bars(id, heading, "events",
                List.of(new Group(null, cells.stream().map(cell -> bar(cell.key(), cell)).toList())), table.id());
        return new Section(id, heading, note, chart, table, null);
    }

    private static List<Section> trends(List<TrendPoint> trend) {
        List<Section> sections = new ArrayList<>();
        sections.add(figures("trend-machines", "Machines active per quarter", "machines", trend,
                TrendPoint::machinesActive));
        sections.add(figures("trend-events", "Events per quarter", "events", trend, TrendPoint::events));
        TrendPoint last = trend.get(trend.size() - 1);
        String heading = "Top event kinds of " + last.quarter() + ", per quarter";
        if (last.topEventKinds().isEmpty()) {
            sections.add(new Section("trend-kinds", heading, null, null, null,
                    "No event kind was counted in " + last.quarter() + "."));
            return sections;
        }
        List<Group> groups = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < last.topEventKinds().size(); i++) {
            String kind = last.topEventKinds().get(i).key();
            List<Bar> bars = new ArrayList<>();
            for (TrendPoint point : trend) {
                Cell cell = point.topEventKinds().get(i);
                bars.add(bar(point.quarter(), cell));
                rows.add(row(List.of(kind, point.quarter()), cell));
            }
            groups.add(new Group(kind, bars));
        }
        Table table = new Table("trend-kinds-table", heading, List.of("Event kind", "Quarter", "Events", "Machines"),
                rows);
        sections.add(new Section("trend-kinds", heading, null, Charts.bars("trend-kinds", heading, "events", groups,
                table.id()), table, null));
        return sections;
    }

    private static Section figures(String id, String heading, String unit, List<TrendPoint> trend,
            Function<TrendPoint, Figure> figure) {
        Table table = new Table(id + "-table", heading, List.of("Quarter", capitalize(unit)), trend.stream()
                .map(point -> {
                    Figure value = figure.apply(point);
                    return value.suppressed()
                            ? new Row(List.of(point.quarter()), List.of(), true, 1)
                            : new Row(List.of(point.quarter()), List.of(Charts.number(value.value())), false, 1);
                }).toList());
        List<Bar> bars = trend.stream().map(point -> {
            Figure value = figure.apply(point);
            return new Bar(point.quarter(), value.value(), value.suppressed());
        }).toList();
        return new Section(id, heading, null, Charts.bars(id, heading, unit, List.of(new Group(null, bars)),
                table.id()), table, null);
    }

    private static Row row(List<String> labels, Cell cell) {
        return cell.suppressed()
                ? new Row(labels, List.of(), true, 2)
                : new Row(labels, List.of(Charts.number(cell.events()), Charts.number(cell.machines())), false, 2);
    }

    private static Bar bar(String label, Cell cell) {
        return new Bar(label, cell.events(), cell.suppressed());
    }

    private static String capitalize(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
