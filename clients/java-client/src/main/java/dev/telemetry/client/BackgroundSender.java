package dev.telemetry.client;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The detached process that sends what a command left behind, so that the command itself never waits for the
 * network. {@link TelemetryClient#sendInBackground} starts it with the JVM and class path of the CLI, in a new session
 * where {@code setsid} exists (Ctrl-C or a closed terminal does not stop it), with no standard streams (a pipe the
 * CLI writes to is not held open), and hands it the client's settings in its environment, not on its command line.
 * It sends within {@link #PUSH_DEADLINE}, and halts at {@link #HARD_DEADLINE} whatever it is doing: it never lingers.
 *
 * <p>
 * A thread abandoned at exit was the other choice; it dies with the JVM, so a command that ends quickly (most do)
 * would never get its answer or events out, and waiting for it is exactly the delay users complain about.
 */
public final class BackgroundSender {

    static final Duration PUSH_DEADLINE = Duration.ofSeconds(30);
    static final Duration HARD_DEADLINE = Duration.ofSeconds(45);

    private static final String PREFIX = "TELEMETRY_SENDER_";
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xshare:auto", "-Xmx64m", "-XX:-UsePerfData");

    private BackgroundSender() {
    }

    /** Runs in the detached process: the settings come from the environment the CLI gave it. */
    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(HARD_DEADLINE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(0);
        }, "telemetry-sender-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            client(System.getenv()).sendAsTheOnlySender(PUSH_DEADLINE);
        } catch (RuntimeException e) {
            // nothing to report to: the next command starts another sender
        }
        System.exit(0);
    }

    static void start(TelemetryClient client) throws IOException {
        ProcessBuilder process = new ProcessBuilder(command(client));
        process.environment().clear();
        process.environment().putAll(client.environment());
        process.environment().putAll(settings(client));
        process.redirectInput(ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null")));
        process.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        process.redirectError(ProcessBuilder.Redirect.DISCARD);
        process.start();
    }

    private static List<String> command(TelemetryClient client) {
        if (client.senderCommand() != null) {
            return client.senderCommand();
        }
        List<String> command = new ArrayList<>();
        setsid().ifPresent(command::add);
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BackgroundSender.class.getName());
        return command;
    }

    private static Optional<String> setsid() {
        return List.of("/usr/bin/setsid", "/bin/setsid").stream()
                .filter(path -> Files.isExecutable(Path.of(path))).findFirst();
    }

    private static Map<String, String> settings(TelemetryClient client) {
        ClientSettings settings = client.settings();
        Disclosure disclosure = client.disclosureSettings();
        Map<String, String> values = new HashMap<>(Map.of(
                PREFIX + "COLLECTOR", settings.collector().toString(),
                PREFIX + "CONSENT", settings.consent().toString(),
                PREFIX + "API_KEY", settings.apiKey(),
                PREFIX + "HOME", settings.home().toAbsolutePath().toString(),
                PREFIX + "OS", settings.os(),
                PREFIX + "BUILD", settings.build(),
                PREFIX + "SWITCH", settings.environmentSwitch(),
                PREFIX + "POLICY_FILE", client.policyFile().toString(),
                PREFIX + "WORKING_DIRECTORY", client.workingDirectory().toString(),
                PREFIX + "CONSENT_VERSION", Integer.toString(disclosure.version())));
        if (client.machineValue() != null) {
            values.put(PREFIX + "MACHINE_VALUE", client.machineValue());
        }
        return values;
    }

    static TelemetryClient client(Map<String, String> environment) {
        ClientSettings settings = new ClientSettings(URI.create(environment.get(PREFIX + "COLLECTOR")),
                URI.create(environment.get(PREFIX + "CONSENT")), environment.get(PREFIX + "API_KEY"),
                Path.of(environment.get(PREFIX + "HOME")), environment.get(PREFIX + "OS"),
                environment.get(PREFIX + "BUILD"), environment.get(PREFIX + "SWITCH"));
        // only the consent version matters here: the sender never shows the text
        Disclosure disclosure = new Disclosure(Integer.parseInt(environment.get(PREFIX + "CONSENT_VERSION")), "",
                settings.collector(), "");
        return TelemetryClient.builder(settings).environment(environment).interactive(false)
                .machineValue(environment.get(PREFIX + "MACHINE_VALUE")).disclosure(disclosure)
                .policyFile(Path.of(environment.get(PREFIX + "POLICY_FILE")))
                .workingDirectory(Path.of(environment.get(PREFIX + "WORKING_DIRECTORY"))).build();
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }
}
