package dev.telemetry.client;

import java.net.URI;
import java.nio.file.Path;

/**
 * What a CLI configures once: where the services are, its ingest API key, where telemetry keeps its files, what this
 * build reports, and the name of its own environment switch (e.g. {@code CF_DEV_TELEMETRY=off}).
 */
public record ClientSettings(URI collector, URI consent, String apiKey, Path home, String os, String build,
        String environmentSwitch) {
}
