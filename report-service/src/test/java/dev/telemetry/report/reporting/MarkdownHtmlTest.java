package dev.telemetry.report.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownHtmlTest {

    @Test
    void headingsParagraphsListsTablesAndCodeBecomeHtml() {
        String html = MarkdownHtml.render("""
                # Title

                A paragraph
                on two lines with `code`.

                - one item
                  continued
                - two

                | Event | Data |
                |---|---|
                | `stop` | `uptime_s` (integer 0–10) |
                """);

        assertThat(html).isEqualTo("""
                <h1>Title</h1>
                <p>A paragraph on two lines with <code>code</code>.</p>
                <ul>
                <li>one item continued</li>
                <li>two</li>
                </ul>
                <table>
                <thead><tr><th scope="col">Event</th><th scope="col">Data</th></tr></thead>
                <tbody>
                <tr><td><code>stop</code></td><td><code>uptime_s</code> (integer 0–10)</td></tr>
                </tbody>
                </table>
                """);
    }

    @Test
    void thirdLevelHeadingsAndLinesThatStartLikeAHeadingButAreNoneAreRendered() {
        assertThat(MarkdownHtml.render("### Machines recorded before\n\n#4 of ten\n"))
                .isEqualTo("<h3>Machines recorded before</h3>\n<p>#4 of ten</p>\n");
    }

    @Test
    void markupInTheTextIsEscaped() {
        assertThat(MarkdownHtml.render("A <script>alert(1)</script> & `<b>`"))
                .isEqualTo("<p>A &lt;script&gt;alert(1)&lt;/script&gt; &amp; <code>&lt;b&gt;</code></p>\n");
    }
}
