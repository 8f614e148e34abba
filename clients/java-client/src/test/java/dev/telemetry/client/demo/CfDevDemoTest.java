package dev.telemetry.client.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.telemetry.client.ClientSettings;
import dev.telemetry.client.TelemetryClient;

import picocli.CommandLine;

class CfDevDemoTest {

    @TempDir
    Path home;

    /** Tests run without a terminal: like CI, the demo must neither ask nor capture. */
    @Test
    void withoutATerminalStartRunsWithoutPromptingAndTelemetryStaysOff() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        TelemetryClient telemetry = TelemetryClient.create(new ClientSettings(URI.create("http://127.0.0.1:9"),
                URI.create("http://127.0.0.1:9"), "key", home, "linux", "0.0.1", "CF_DEV_DEMO_TELEMETRY"));
        CommandLine cli = new CommandLine(new CfDevDemo(telemetry, print));

        assertThat(cli.execute("start")).isZero();
        assertThat(cli.execute("telemetry", "--status")).isZero();
        assertThat(cli.execute("telemetry", "status")).isZero();
        assertThat(cli.execute("telemetry", "sideways")).isEqualTo(2);

        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("[y/N]").contains("CF Dev is running.")
                .contains("Telemetry is ").contains("off");
        assertThat(home.resolve("spool.jsonl")).doesNotExist();
    }
}
