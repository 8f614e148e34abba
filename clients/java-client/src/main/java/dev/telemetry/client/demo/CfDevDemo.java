package dev.telemetry.client.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.telemetry.client.ClientSettings;
import dev.telemetry.client.Disclosure;
import dev.telemetry.client.TelemetryClient;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A stand-in for {@code cf dev}, showing the telemetry UX of the seeds: the first {@code start} at a terminal shows
 * what is collected and asks once; {@code telemetry --on/--off} toggles, {@code telemetry status} explains the state,
 * {@code --erase} asks for erasure; every command records its event and leaves the sending to a detached process,
 * so it exits at once whatever the network does. Configure with TELEMETRY_COLLECTOR_URL, TELEMETRY_CONSENT_URL,
 * TELEMETRY_REPORTS_URL and INGEST_API_KEY (see .local/keys.env).
 */
@Command(name = "cf-dev-demo", mixinStandardHelpOptions = true, subcommands = {CfDevDemo.Start.class,
        CfDevDemo.Stop.class, CfDevDemo.Telemetry.class}, description = "A demo CLI with opt-in telemetry.")
public final class CfDevDemo {

    static final Duration ERASURE_TIMEOUT = Duration.ofSeconds(5);
    /** The consent version of the event catalog this build ships with ({@code cf-dev.json}). */
    static final int CONSENT_VERSION = 1;

    static Disclosure disclosure(URI statistics) {
        return new Disclosure(CONSENT_VERSION, "the cf dev commands you run, how long they take and which errors"
                + " occur, with your OS and the CLI's version", statistics, "cf-dev-demo telemetry --off");
    }

    private final TelemetryClient telemetry;
    private final PrintStream out;

    public CfDevDemo(TelemetryClient telemetry, PrintStream out) {
        this.telemetry = telemetry;
        this.out = out;
    }

    public static void main(String[] args) {
        String home = System.getProperty("user.home");
        TelemetryClient telemetry = TelemetryClient.builder(new ClientSettings(
                URI.create(System.getenv().getOrDefault("TELEMETRY_COLLECTOR_URL", "http://127.0.0.1:8080")),
                URI.create(System.getenv().getOrDefault("TELEMETRY_CONSENT_URL", "http://127.0.0.1:8081")),
                System.getenv().getOrDefault("INGEST_API_KEY", ""), Path.of(home, ".cf-dev-demo", "telemetry"),
                System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac")
                        ? "darwin"
                        : System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win") ? "windows" : "linux",
                "0.0.1", "CF_DEV_TELEMETRY"))
                .disclosure(disclosure(URI.create(
                        System.getenv().getOrDefault("TELEMETRY_REPORTS_URL", "http://127.0.0.1:8082/"))))
                .build();
        System.exit(new CommandLine(new CfDevDemo(telemetry, System.out)).execute(args));
    }

    @Command(name = "start", description = "Pretend to start CF Dev.")
    static final class Start implements Callable<Integer> {
        @CommandLine.ParentCommand
        CfDevDemo cli;

        @Option(names = "--cpus", defaultValue = "4")
        int cpus;

        @Override
        public Integer call() {
            if (cli.telemetry.shouldPrompt()) {
                cli.out.println(cli.telemetry.disclosure());
                cli.out.print("Help improve CF Dev by sending anonymous usage statistics? [y/N] ");
                cli.out.flush();
                cli.telemetry.answerPrompt(yes());
            }
            cli.telemetry.capture("start_begin", Map.of("cpus", cpus));
            cli.out.println("CF Dev is running.");
            cli.telemetry.capture("start_end", Map.of("duration_s", 1));
            cli.telemetry.sendInBackground();
            return 0;
        }
    }

    @Command(name = "stop", description = "Pretend to stop CF Dev.")
    static final class Stop implements Callable<Integer> {
        @CommandLine.ParentCommand
        CfDevDemo cli;

        @Override
        public Integer call() {
            cli.telemetry.capture("stop", Map.of());
            cli.out.println("CF Dev is stopped.");
            cli.telemetry.sendInBackground();
            return 0;
        }
    }

    @Command(name = "telemetry", description = "Turn anonymous usage telemetry on or off, or show it (status).")
    static final class Telemetry implements Callable<Integer> {
        @CommandLine.ParentCommand
        CfDevDemo cli;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** None, or {@code telemetry status}, only shows the state. */
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "0..1")
        Choice choice;

        @CommandLine.Parameters(arity = "0..1", description = "status: show whether telemetry is on, why, and what"
                + " it collects.")
        String action;

        static final class Choice {
            @Option(names = "--on")
            boolean on;

            @Option(names = "--off")
            boolean off;

            @Option(names = "--status")
            boolean status;

            @Option(names = "--erase", description = "Erase what this machine sent from unpublished reports.")
            boolean erase;
        }

        @Override
        public Integer call() {
            if (action != null && !action.equals("status")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown action '" + action + "'; use --on, --off, --erase or status");
            }
            if (choice == null) {
                choice = new Choice();
            }
            if (choice.on) {
                cli.telemetry.turnOn();
                cli.telemetry.sendInBackground();
            } else if (choice.off) {
                cli.telemetry.turnOff();
                cli.telemetry.sendInBackground();
            } else if (choice.erase) {
                Optional<String> receipt = cli.telemetry.requestErasure(ERASURE_TIMEOUT);
                cli.out.println(receipt.isPresent()
                        ? "Erasure requested; receipt " + receipt.get() + "."
                        : "The telemetry service could not be reached; nothing was changed. Try again later.");
                if (receipt.isEmpty()) {
                    return 1;
                }
            }
            cli.out.println(cli.telemetry.status().describe());
            return 0;
        }
    }

    private static boolean yes() {
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
        } catch (IOException e) {
            return false;
        }
    }
}
