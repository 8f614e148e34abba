package dev.telemetry.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class SuiteLauncherTest {

    @TempDir
    Path home;

    @Test
    void refusesToStartOnATakenPortAndNamesIt() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new SuiteLauncher()).execute("--home", home.toString(),
                    "--consent-port", Integer.toString(taken.getLocalPort()));

            assertThat(exit).isEqualTo(SuiteLauncher.PORT_TAKEN);
        } finally {
            System.setErr(originalErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("consent-service (--consent-port) is already in use");
        assertThat(home).isEmptyDirectory();
    }
}
