package dev.telemetry.apikeys;

/** The roles an API key can carry; services authorise endpoints by these names. */
public final class Groups {

    /** CLI clients: push events, record consent. */
    public static final String INGEST = "ingest";
    /** Operators: preview, publish and rebuild reports. */
    public static final String ADMIN = "admin";

    private Groups() {
    }
}
