package dev.telemetry.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Everything that can switch telemetry off before the user's own answer, checked in this order, each read-only: the
 * organisation's policy (an environment variable set fleet-wide, then a system file), the project's committed file,
 * {@code DO_NOT_TRACK}, the tool's own switch, then CI detection. The first that decides wins; each says why, for
 * {@code telemetry status}. Nothing here writes, connects or throws.
 */
final class Switches {

    /** Set fleet-wide by an administrator: {@code off} turns telemetry off for every CLI built on this client. */
    static final String POLICY_VARIABLE = "DEV_TELEMETRY_POLICY";
    /** The name of the per-project file, looked for in the working directory and every parent. */
    static final String PROJECT_FILE = ".dev-telemetry";
    /** The key of the policy and project files that applies to every tool; the tool's switch name applies to it only. */
    static final String ALL_TOOLS_KEY = "telemetry";

    /** Set by the common CI services (and by many scripts: {@code CI=true}). */
    static final List<String> CI_VARIABLES = List.of("CI", "CONTINUOUS_INTEGRATION",
            "GITHUB_ACTIONS", "GITLAB_CI", "TF_BUILD", "JENKINS_URL", "BUILDKITE", "CIRCLECI", "TRAVIS",
            "TEAMCITY_VERSION", "CODEBUILD_BUILD_ID", "BITBUCKET_BUILD_NUMBER", "APPVEYOR", "DRONE",
            "JB_SPACE_API_URL");

    private static final Set<String> OFF = Set.of("off", "0", "false", "no");
    private static final Set<String> ON = Set.of("on", "1", "true", "yes");

    /** What the switches decided: off, explicitly on, or left to the user's answer. */
    enum Outcome {
        OFF, ON, USER_DECIDES
    }

    record Verdict(Outcome outcome, String reason) {
    }

    private final Map<String, String> environment;
    private final String toolSwitch;
    private final Path policyFile;
    private final Path workingDirectory;

    Switches(Map<String, String> environment, String toolSwitch, Path policyFile, Path workingDirectory) {
        this.environment = environment;
        this.toolSwitch = toolSwitch;
        this.policyFile = policyFile;
        this.workingDirectory = workingDirectory;
    }

    /** The documented system location of the organisation's policy file. */
    static Path defaultPolicyFile(Map<String, String> environment) {
        String programData = environment.get("ProgramData");
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
        return windows && programData != null
                ? Path.of(programData, "dev-telemetry", "policy.properties")
                : Path.of("/etc/dev-telemetry/policy.properties");
    }

    Verdict verdict() {
        if (isOff(environment.get(POLICY_VARIABLE))) {
            return off("turned off by your organisation (" + POLICY_VARIABLE + "=" + environment.get(POLICY_VARIABLE)
                    + ")");
        }
        if (saysOff(policyFile)) {
            return off("turned off by your organisation's policy file " + policyFile);
        }
        Optional<Path> project = projectFileSayingOff();
        if (project.isPresent()) {
            return off("turned off for this project by " + project.get());
        }
        String doNotTrack = environment.get("DO_NOT_TRACK");
        if (doNotTrack != null && !doNotTrack.isBlank() && !isOff(doNotTrack)) {
            return off("DO_NOT_TRACK is set");
        }
        String tool = environment.getOrDefault(toolSwitch, "").trim().toLowerCase(Locale.ROOT);
        if (OFF.contains(tool)) {
            return off(toolSwitch + "=" + environment.get(toolSwitch));
        }
        if (ON.contains(tool)) {
            return new Verdict(Outcome.ON, "turned on by " + toolSwitch + "=" + environment.get(toolSwitch));
        }
        Optional<String> ci = ciVariable();
        if (ci.isPresent()) {
            return off("a CI environment was detected (" + ci.get() + " is set); set " + toolSwitch
                    + "=on to send telemetry from CI");
        }
        return new Verdict(Outcome.USER_DECIDES, "");
    }

    boolean debug() {
        return environment.getOrDefault(toolSwitch, "").trim().equalsIgnoreCase("debug");
    }

    private Optional<String> ciVariable() {
        return CI_VARIABLES.stream()
                .filter(name -> {
                    String value = environment.get(name);
                    return value != null && !value.isBlank() && !isOff(value);
                })
                .findFirst();
    }

    private Optional<Path> projectFileSayingOff() {
        for (Path directory = workingDirectory; directory != null; directory = directory.getParent()) {
            Path file = directory.resolve(PROJECT_FILE);
            if (saysOff(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /** Whether the file says {@code telemetry=off} or {@code <SWITCH>=off}; missing or unreadable says nothing. */
    private boolean saysOff(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return false;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
        return isOff(properties.getProperty(ALL_TOOLS_KEY)) || isOff(properties.getProperty(toolSwitch));
    }

    private static boolean isOff(String value) {
        return value != null && OFF.contains(value.trim().toLowerCase(Locale.ROOT));
    }

    private static Verdict off(String reason) {
        return new Verdict(Outcome.OFF, reason);
    }
}
