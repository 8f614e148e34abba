package dev.telemetry.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The service JVMs the suite started (children of this JVM), read through {@code /proc} (Linux). */
final class Processes {

    private Processes() {
    }

    /** The running JVM of a service: the child whose command line runs that service's quarkus-run.jar. */
    static Optional<ProcessHandle> service(String service) {
        String jar = service + "/target/quarkus-app/quarkus-run.jar";
        return ProcessHandle.current().children()
                .filter(child -> child.info().arguments().map(args -> String.join(" ", args).contains(jar))
                        .orElse(false))
                .findFirst();
    }

    /** Resident set size in MiB, or -1 where {@code /proc} cannot tell. */
    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    /** The environment a process was started with (so that a second instance can be started like the first). */
    static Map<String, String> environment(long pid) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        Map<String, String> environment = new LinkedHashMap<>();
        for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                environment.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        return environment;
    }
}
