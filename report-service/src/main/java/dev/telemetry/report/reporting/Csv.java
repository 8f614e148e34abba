package dev.telemetry.report.reporting;

import java.util.regex.Pattern;

/**
 * CSV per RFC 4180: records end with CRLF, the header's and every text field's value is quoted with any double quote
 * doubled, so a comma, quote or line break inside a value stays inside it. Numbers and {@code true}/{@code false}
 * are written bare.
 *
 * <p>
 * A spreadsheet runs a cell that starts with {@code = + - @}, tab or carriage return as a formula (CSV injection,
 * e.g. {@code =HYPERLINK(...)}). Such a text value is neutralized by a leading single quote ({@code '}), which
 * spreadsheets show as text and which a reader of the file can strip. Catalogs already admit only safe characters
 * in keys; this is the second line of defence.
 */
final class Csv {

    private static final String CRLF = "\r\n";
    private static final Pattern FORMULA_START = Pattern.compile("^[=+\\-@\t\r]");

    private final StringBuilder out = new StringBuilder();

    Csv(String... header) {
        String[] quoted = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            quoted[i] = text(header[i]);
        }
        record(quoted);
    }

    /** Appends one record of already encoded fields ({@link #text} or bare numbers). */
    void record(String... fields) {
        out.append(String.join(",", fields)).append(CRLF);
    }

    /** A text field: neutralized if a spreadsheet would read it as a formula, then quoted. */
    static String text(String value) {
        String safe = FORMULA_START.matcher(value).find() ? "'" + value : value;
        return '"' + safe.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
