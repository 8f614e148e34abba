package dev.telemetry.report.reporting;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the Markdown of the "what we collect" page into HTML. Only the subset that page uses: {@code #},
 * {@code ##} and {@code ###} headings, paragraphs, {@code -} lists (continuation lines indented), tables and {@code `code`}. Every
 * character of the text is escaped, so nothing in the catalog can inject markup.
 */
final class MarkdownHtml {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private MarkdownHtml() {
    }

    static String render(String markdown) {
        List<String> lines = markdown.lines().toList();
        StringBuilder html = new StringBuilder();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank()) {
                i++;
            } else if (line.startsWith("### ")) {
                html.append("<h3>").append(inline(line.substring(4))).append("</h3>\n");
                i++;
            } else if (line.startsWith("## ")) {
                html.append("<h2>").append(inline(line.substring(3))).append("</h2>\n");
                i++;
            } else if (line.startsWith("# ")) {
                html.append("<h1>").append(inline(line.substring(2))).append("</h1>\n");
                i++;
            } else if (line.startsWith("|")) {
                i = table(lines, i, html);
            } else if (line.startsWith("- ")) {
                i = list(lines, i, html);
            } else {
                // The first line always belongs to it (say "#4 of 10"), so that every line is consumed.
                List<String> paragraph = new ArrayList<>(List.of(lines.get(i++).trim()));
                while (i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).startsWith("#")
                        && !lines.get(i).startsWith("|") && !lines.get(i).startsWith("- ")) {
                    paragraph.add(lines.get(i++).trim());
                }
                html.append("<p>").append(inline(String.join(" ", paragraph))).append("</p>\n");
            }
        }
        return html.toString();
    }

    private static int list(List<String> lines, int i, StringBuilder html) {
        html.append("<ul>\n");
        while (i < lines.size() && lines.get(i).startsWith("- ")) {
            StringBuilder item = new StringBuilder(lines.get(i++).substring(2).trim());
            while (i < lines.size() && lines.get(i).startsWith("  ") && !lines.get(i).isBlank()) {
                item.append(' ').append(lines.get(i++).trim());
            }
            html.append("<li>").append(inline(item.toString())).append("</li>\n");
        }
        html.append("</ul>\n");
        return i;
    }

    /** A header row, the |---| separator, then body rows. */
    private static int table(List<String> lines, int i, StringBuilder html) {
        html.append("<table>\n<thead><tr>");
        cells(lines.get(i++)).forEach(cell -> html.append("<th scope=\"col\">").append(inline(cell)).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        i++;
        while (i < lines.size() && lines.get(i).startsWith("|")) {
            html.append("<tr>");
            cells(lines.get(i++)).forEach(cell -> html.append("<td>").append(inline(cell)).append("</td>"));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
        return i;
    }

    private static List<String> cells(String row) {
        String inner = row.trim().substring(1, row.trim().length() - 1);
        return List.of(inner.split("\\|", -1)).stream().map(String::trim).toList();
    }

    private static String inline(String text) {
        Matcher code = CODE.matcher(text);
        StringBuilder html = new StringBuilder();
        int at = 0;
        while (code.find()) {
            html.append(Charts.escape(text.substring(at, code.start()))).append("<code>")
                    .append(Charts.escape(code.group(1))).append("</code>");
            at = code.end();
        }
        return html.append(Charts.escape(text.substring(at))).toString();
    }
}
