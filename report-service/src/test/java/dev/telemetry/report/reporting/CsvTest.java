package dev.telemetry.report.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.telemetry.report.reporting.Report.Cell;
import dev.telemetry.report.reporting.Report.Figure;

class CsvTest {

    private static final List<String> HOSTILE = List.of("a,b", "say \"hi\"", "two\r\nlines", "line\nfeed",
            "=HYPERLINK(\"http://evil.example\",\"click\")", "\tleading tab", "+1", "-1", "@SUM(A1)", "\rcr",
            "plain");

    @Test
    void hostileKeysComeBackAsTheSameTextNeutralizedAgainstFormulas() {
        String csv = renderer().csv(report(HOSTILE));

        List<List<String>> records = Rfc4180.parse(csv);

        assertThat(records.get(0)).containsExactly("section", "key", "events", "machines", "suppressed");
        List<String> keys = records.stream().filter(r -> r.get(0).equals("os")).map(r -> r.get(1)).toList();
        assertThat(keys).containsExactly("a,b", "say \"hi\"", "two\r\nlines", "line\nfeed",
                "'=HYPERLINK(\"http://evil.example\",\"click\")", "'\tleading tab", "'+1", "'-1", "'@SUM(A1)",
                "'\rcr", "plain");
        assertThat(records).allSatisfy(record -> assertThat(record).hasSize(5));
        assertThat(records.stream().filter(r -> r.get(0).equals("os")).map(r -> r.get(2)))
                .as("events stay numbers").allMatch(events -> events.equals("12"));
    }

    @Test
    void everyRecordEndsWithCrlfAndEveryTextFieldIsQuoted() {
        String csv = renderer().csv(report(List.of("linux")));

        assertThat(csv).endsWith("\r\n").doesNotContainPattern("[^\r]\n");
        assertThat(csv).startsWith("\"section\",\"key\",\"events\",\"machines\",\"suppressed\"\r\n")
                .contains("\"os\",\"linux\",12,10,false\r\n")
                .contains("\"machines\",\"active\",,10,false\r\n")
                .contains("\"events\",\"total\",12,,false\r\n")
                .contains("\"start_success_rate\",\"rate\",,,true\r\n");
    }

    private static ReportRenderer renderer() {
        return new ReportRenderer(null, null);
    }

    private static Report report(List<String> osKeys) {
        List<Cell> os = osKeys.stream().map(key -> new Cell(key, 12L, 10L, false)).toList();
        Figure ten = new Figure(10L, false);
        return new Report("2026-Q3", Report.PUBLISHED, new Report.Period(Instant.EPOCH, Instant.EPOCH), Instant.EPOCH,
                new Report.Machines(ten, ten, ten), new Figure(12L, false), new Report.Rate(null, true), List.of(), os,
                List.of(), List.of(), List.of(), null);
    }

    /** An RFC 4180 reader written from the RFC, independent of the code under test. */
    static final class Rfc4180 {

        static List<List<String>> parse(String text) {
            List<List<String>> records = new ArrayList<>();
            List<String> record = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            int i = 0;
            while (i < text.length()) {
                if (text.charAt(i) == '"') {
                    i++;
                    while (true) {
                        char c = text.charAt(i++);
                        if (c == '"') {
                            if (i < text.length() && text.charAt(i) == '"') {
                                field.append('"');
                                i++;
                            } else {
                                break;
                            }
                        } else {
                            field.append(c);
                        }
                    }
                } else {
                    while (i < text.length() && text.charAt(i) != ',' && text.charAt(i) != '\r') {
                        char c = text.charAt(i++);
                        if (c == '"' || c == '\n') {
                            throw new IllegalArgumentException("bare " + c + " in an unquoted field at " + i);
                        }
                        field.append(c);
                    }
                }
                record.add(field.toString());
                field.setLength(0);
                if (i < text.length() && text.charAt(i) == ',') {
                    i++;
                } else if (text.startsWith("\r\n", i)) {
                    records.add(record);
                    record = new ArrayList<>();
                    i += 2;
                } else {
                    throw new IllegalArgumentException("expected , or CRLF at " + i);
                }
            }
            return records;
        }
    }
}
