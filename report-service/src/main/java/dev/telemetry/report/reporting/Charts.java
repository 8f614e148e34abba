package dev.telemetry.report.reporting;

import java.util.List;
import java.util.Locale;

/**
 * Inline SVG bar charts for the report page: no script, font or image is loaded from anywhere. Each bar's label
 * has a line of its own above the bar and the value sits right of the bar in a reserved column, so a label never
 * overlaps a value; a label too long for the line is cut with an ellipsis and kept whole in the row's
 * {@code <title>}. Each chart is labelled by a text summary and described by its data table ({@code tableId}).
 */
final class Charts {

    static final String SUPPRESSED = "suppressed";

    /** Coordinate width; drawn at 480 px, scaled down to fit narrow screens. */
    private static final int WIDTH = 360;
    private static final int VALUE_COLUMN = 80;
    private static final int LABEL_CHARS = 50;
    private static final int ROW = 36;
    private static final int HEADING = 24;

    private Charts() {
    }

    /** One bar: a value, or suppressed (drawn as a grey stub reading "suppressed", never as 0). */
    record Bar(String label, Long value, boolean suppressed) {
    }

    /** Bars under an optional heading (null: none). */
    record Group(String heading, List<Bar> bars) {
    }

    static String bars(String id, String title, String unit, List<Group> groups, String tableId) {
        long max = groups.stream().flatMap(group -> group.bars().stream()).filter(bar -> bar.value() != null)
                .mapToLong(Bar::value).max().orElse(0);
        int height = 0;
        for (Group group : groups) {
            height += (group.heading() == null ? 0 : HEADING) + group.bars().size() * ROW;
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" role=\"img\" aria-labelledby=\"").append(id).append("-summary\"")
                .append(" aria-describedby=\"").append(tableId).append("\" width=\"").append(WIDTH * 4 / 3)
                .append("\" height=\"").append(height * 4 / 3).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" font-family=\"system-ui, sans-serif\" font-size=\"12\">")
                .append("<title id=\"").append(id).append("-summary\">").append(escape(summary(title, unit, groups)))
                .append("</title>");
        int y = 0;
        for (Group group : groups) {
            if (group.heading() != null) {
                svg.append("<text x=\"0\" y=\"").append(y + 17).append("\" font-weight=\"bold\">")
                        .append(escape(cut(group.heading()))).append("</text>");
                y += HEADING;
            }
            for (Bar bar : group.bars()) {
                svg.append("<g><title>").append(escape(bar.label() + ": " + value(bar, unit))).append("</title>")
                        .append("<text x=\"0\" y=\"").append(y + 13).append("\" fill=\"#222\">")
                        .append(escape(cut(bar.label()))).append("</text>");
                if (bar.suppressed()) {
                    svg.append("<rect x=\"0\" y=\"").append(y + 18).append("\" width=\"10\" height=\"12\"")
                            .append(" fill=\"#bbb\"/><text x=\"16\" y=\"").append(y + 28)
                            .append("\" fill=\"#595959\" font-style=\"italic\">").append(SUPPRESSED).append("</text>");
                } else {
                    long width = max == 0 ? 0 : Math.round((double) (WIDTH - VALUE_COLUMN) * bar.value() / max);
                    svg.append("<rect x=\"0\" y=\"").append(y + 18).append("\" width=\"").append(width)
                            .append("\" height=\"12\" fill=\"#2f6f9f\"/><text x=\"").append(width + 6)
                            .append("\" y=\"").append(y + 28).append("\" fill=\"#222\">")
                            .append(number(bar.value())).append("</text>");
                }
                svg.append("</g>");
                y += ROW;
            }
        }
        return svg.append("</svg>").toString();
    }

    /** The chart's text alternative: what it shows, its largest bar, how many bars are suppressed. */
    private static String summary(String title, String unit, List<Group> groups) {
        List<Bar> bars = groups.stream().flatMap(group -> group.bars().stream()).toList();
        long suppressed = bars.stream().filter(Bar::suppressed).count();
        StringBuilder text = new StringBuilder(title).append(", bar chart of ").append(unit).append(". ");
        bars.stream().filter(bar -> bar.value() != null)
                .max((a, b) -> Long.compare(a.value(), b.value()))
                .ifPresent(largest -> text.append("Largest: ").append(groups.size() > 1 ? heading(groups, largest) : "")
                        .append(largest.label()).append(", ").append(number(largest.value())).append(' ')
                        .append(unit).append(". "));
        if (suppressed > 0) {
            text.append(suppressed).append(suppressed == 1 ? " bar is" : " bars are").append(" suppressed. ");
        }
        return text.append("The table below lists every figure.").toString();
    }

    private static String heading(List<Group> groups, Bar bar) {
        return groups.stream().filter(group -> group.bars().contains(bar)).findFirst().map(Group::heading)
                .map(heading -> heading + " in ").orElse("");
    }

    private static String value(Bar bar, String unit) {
        return bar.suppressed() ? SUPPRESSED : number(bar.value()) + " " + unit;
    }

    static String number(long value) {
        return String.format(Locale.ENGLISH, "%,d", value);
    }

    private static String cut(String label) {
        return label.length() <= LABEL_CHARS ? label : label.substring(0, LABEL_CHARS - 1) + "\u2026";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
