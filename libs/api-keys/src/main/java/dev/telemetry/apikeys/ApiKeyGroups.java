package dev.telemetry.apikeys;

/** The groups an API key can carry; the api-keys tool mints them and every service authorises endpoints by them. */
public final class ApiKeyGroups {

    /** CLI clients: push events, record consent. */
    public static final String INGEST = "ingest";
    /** Operators: preview, publish and rebuild reports. */
    public static final String ADMIN = "admin";

    private ApiKeyGroups() {
    }
}
