package dev.telemetry.report.reporting;

import java.util.List;

/** Inline SVG bar charts for the report page: no script, font or image is loaded from anywhere. */
public final class Charts {

    private static final int WIDTH = 320;
    private static final int ROW = 22;

    private final Report report;

    Charts(Report report) {
        this.report = report;
    }

    public String eventsByKind() {
        return bars(report.eventsByKind());
    }

    public String byOs() {
        return bars(report.byOs());
    }

    public String topBuilds() {
        return bars(report.topBuilds());
    }

    public String errorsByCode() {
        return bars(report.errorsByCode());
    }

    /** One bar per cell, scaled to the largest published value; suppressed cells are drawn as a hatched stub. */
    static String bars(List<Report.Cell> cells) {
        long max = cells.stream().filter(c -> c.events() != null).mapToLong(Report.Cell::events).max().orElse(0);
        StringBuilder svg = new StringBuilder();
        int height = Math.max(ROW, cells.size() * ROW);
        svg.append("<svg role=\"img\" width=\"").append(WIDTH + 220)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH + 220).append(' ')
                .append(height).append("\">");
        for (int i = 0; i < cells.size(); i++) {
            Report.Cell cell = cells.get(i);
            int y = i * ROW;
            svg.append("<text x=\"0\" y=\"").append(y + 15).append("\" font-size=\"12\">").append(escape(cell.key()))
                    .append("</text>");
            if (cell.suppressed()) {
                svg.append("<rect x=\"170\" y=\"").append(y + 4).append("\" width=\"12\" height=\"14\" fill=\"#ccc\"/>")
                        .append("<text x=\"190\" y=\"").append(y + 15)
                        .append("\" font-size=\"12\" fill=\"#666\">suppressed</text>");
            } else {
                long width = max == 0 ? 0 : Math.round((double) WIDTH * cell.events() / max);
                svg.append("<rect x=\"170\" y=\"").append(y + 4).append("\" width=\"").append(width)
                        .append("\" height=\"14\" fill=\"#2f6f9f\"/>")
                        .append("<text x=\"").append(175 + width).append("\" y=\"").append(y + 15)
                        .append("\" font-size=\"12\">").append(cell.events()).append("</text>");
            }
        }
        return svg.append("</svg>").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
