package dev.telemetry.report.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.telemetry.testing.TestDatabase;

/**
 * The counting statement sends each machine's key, and erasure finds a machine's counted events by the SQL function
 * of migration V5: the two must agree, or an erased machine's counted events would stay behind.
 */
@QuarkusTest
class MachineKeyTest {

    @Test
    void theKeySentWithCountedEventsIsTheOneErasureLooksFor() {
        for (String pseudonym : List.of("708eea6cc5c48906a9bb54fc66ea6af946e0bff3bdbe740c87cac8a6c057a1ac", "",
                "caf\u00e9 \u2028 \ud83d\ude00")) {
            Object inDatabase = TestDatabase.query("SELECT encode(machine_key(?), 'hex') AS key", pseudonym).get(0)
                    .get("key");

            assertThat(HexFormat.of().formatHex(Aggregates.machineKey(pseudonym).getBytes())).isEqualTo(inDatabase);
        }
    }
}
