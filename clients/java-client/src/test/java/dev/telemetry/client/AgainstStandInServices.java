package dev.telemetry.client;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A client test's world: stand-in collector and consent services, and a fresh home for each test. */
abstract class AgainstStandInServices {

    @TempDir
    Path root;

    StandInServices services;
    Fixture fixture;

    @BeforeEach
    void startServices() throws IOException {
        services = new StandInServices();
        fixture = new Fixture(root);
    }

    @AfterEach
    void stopServices() {
        services.close();
    }
}
