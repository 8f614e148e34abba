package dev.telemetry.client.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.telemetry.client.ClientSettings;
import dev.telemetry.client.TelemetryClient;
import dev.telemetry.contract.catalog.EventCatalog;

import picocli.CommandLine;

class CfDevDemoTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private CommandLine demo(Map<String, String> environment, boolean interactive) {
        TelemetryClient telemetry = TelemetryClient
                .builder(new ClientSettings(URI.create("http://127.0.0.1:9"), URI.create("http://127.0.0.1:9"), "key",
                        home, "linux", "0.0.1", "CF_DEV_DEMO_TELEMETRY"))
                .environment(environment).interactive(interactive).workingDirectory(home)
                .policyFile(home.resolve("no-policy")).senderCommand(List.of("true"))
                .disclosure(CfDevDemo.disclosure(URI.create("https://stats.example/cf-dev"))).build();
        return new CommandLine(new CfDevDemo(telemetry, new PrintStream(out, true, StandardCharsets.UTF_8)));
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Tests run without a terminal: like CI, the demo must neither ask nor capture. */
    @Test
    void withoutATerminalStartRunsWithoutPromptingAndTelemetryStaysOff() {
        CommandLine cli = demo(Map.of(), false);

        assertThat(cli.execute("start")).isZero();
        assertThat(cli.execute("telemetry", "--status")).isZero();
        assertThat(cli.execute("telemetry", "status")).isZero();
        assertThat(cli.execute("telemetry", "sideways")).isEqualTo(2);

        assertThat(printed()).doesNotContain("[y/N]").contains("CF Dev is running.")
                .contains("Telemetry is off (not answered): nothing is collected until you say yes.");
        assertThat(home.resolve("spool.jsonl")).doesNotExist();
    }

    @Test
    void statusExplainsWhichSwitchTurnedItOffAndWhatWouldBeCollected() {
        CommandLine cli = demo(Map.of("DO_NOT_TRACK", "1"), true);

        assertThat(cli.execute("start")).isZero();
        assertThat(printed()).as("no prompt, even at a terminal").isEqualTo("CF Dev is running.\n");
        out.reset();
        cli.execute("telemetry", "--on");

        assertThat(printed()).startsWith("Telemetry is off: DO_NOT_TRACK is set.\n")
                .contains("the cf dev commands you run").contains("https://stats.example/cf-dev")
                .contains("cf-dev-demo telemetry --off");
        assertThat(home).isEmptyDirectory();
    }

    @Test
    void telemetryOnAndOffAreRecordedAtOnceAndExplained() {
        CommandLine cli = demo(Map.of(), true);

        cli.execute("telemetry", "--on");
        assertThat(printed()).startsWith("Telemetry is on: you turned it on (");
        cli.execute("telemetry", "--off");
        assertThat(printed()).contains("Telemetry is off: you turned it off (");
    }

    /** The consent version the demo records is its event catalog's: a new catalog asks again. */
    @Test
    void theDemosConsentVersionIsTheEventCatalogsVersion() {
        assertThat(EventCatalog.cfDev().id()).isEqualTo("cf-dev@" + CfDevDemo.CONSENT_VERSION);
    }
}
