package dev.telemetry.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A TCP proxy in front of the collector that can swallow its answers: the request is served and stored, but the
 * client never hears back and times out, as behind a flaky network. Records what the collector answered.
 */
final class StallingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final URI target;
    private final ByteArrayOutputStream answered = new ByteArrayOutputStream();
    private volatile boolean stalling;

    StallingProxy(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "stalling-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void stall(boolean stall) {
        this.stalling = stall;
    }

    /** Everything the collector sent back since the last call, whether or not it was passed on. */
    String takeAnswered() {
        synchronized (answered) {
            String text = answered.toString(StandardCharsets.UTF_8);
            answered.reset();
            return text;
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()), 2000);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                // closed, or the collector refused: the client sees a failed connection
            }
        }
    }

    private void pump(Socket from, Socket to, boolean answers) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read; (read = in.read(buffer)) >= 0;) {
                    if (answers) {
                        synchronized (answered) {
                            answered.write(buffer, 0, read);
                        }
                    }
                    if (!answers || !stalling) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, answers ? "proxy-answers" : "proxy-requests");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
