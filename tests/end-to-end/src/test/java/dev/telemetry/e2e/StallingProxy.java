package dev.telemetry.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the collector that can swallow its answers: the request is served and stored, but the
 * client never hears back and times out, as behind a flaky network. Records what the collector answered. The
 * collector's side of a connection stays open when the client gives up, so a slow answer is still recorded.
 */
final class StallingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final URI target;
    private final ByteArrayOutputStream answered = new ByteArrayOutputStream();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean stalling;

    StallingProxy(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("stalling-proxy", this::accept);
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
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            sockets.add(client);
            try {
                Socket collector = new Socket();
                sockets.add(collector);
                collector.connect(new InetSocketAddress(target.getHost(), target.getPort()), 2000);
                daemon("proxy-requests", () -> requests(client, collector));
                daemon("proxy-answers", () -> answers(collector, client));
            } catch (IOException refused) {
                closeQuietly(client);
            }
        }
    }

    /** Client to collector; when the client goes away, only its own socket is closed. */
    private void requests(Socket client, Socket collector) {
        byte[] buffer = new byte[8192];
        try (InputStream in = client.getInputStream()) {
            for (int read; (read = in.read(buffer)) >= 0;) {
                collector.getOutputStream().write(buffer, 0, read);
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(client);
        }
    }

    /** Collector to client: every answer is recorded, and passed on unless stalling or the client is gone. */
    private void answers(Socket collector, Socket client) {
        byte[] buffer = new byte[8192];
        try (InputStream in = collector.getInputStream()) {
            for (int read; (read = in.read(buffer)) >= 0;) {
                synchronized (answered) {
                    answered.write(buffer, 0, read);
                }
                if (!stalling && !client.isClosed()) {
                    try {
                        client.getOutputStream().write(buffer, 0, read);
                    } catch (IOException clientGone) {
                        closeQuietly(client);
                    }
                }
            }
        } catch (IOException e) {
            // the collector closed the connection
        } finally {
            closeQuietly(collector);
            closeQuietly(client);
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
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
        sockets.forEach(StallingProxy::closeQuietly);
    }
}
