package dev.telemetry.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The environment variables a service reads, taken from its configuration files (its own application.properties and
 * the shared libraries' lower-ordinal ones): {@code ${NAME}} is required, {@code ${NAME:default}} optional.
 */
record ServiceConfig(String service, Map<String, Boolean> variables, Map<String, String> properties) {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:)?");

    static ServiceConfig of(String service) {
        Map<String, Boolean> variables = new LinkedHashMap<>();
        Map<String, String> properties = new LinkedHashMap<>();
        files(service).forEach(file -> read(file, variables, properties));
        return new ServiceConfig(service, variables, properties);
    }

    boolean required(String variable) {
        return variables.getOrDefault(variable, false);
    }

    boolean reads(String variable) {
        return variables.containsKey(variable);
    }

    /** The value of a property in production, with {@code ${NAME:default}} resolved to its default. */
    Optional<String> productionValue(String property) {
        return Optional.ofNullable(properties.get(property))
                .map(value -> value.replaceAll("\\$\\{[A-Z0-9_]+:([^}]*)}", "$1"));
    }

    private static List<Path> files(String service) {
        Path repo = Manifests.REPO;
        try (Stream<Path> shared = Files.walk(repo.resolve("libs"))) {
            return Stream.concat(
                    shared.filter(path -> path.endsWith(Path.of("META-INF", "microprofile-config.properties")))
                            .filter(path -> path.toString().contains("/src/main/")),
                    Stream.of(repo.resolve(service).resolve("src/main/resources/application.properties"))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void read(Path file, Map<String, Boolean> variables, Map<String, String> properties) {
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#") || !trimmed.contains("=")) {
                    continue;
                }
                String key = trimmed.substring(0, trimmed.indexOf('=')).strip();
                String value = trimmed.substring(trimmed.indexOf('=') + 1).strip();
                if (key.startsWith("%") && !key.startsWith("%prod.")) {
                    continue; // test and dev profiles do not run on Kubernetes
                }
                properties.put(key.replaceFirst("^%prod\\.", ""), value);
                Matcher matcher = VARIABLE.matcher(value);
                while (matcher.find()) {
                    variables.merge(matcher.group(1), matcher.group(2) == null, Boolean::logicalOr);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
