package dev.telemetry.report.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.telemetry.report.reporting.Charts.Bar;
import dev.telemetry.report.reporting.Charts.Group;

class ChartsTest {

    @Test
    void aLabelTooLongForItsLineIsCutAndKeptWholeInTheBarsTitle() {
        String build = "1234.123456.123456.123456-abcdefghijklmnop-and-more-text";

        String svg = Charts.bars("builds", "Top builds", "events", List.of(new Group(null,
                List.of(new Bar(build, 2869L, false)))), "builds-table");

        assertThat(svg).contains("<title>" + build + ": 2,869 events</title>")
                .contains(">" + build.substring(0, 49) + "\u2026</text>");
    }

    @Test
    void aSuppressedBarReadsSuppressedAndNeverZero() {
        String svg = Charts.bars("os", "By OS", "events", List.of(new Group(null,
                List.of(new Bar("linux", 120L, false), new Bar("windows", null, true)))), "os-table");

        assertThat(svg).contains("<title>windows: suppressed</title>").contains(">suppressed</text>")
                .doesNotContain(">0</text>");
        assertThat(svg).contains("1 bar is suppressed").contains("Largest: linux, 120 events");
    }

    @Test
    void theChartIsLabelledByItsSummaryAndDescribedByItsTable() {
        String svg = Charts.bars("kinds", "Events by kind", "events",
                List.of(new Group(null, List.of(new Bar("stop", 3L, false)))), "kinds-table");

        assertThat(svg).startsWith("<svg class=\"chart\" role=\"img\" aria-labelledby=\"kinds-summary\" "
                + "aria-describedby=\"kinds-table\"").contains("<title id=\"kinds-summary\">Events by kind");
    }
}
