package dev.telemetry.edge;

/** Groups an API key can carry (see the api-keys tool, which mints them); endpoints require one of them. */
public final class ApiKeyGroups {

    /** CLI clients: consent and events. */
    public static final String INGEST = "ingest";
    /** Operators: report preview, publish, rebuild. */
    public static final String ADMIN = "admin";

    private ApiKeyGroups() {
    }
}
