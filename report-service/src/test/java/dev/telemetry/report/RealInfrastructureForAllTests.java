package dev.telemetry.report;

import io.quarkus.test.common.QuarkusTestResource;

import dev.telemetry.testing.RealInfrastructure;

/** Every @QuarkusTest of this module runs against the same real PostgreSQL and Kafka. */
@QuarkusTestResource(RealInfrastructure.class)
public class RealInfrastructureForAllTests {
}
